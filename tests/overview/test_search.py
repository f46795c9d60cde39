"""Search across the model (``overview/search.py``): what a query may be, what it finds
(a section by its current revision only, a definition by its term, formula and current
wording, rituals, RACI rows, releases when asked), the
filters, safe snippets and who may search. Ranking, stemming, phrases and exclusions are
PostgreSQL's full-text search: those tests run on PostgreSQL (CI) and skip elsewhere."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from overview import search
from revops.errors import Refused
from revops.models import Door, Function
from revops.search import marked_html, plain_markdown
from runbook import services as runbook_services
from runbook.models import Release
from tests.cadence.factories import bulk_rituals, ritual
from tests.conftest import require_or_skip
from tests.factories import UserFactory
from tests.raci.factories import matrix, row
from tests.runbook.factories import (
    make_definition,
    make_runbook,
    make_sections,
    section,
    stamp_review,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 2)


@pytest.fixture
def postgres():
    require_or_skip(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")


def revise(sec, body, **kwargs):
    sec.refresh_from_db()
    return runbook_services.section_revise(
        section=sec, body=body, base_revision=sec.revision, actor=None, door=Door.CLI,
        **kwargs)


def found(user, text, **filters):
    query = search.parse(q=text, **filters)
    rows = list(search.matches(user=user, query=query, today=TODAY))
    return search.hits(rows, query=query, today=TODAY)


def ids(hits, type_=None):
    return [(h.type, h.id) for h in hits if type_ in (None, h.type)]


@pytest.fixture
def book(db):
    return make_runbook("Sales-led")


# What a query may be ---------------------------------------------------------------------


@pytest.mark.parametrize("q", [None, "", "   ", "x", " y "])
def test_an_empty_or_one_character_query_is_refused_naming_q(q):
    with pytest.raises(ValidationError) as raised:
        search.parse(q=q)
    assert "at least 2 characters" in raised.value.message_dict["q"][0]


def test_a_query_of_500_characters_is_refused_and_499_is_not(db):
    search.parse(q="a" * 499)
    with pytest.raises(ValidationError) as raised:
        search.parse(q="a" * 500)
    assert "under 500 characters" in raised.value.message_dict["q"][0]


@pytest.mark.parametrize("q", ["deal\x00desk", "deal \ud800"])
def test_text_no_database_can_carry_is_refused_naming_q(q):
    with pytest.raises(ValidationError) as raised:
        search.parse(q=q)
    assert "q" in raised.value.message_dict


def test_a_query_that_only_excludes_is_refused():
    with pytest.raises(ValidationError) as raised:
        search.parse(q="-enterprise")
    assert "at least one word" in raised.value.message_dict["q"][0]


@pytest.mark.parametrize(
    ("filters", "field"),
    [({"type": "sections"}, "type"), ({"type": "section,people"}, "type"), ({"type": ","}, "type"),
     ({"owner": "nobody"}, "owner"), ({"owner": "sa\x00les"}, "owner"),
     ({"state": "rotten"}, "state")],
)
def test_an_unknown_filter_value_is_refused_naming_the_filter(db, filters, field):
    with pytest.raises(ValidationError) as raised:
        search.parse(q="deal", **filters)
    assert list(raised.value.message_dict) == [field]


def test_types_default_to_all_but_releases_and_are_read_in_type_order(db):
    assert search.parse(q="deal").types == ("section", "definition", "ritual", "raci_row",
                                            "metric")
    assert search.parse(q="deal", type="release, section").types == ("section", "release")


def test_terms_read_phrases_exclusions_and_drop_the_or_operator():
    assert search.terms_of('"deal desk" or -enterprise -"big co" route') == (
        search.Term("deal desk", False), search.Term("enterprise", True),
        search.Term("big co", True), search.Term("route", False))


# What it finds ---------------------------------------------------------------------------


def test_a_section_is_found_by_its_current_revision_only(lead, book):
    sec = section(book, "process")
    revise(sec, "## Intake\n\nEvery quokka request is logged.")
    assert ids(found(lead, "quokka")) == [("section", sec.pk)]
    revise(sec, "## Intake\n\nEvery wombat request is logged.")
    assert found(lead, "quokka") == []
    assert ids(found(lead, "wombat")) == [("section", sec.pk)]


def test_a_renamed_section_is_found_by_its_new_title(lead, book):
    sec = section(book, "systems")
    runbook_services.section_update(section=sec, title="Platypus stack", actor=None,
                                    door=Door.CLI)
    hits = found(lead, "platypus")
    assert ids(hits) == [("section", sec.pk)]
    assert hits[0].title == "Platypus stack" and hits[0].url == f"/runbook/sections/{sec.pk}/"


def revise_definition(definition, body, **kwargs):
    definition.refresh_from_db()
    return runbook_services.definition_revise(
        definition=definition, body=body, base_revision=definition.revision, actor=None,
        door=Door.CLI, **kwargs)


def test_a_definition_is_found_by_its_term_formula_and_current_wording(lead, db):
    by_term = make_definition("Quokka velocity", layer="insights")
    by_formula = make_definition("Win rate", formula="won quokkas ÷ all quokkas")
    by_wording = make_definition("Pipeline", body="Every open quokka deal, weighted.")
    make_definition("Churn", body="Customers lost in the quarter.")
    hits = found(lead, "quokka")
    assert sorted(ids(hits)) == sorted(
        ("definition", d.pk) for d in (by_term, by_formula, by_wording))
    hit = next(h for h in hits if h.id == by_term.pk)
    assert hit.title == "Quokka velocity" and hit.url == "/definitions/quokka-velocity/"
    assert hit.where == "Insights and analytics" and hit.review_state == "fresh"
    assert ids(found(lead, "quokka", type="definition")) == ids(hits)
    assert found(lead, "quokka", type="section,ritual") == []


def test_a_definition_snippet_parts_its_formula_from_its_wording(lead, db):
    make_definition("Win rate", formula="won quokkas ÷ all quokkas",
                    body="The share of quokka deals won.")
    make_definition("Quokka count", body="How many quokka deals there are.")
    snippets = {hit.title: hit.snippet for hit in found(lead, "quokka")}
    assert "quokkas · The share of" in snippets["Win rate"].replace("</mark>", "")
    assert "·" not in snippets["Quokka count"]  # no formula, no separator


def test_a_definition_is_found_by_its_current_revision_and_new_term_only(lead, db):
    definition = make_definition("SQL", body="An okapi the SDR accepted.", formula="okapi × 2")
    revise_definition(definition, "A wombat the SDR accepted.", formula="wombat × 2")
    assert found(lead, "okapi") == []
    assert ids(found(lead, "wombat")) == [("definition", definition.pk)]
    definition.refresh_from_db()
    runbook_services.definition_update(definition=definition, term="Platypus lead",
                                       actor=None, door=Door.CLI)
    (hit,) = found(lead, "platypus")
    assert (hit.type, hit.id, hit.url) == ("definition", definition.pk,
                                           "/definitions/platypus-lead/")
    assert found(lead, "SQL") == []


def test_rituals_match_on_name_output_and_agenda_and_rows_on_name_and_description(lead, db):
    by_name = ritual(name="Okapi review")
    by_output = ritual(name="Weekly call", output="Okapi tally")
    by_agenda = ritual(name="Monthly call", agenda="1. Count the okapi\n2. Decide")
    ritual(name="Unrelated call")
    m = matrix()
    row_by_name = row(m, "Okapi approvals", {"sales": "A"})
    row_by_description = row(m, "Discount approvals", {"finance": "A"},
                             description="Anything an okapi signs.")
    hits = found(lead, "okapi")
    assert sorted(ids(hits, "ritual")) == sorted(
        ("ritual", r.pk) for r in (by_name, by_output, by_agenda))
    assert sorted(ids(hits, "raci_row")) == sorted(
        ("raci_row", r.pk) for r in (row_by_name, row_by_description))
    row_hit = next(h for h in hits if h.id == row_by_name.pk and h.type == "raci_row")
    assert row_hit.url == f"/raci/rows/{row_by_name.pk}/in-grid/"


def test_releases_are_searched_by_their_pinned_text_only_when_asked_for(lead, book):
    revise(section(book, "strategy"), "We sell to narwhal fleets.")
    release = runbook_services.release_create(runbook=book, name="Q4 refresh", actor=None,
                                              door=Door.CLI, today=TODAY)
    revise(section(book, "strategy"), "We sell to dolphin fleets.")
    assert ids(found(lead, "narwhal")) == []
    hits = found(lead, "narwhal", type="release")
    assert ids(hits) == [("release", release.pk)]
    assert hits[0].title == "v1 Q4 refresh"
    assert hits[0].url == f"/runbook/{book.pk}/releases/1/"
    assert Release.objects.count() == 1


def test_owner_keeps_what_the_function_owns_or_is_accountable_for(lead, book):
    sales_section = section(book, "process")
    runbook_services.section_update(section=sales_section, owner=Function.objects.get(
        slug="sales"), actor=None, door=Door.CLI)
    revise(sales_section, "The ibis rule.")
    revise(section(book, "systems"), "The ibis system.")
    sales_ritual = ritual(name="Ibis call", owner="sales")
    ritual(name="Ibis sync", owner="finance")
    m = matrix()
    sales_row = row(m, "Ibis pricing", {"sales": "A"})
    row(m, "Ibis billing", {"finance": "A"})
    hits = found(lead, "ibis", owner="sales", type="section,ritual,raci_row,release")
    assert sorted(ids(hits)) == sorted([("section", sales_section.pk), ("ritual", sales_ritual.pk),
                                        ("raci_row", sales_row.pk)])


def test_state_keeps_sections_in_that_review_state_and_says_each_ones_state(lead, book):
    stale = section(book, "process")
    revise(stale, "The heron rule.", mark_reviewed=False)
    stamp_review(stale, dt.date(2025, 1, 10))
    fresh = section(book, "systems")
    revise(fresh, "The heron system.", mark_reviewed=False)
    stamp_review(fresh, dt.date(2026, 11, 20))
    ritual(name="Heron call")
    assert ids(found(lead, "heron", state="stale")) == [("section", stale.pk)]
    states = {h.id: h.review_state for h in found(lead, "heron") if h.type == "section"}
    assert states == {stale.pk: "stale", fresh.pk: "fresh"}


def test_state_keeps_definitions_in_that_review_state_too(lead, book):
    with time_machine.travel(dt.datetime(2025, 1, 10, 12, tzinfo=dt.UTC), tick=False):
        stale = make_definition("Heron rate")
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC), tick=False):
        fresh = make_definition("Heron count")
    revise(section(book, "process"), "The heron rule.")
    assert ids(found(lead, "heron", state="stale")) == [("definition", stale.pk)]
    states = {h.id: h.review_state for h in found(lead, "heron") if h.type == "definition"}
    assert states == {stale.pk: "stale", fresh.pk: "fresh"}


def test_a_snippet_marks_the_words_and_escapes_everything_else(lead, book):
    revise(section(book, "process"),
           'Route <script>alert(1)</script> the "lemur" <mark>leads</mark> & <b>more</b>.')
    (hit,) = found(lead, "lemur")
    assert "<mark>lemur</mark>" in hit.snippet.lower()
    assert re.findall(r"<[^>]*>", hit.snippet) == ["<mark>", "</mark>"]


def test_a_snippet_reads_as_text_not_as_markdown_source(lead, book):
    revise(section(book, "process"),
           "## Lemur routing\n\n- **Every** lemur lead goes to `the queue`, see "
           "[the lemur rules](https://example.com/rules).\n> Ask in #lemur_desk.\n1. Then go.")
    (hit,) = found(lead, "lemur")
    text = re.sub(r"</?mark>", "", hit.snippet)
    for marker in ("##", "**", "`", "- ", "> ", "](", "https://"):
        assert marker not in text, (marker, text)
    assert "the lemur rules" in text.lower() and "#lemur_desk" in text.lower()
    assert "1. Then" in text


@pytest.mark.parametrize(
    ("markdown", "plain"),
    [("## Title\nbody", "Title\nbody"),
     ("a … ### Heading", "a … Heading"),
     ("  - item\n* other\n+ third", "item\nother\nthird"),
     ("> quoted", "quoted"),
     ("**bold** and __strong__ `code`", "bold and strong code"),
     ("see [docs](https://x.example/a) or ![chart](c.svg)", "see docs or chart"),
     ("#hashtag snake_case 2*3 1. step", "#hashtag snake_case 2*3 1. step"),
     ("an [[MQL]] the SDR took, see [[Stage exit criteria]]",
      "an MQL the SDR took, see Stage exit criteria"),
     ("", "")],
)
def test_plain_markdown_drops_the_markers_and_keeps_the_words(markdown, plain):
    assert plain_markdown(markdown) == plain


@pytest.mark.parametrize(
    ("raw", "html"),
    [("a <mark>b</mark> c", "a <mark>b</mark> c"),
     ("<mark>a <mark>b</mark>", "<mark>a b</mark>"),
     ("x</mark> <mark>open", "x <mark>open</mark>"),
     ("<b onclick=x>&</b>", "&lt;b onclick=x&gt;&amp;&lt;/b&gt;"),
     ("", "")],
)
def test_marked_html_keeps_balanced_marks_and_escapes_the_rest(raw, html):
    assert marked_html(raw) == html


# Who may search --------------------------------------------------------------------------


def test_every_signed_in_user_searches_everything_and_nobody_else(book, viewer):
    revise(section(book, "process"), "The tapir rule.")
    assert len(found(viewer, "tapir")) == 1
    query = search.parse(q="tapir")
    from django.contrib.auth.models import AnonymousUser

    for nobody in (AnonymousUser(), UserFactory(username="gone", is_active=False), None):
        with pytest.raises(Refused):
            search.matches(user=nobody, query=query, today=TODAY)


# PostgreSQL full-text search -------------------------------------------------------------


def test_stemming_finds_route_when_routing_is_asked(postgres, lead, book):
    sec = section(book, "process")
    revise(sec, "Inbound leads route to the SDR pod in two minutes.")
    assert ids(found(lead, "routing")) == [("section", sec.pk)]


def test_a_phrase_needs_the_words_together(postgres, lead, book):
    together = section(book, "process")
    revise(together, "The deal desk approves discounts.")
    apart = section(book, "systems")
    revise(apart, "Every deal lands on a desk eventually.")
    assert ids(found(lead, '"deal desk"')) == [("section", together.pk)]
    assert sorted(ids(found(lead, "deal desk"))) == sorted(
        [("section", together.pk), ("section", apart.pk)])


def test_a_minus_word_excludes(postgres, lead, book):
    plain = section(book, "process")
    revise(plain, "The deal desk approves discounts.")
    revise(section(book, "systems"), "The enterprise deal desk approves discounts.")
    assert ids(found(lead, '"deal desk" -enterprise')) == [("section", plain.pk)]


def test_a_title_match_ranks_above_a_heading_above_the_body(postgres, lead, book):
    body = section(book, "strategy")
    revise(body, "Zebra " * 40 + "\n\nZebra zebra zebra.")
    heading = section(book, "systems")
    revise(heading, "## Zebra\n\nThe list.")
    title = section(book, "process")
    runbook_services.section_update(section=title, title="Zebra", actor=None, door=Door.CLI)
    revise(title, "Who approves what.")
    hits = found(lead, "zebra")
    assert ids(hits) == [("section", title.pk), ("section", heading.pk), ("section", body.pk)]
    assert hits[0].rank > hits[1].rank > hits[2].rank


def test_a_term_match_ranks_above_a_formula_above_the_wording(postgres, lead, db):
    wording = make_definition("Pipeline", body="Yak " * 40 + "\n\nYak yak yak.")
    formula = make_definition("Win rate", formula="won yak deals ÷ all yak deals")
    term = make_definition("Yak velocity", body="How fast deals close.")
    hits = found(lead, "yak")
    assert ids(hits) == [("definition", term.pk), ("definition", formula.pk),
                         ("definition", wording.pk)]
    assert hits[0].rank > hits[1].rank > hits[2].rank


def test_a_definition_is_found_by_stemmed_words_of_its_wording(postgres, lead, db):
    definition = make_definition("Speed to lead", body="Inbound leads route to the SDR pod.")
    assert ids(found(lead, "routing")) == [("definition", definition.pk)]


def test_ranking_runs_across_types(postgres, lead, book):
    revise(section(book, "process"), "Each quarter the capybara count is checked.")
    capybara = ritual(name="Capybara count")
    hits = found(lead, "capybara")
    assert ids(hits)[0] == ("ritual", capybara.pk)


def test_the_language_is_configurable(postgres, lead, book, settings):
    sec = section(book, "process")
    settings.REVOPS_SEARCH_CONFIG = "simple"
    revise(sec, "Inbound leads route to the SDR pod.")
    assert found(lead, "routing") == []
    assert ids(found(lead, "route")) == [("section", sec.pk)]


def test_refresh_search_index_rewrites_vectors_in_the_configured_language(
        postgres, lead, book, settings):
    sec = section(book, "process")
    revise(sec, "Inbound leads route to the SDR pod.")
    settings.REVOPS_SEARCH_CONFIG = "simple"
    assert ids(found(lead, "route")) == []  # stored in English: "rout"
    call_command("refresh_search_index", stdout=io.StringIO())
    assert ids(found(lead, "route")) == [("section", sec.pk)]


def test_refresh_search_index_rewrites_the_vectors_of_definitions(postgres, lead, db,
                                                                  settings):
    definition = make_definition("Speed to lead", body="Inbound leads route to the SDR pod.")
    settings.REVOPS_SEARCH_CONFIG = "simple"
    assert ids(found(lead, "route")) == []
    call_command("refresh_search_index", stdout=io.StringIO())
    assert ids(found(lead, "route")) == [("definition", definition.pk)]


# SQLite: the zero-install fallback is substring matching, as docs/design.md says -------


@pytest.fixture
def sqlite():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL ranks and stems (the tests above)")


def test_sqlite_matches_every_word_as_typed_in_any_case_without_stemming(sqlite, lead, book):
    sec = section(book, "process")
    revise(sec, "Inbound leads ROUTE to the SDR pod.")
    assert ids(found(lead, "route inbound")) == [("section", sec.pk)]
    assert ids(found(lead, "routing")) == []
    assert ids(found(lead, "route outbound")) == []


def test_sqlite_reads_a_phrase_as_one_substring(sqlite, lead, book):
    together = section(book, "process")
    revise(together, "The deal desk approves discounts.")
    revise(section(book, "systems"), "Every deal lands on a desk eventually.")
    assert ids(found(lead, '"deal desk"')) == [("section", together.pk)]


def test_sqlite_leaves_out_what_a_minus_word_or_phrase_names(sqlite, lead, book):
    plain = section(book, "process")
    revise(plain, "The gazelle desk approves discounts.")
    revise(section(book, "systems"), "The enterprise gazelle desk approves discounts.")
    revise(section(book, "strategy"), "The gazelle desk, run by finance, approves discounts.")
    revise(section(book, "insights"), "The gazelle desk is run, by finance, too.")
    assert sorted(ids(found(lead, 'gazelle -enterprise -"run by finance"'))) == sorted([
        ("section", plain.pk), ("section", section(book, "insights").pk)])


def test_sqlite_ranks_a_title_match_above_a_match_in_the_text_only(sqlite, lead, book):
    body = section(book, "strategy")
    revise(body, "Zebra " * 40)
    title = section(book, "process")
    runbook_services.section_update(section=title, title="Zebra crossing", actor=None,
                                    door=Door.CLI)
    hits = found(lead, "zebra")
    assert ids(hits) == [("section", title.pk), ("section", body.pk)]
    assert hits[0].rank > hits[1].rank


def test_refresh_search_index_says_there_is_nothing_to_do_without_postgresql(db):
    if connection.vendor == "postgresql":
        pytest.skip("SQLite only")
    out = io.StringIO()
    call_command("refresh_search_index", stdout=out)
    assert "Nothing to do" in out.getvalue()


# The page --------------------------------------------------------------------------------


def test_the_page_redirects_signed_out_visitors_to_sign_in(client):
    response = client.get("/search/?q=deal")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_page_groups_ranked_results_and_the_box_gets_the_first_few(client, viewer, book):
    revise(section(book, "process"), "## Gazelle\n\nEvery gazelle is counted.")
    ritual(name="Gazelle count")
    make_definition("Gazelle rate", body="Gazelles seen per day.")
    client.force_login(viewer)
    page = client.get("/search/", {"q": "gazelle"}).content.decode()
    assert "Run-book sections" in page and "Rituals" in page and "<mark>" in page
    assert "Definitions" in page and 'href="/definitions/gazelle-rate/"' in page
    assert "3 results for “gazelle”" in page
    box = client.get("/search/", {"q": "gazelle"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in box and "All 3 results" in box
    assert client.get("/search/", {"q": "g"}, HTTP_HX_REQUEST="true").content.strip() == b""


def test_the_page_runs_the_same_queries_at_two_sizes(client, viewer, book,
                                                     django_assert_num_queries):
    # A title match of each type leads every page; the growth matches in bodies only.
    runbook_services.section_update(section=section(book, "process"), title="Deal desk",
                                    actor=None, door=Door.CLI)
    ritual(name="Deal review")
    row(matrix(), "Deal approvals", {"sales": "A"})
    make_definition("Deal velocity")
    client.force_login(viewer)
    for size, headers in enumerate(({}, {"HTTP_HX_REQUEST": "true"})):
        with CaptureQueriesContext(connection) as small:
            client.get("/search/", {"q": "deal"}, **headers)
        make_sections(3)
        bulk_rituals(3, name="Bulk call")
        for n in range(3):
            make_definition(f"Bulk term {size} {n}", body="Each open deal counts.")
        with django_assert_num_queries(len(small.captured_queries)):
            assert client.get("/search/", {"q": "deal"}, **headers).status_code == 200


# Titles marked, and "Did you mean …?" -----------------------------------------------------


def test_a_title_is_marked_where_it_matches_as_the_body_is(client, viewer, book):
    sec = section(book, "systems")
    runbook_services.section_update(section=sec, title="Platypus <b>stack</b>", actor=None,
                                    door=Door.CLI)
    ritual(name="Platypus count")
    hits = found(viewer, "platypus")
    assert {h.title_html for h in hits} == {
        "<mark>Platypus</mark> &lt;b&gt;stack&lt;/b&gt;", "<mark>Platypus</mark> count"}
    client.force_login(viewer)
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        page = client.get("/search/", {"q": "platypus"}, **headers).content.decode()
        assert f'href="/runbook/sections/{sec.pk}/"' in page
        assert "><mark>Platypus</mark> count</a>" in page


def test_a_query_that_finds_nothing_suggests_the_closest_title_or_term(client, viewer, book):
    runbook_services.section_update(section=section(book, "process"), title="Pipeline review",
                                    actor=None, door=Door.CLI)
    make_definition("Win rate")
    assert found(viewer, "pipline") == []
    assert search.closest(query=search.parse(q="pipline")) == "pipeline"
    assert search.closest(query=search.parse(q='"weekly pipline" -winn')) == (
        '"weekly pipeline" -winn')
    assert search.closest(query=search.parse(q="win rates")) == "win rate"
    assert search.closest(query=search.parse(q="pipeline review")) is None  # nothing better
    assert search.closest(query=search.parse(q="zqxjv")) is None
    client.force_login(viewer)
    page = client.get("/search/", {"q": "pipline"}).content.decode()
    assert 'Did you mean <a class="did-you-mean" href="/search/?q=pipeline">pipeline</a>?' in page
    box = client.get("/search/", {"q": "pipline"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'href="/search/?q=pipeline"' in box and "Did you mean" in box
    found_page = client.get("/search/", {"q": "pipeline"}).content.decode()
    assert "Did you mean" not in found_page


def test_an_archived_model_offers_no_words(viewer, book):
    runbook_services.section_update(section=section(book, "process"), title="Pipeline review",
                                    actor=None, door=Door.CLI)
    book.archived_at = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    book.save(update_fields=["archived_at"])
    assert search.closest(query=search.parse(q="pipline")) is None


def test_did_you_mean_runs_the_same_queries_at_two_sizes(client, viewer, book,
                                                          django_assert_num_queries):
    runbook_services.section_update(section=section(book, "process"), title="Pipeline review",
                                    actor=None, door=Door.CLI)
    client.force_login(viewer)
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        with CaptureQueriesContext(connection) as small:
            client.get("/search/", {"q": "pipline"}, **headers)
        make_sections(3)
        bulk_rituals(3, name="Bulk call")
        with django_assert_num_queries(len(small.captured_queries)):
            page = client.get("/search/", {"q": "pipline"}, **headers).content.decode()
        assert 'href="/search/?q=pipeline"' in page
