"""One notion of the live model, read by every reader.

A hybrid model has two run books: every reader — readiness, the pack (HTML, Markdown),
/start/, the dashboard, the Monday brief, the console to-do, the stale scan, cross-lint,
search — covers both, and names each section with its run book. A replaced model is
archived: absent from every one of them (and from the API's lists) unless asked for,
listed at /archive/, and its state travels in the model file."""

import json

import pytest
from django.core import mail
from django.utils import timezone

from cadence import adherence
from cadence.models import Occurrence, Ritual, Status
from overview import bootstrap, brief, lint, model_file, pack, search, todo
from overview.readiness import report
from overview.start import first_week
from raci.models import Matrix
from revops.models import Door, Function
from runbook import selectors as runbook_selectors
from runbook import services as runbook_services
from runbook.dashboard import panel
from runbook.models import Runbook, Section, StaleFlag
from tests.factories import make_head

pytestmark = pytest.mark.django_db

PRODUCT_PROCESS = "Product-led · Process and workflow"


def _hybrid():
    bootstrap.bootstrap(motion="hybrid", actor=None, door=Door.CLI)
    sales_led = Runbook.objects.get(motion="sales-led")
    for section in sales_led.sections.all():
        runbook_services.section_review(section=section, actor=None, door=Door.CLI)
    return sales_led, Runbook.objects.get(motion="product-led")


def _head_of_product_process():
    section = Section.objects.get(runbook__motion="product-led", kind="process")
    return make_head(section.owner.slug, "process-head"), section


# Hybrid: every reader covers both run books ---------------------------------------------


def test_readiness_names_the_unreviewed_sections_of_the_second_run_book():
    _hybrid()
    fresh = next(c for c in report(today=timezone.localdate()).checks
                 if c.code == "runbook_fresh")
    assert not fresh.passed
    assert len(fresh.gaps) == 6
    assert PRODUCT_PROCESS in fresh.gaps
    assert not any(g.startswith("Sales-led") for g in fresh.gaps)


def test_the_pack_holds_both_run_books_each_section_named_with_its_run_book():
    _hybrid()
    today = timezone.localdate()
    made = pack.build(today=today, now=timezone.now(), report=report(today=today))
    assert len(made.sections) == 12
    assert len({s.anchor for s in made.sections}) == 12
    assert PRODUCT_PROCESS in [s.title for s in made.sections]
    text = pack.to_markdown(made)
    assert "### 12. Product-led · Incident playbooks" in text
    assert "Sales-led run book and Product-led run book" in text


def test_the_pack_pages_show_the_second_run_book(client, lead):
    _hybrid()
    client.force_login(lead)
    assert PRODUCT_PROCESS in client.get("/handover/").content.decode()
    assert PRODUCT_PROCESS in client.get("/handover.md").content.decode()


def test_a_ritual_of_the_second_run_book_links_to_its_section_in_the_pack(client, lead):
    _hybrid()
    product_process = Section.objects.get(runbook__motion="product-led", kind="process")
    sales_process = Section.objects.get(runbook__motion="sales-led", kind="process")
    weekly, monthly = Ritual.objects.live().order_by("pk")[:2]
    Ritual.objects.filter(pk=weekly.pk).update(output_section=product_process)
    Ritual.objects.filter(pk=monthly.pk).update(output_section=sales_process)
    today = timezone.localdate()
    made = pack.build(today=today, now=timezone.now(), report=report(today=today))
    anchors = {s.title: s.anchor for s in made.sections}
    updates = {r.ritual.pk: r.updates_anchor for _, _, rows in made.cadence for r in rows}
    assert updates[weekly.pk] == anchors[PRODUCT_PROCESS] == (
        f"section-{product_process.runbook_id}-process")
    assert updates[monthly.pk] == anchors["Sales-led · Process and workflow"] == "section-process"
    client.force_login(lead)
    page = client.get("/handover/").content.decode()
    assert f'<a href="#{anchors[PRODUCT_PROCESS]}">Process and workflow</a>' in page
    assert f'id="{anchors[PRODUCT_PROCESS]}"' in page


def test_start_lists_the_second_run_books_sections_for_their_owner():
    _hybrid()
    head, _ = _head_of_product_process()
    today = timezone.localdate()
    steps = first_week(user=head, today=today, now=timezone.now(), report=report(today=today))
    assert f"Review “{PRODUCT_PROCESS}” (never reviewed)" in [s.title for s in steps]


def test_the_dashboard_names_each_section_with_its_run_book(client, lead):
    _hybrid()
    shown = panel(user=lead, today=timezone.localdate())
    assert shown["stale_count"] == 6 and shown["several_runbooks"]
    client.force_login(lead)
    assert "Product-led · Strategy and planning" in client.get("/").content.decode()


def test_the_brief_and_the_console_todo_cover_the_second_run_book():
    _hybrid()
    head, section = _head_of_product_process()
    briefs = brief.compose(today=timezone.localdate())
    lines = [i.text for b in briefs if b.user == head for i in b.sections]
    assert any("Product-led run book" in line for line in lines)
    assert section in todo.for_user(head, today=timezone.localdate()).sections


def test_the_stale_scan_flags_both_run_books():
    _hybrid()
    runbook_services.flag_stale_sections(door=Door.CLI)
    flagged = set(StaleFlag.objects.values_list("section__runbook__motion", flat=True))
    assert flagged == {"product-led"}  # the sales-led sections were just reviewed
    assert StaleFlag.objects.count() == 6


def _found(user, **params):
    query = search.parse(**params)
    today = timezone.localdate()
    return search.hits(list(search.matches(user=user, query=query, today=today)),
                       query=query, today=today)


def test_search_finds_the_sections_of_both_run_books(lead):
    _hybrid()
    assert {h.where for h in _found(lead, q="TODO", type="section")} == {
        "Sales-led run book", "Product-led run book"}


def test_cross_lint_reads_both_run_books():
    _hybrid()
    Section.objects.filter(runbook__motion="product-led", kind="process").update(
        owner=Function.objects.get(slug="finance"))
    subjects = {f.subject for f in lint.findings()}
    product = Section.objects.get(runbook__motion="product-led", kind="process")
    assert f"section:{product.pk}" in subjects


# Archive: a replaced model is out of every reader ---------------------------------------


@pytest.fixture
def replaced():
    """A hybrid model replaced by a sales-led one: the hybrid is archived."""
    bootstrap.bootstrap(motion="hybrid", actor=None, door=Door.CLI)
    old_rituals = list(Ritual.objects.values_list("pk", flat=True))
    bootstrap.bootstrap(motion="sales-led", actor=None, door=Door.CLI, replace=True)
    return old_rituals


def test_replacing_archives_the_old_model_as_a_state(replaced):
    assert Runbook.objects.archived().count() == 2
    assert Runbook.objects.live().count() == 1
    assert Matrix.objects.archived().count() == 1
    assert Ritual.objects.archived().count() == len(replaced)
    assert not Ritual.objects.archived().filter(active=True).exists()


def test_an_archived_model_is_absent_from_every_reader(replaced, lead):
    today = timezone.localdate()
    archived_ids = set(Section.objects.filter(runbook__archived_at__isnull=False)
                       .values_list("pk", flat=True))
    assert len(archived_ids) == 12
    # Readiness, the dashboard, the pack.
    fresh = next(c for c in report(today=today).checks if c.code == "runbook_fresh")
    assert len(fresh.gaps) == 6
    assert panel(user=lead, today=today)["stale_count"] == 6
    made = pack.build(today=today, now=timezone.now(), report=report(today=today))
    assert len(made.sections) == 6 and "archived" not in pack.to_markdown(made)
    # The scan, its snapshot, and escalation.
    runbook_services.flag_stale_sections(door=Door.CLI)
    assert not StaleFlag.objects.filter(section_id__in=archived_ids).exists()
    assert sum(runbook_selectors.freshness_counts(today=today).values()) == 6
    # The brief, /start/ and the console to-do.
    head = make_head("sales", "sales-head")
    for b in brief.compose(today=today):
        assert not any("archived" in i.text for i in b.sections), b
    steps = first_week(user=head, today=today, now=timezone.now(), report=report(today=today))
    assert not any("archived" in s.detail for s in steps)
    assert not {s.pk for s in todo.for_user(head, today=today).sections} & archived_ids
    # Cross-lint and the cadence's counts.
    assert not any(f.subject in {f"section:{pk}" for pk in archived_ids}
                   for f in lint.findings())
    assert not any(f"ritual:{pk}" == f.subject for pk in replaced for f in lint.findings())


def test_archived_rituals_no_longer_count_in_adherence(replaced):
    occurrence = Occurrence.objects.filter(ritual_id__in=replaced).order_by(
        "scheduled_for").first()
    assert occurrence is None or occurrence.status == Status.SCHEDULED
    ritual = Ritual.objects.get(pk=replaced[0])
    Occurrence.objects.create(ritual=ritual, status=Status.MISSED,
                              scheduled_for=timezone.now() - timezone.timedelta(days=1))
    assert adherence.adherence(weeks=4).total.recorded == 0


def test_search_leaves_archived_models_out_unless_asked(replaced, api, lead):
    live = _found(lead, q="routing")
    every = _found(lead, q="routing", include="archived")
    assert live and len(every) > len(live)
    assert not any("(archived)" in h.where for h in live)
    assert any("(archived)" in h.where for h in every)
    client = api.as_user(lead)
    assert client.get("/api/v1/search/", {"q": "routing"}).json()["count"] == len(live)
    assert client.get("/api/v1/search/", {"q": "routing", "include": "all"}).status_code == 400


def test_the_api_lists_show_the_live_model_unless_asked(replaced, api, lead):
    client = api.as_user(lead)
    for url, live, every in (("/api/v1/runbooks/", 1, 3), ("/api/v1/sections/", 6, 18),
                             ("/api/v1/raci/matrices/", 1, 2)):
        assert client.get(url).json()["count"] == live, url
        assert client.get(url, {"include": "archived"}).json()["count"] == every, url
    rituals = client.get("/api/v1/rituals/").json()["count"]
    assert client.get("/api/v1/rituals/", {"include": "archived"}).json()["count"] == (
        rituals + len(replaced))
    archived = Runbook.objects.archived().first()
    assert client.get(f"/api/v1/runbooks/{archived.pk}/").status_code == 200


def test_the_archive_page_lists_the_archived_model_readable(replaced, client, lead):
    client.force_login(lead)
    page = client.get("/archive/").content.decode()
    for book in Runbook.objects.archived():
        assert book.title in page
        assert client.get(f"/runbook/{book.pk}/").status_code == 200
        assert client.get(f"/runbook/{book.pk}/export.md").status_code == 200
    matrix = Matrix.objects.archived().get()
    assert f"/raci/{matrix.pk}/export.csv" in page


def test_archived_pages_say_so_and_offer_no_edits_while_live_ones_do(replaced, client,
                                                                       lead):
    client.force_login(lead)
    old_book = Runbook.objects.archived().first()
    old_section = old_book.sections.get(kind="process")
    old_matrix, old_ritual = Matrix.objects.archived().get(), Ritual.objects.archived().first()
    new_book = Runbook.objects.live().get()
    new_section = new_book.sections.get(kind="process")
    new_matrix, new_ritual = Matrix.objects.live().get(), Ritual.objects.live().first()
    day = f"{timezone.localtime(old_book.archived_at):%-d %B %Y}"
    edits = {
        f"/runbook/{old_book.pk}/": f"/runbook/sections/{old_section.pk}/edit/",
        f"/runbook/sections/{old_section.pk}/": f"/runbook/sections/{old_section.pk}/edit/",
        f"/raci/{old_matrix.pk}/": f"/raci/{old_matrix.pk}/rows/new/",
        f"/cadence/rituals/{old_ritual.pk}/": f"/cadence/rituals/{old_ritual.pk}/edit/",
        f"/runbook/{new_book.pk}/": f"/runbook/sections/{new_section.pk}/edit/",
        f"/runbook/sections/{new_section.pk}/": f"/runbook/sections/{new_section.pk}/edit/",
        f"/raci/{new_matrix.pk}/": f"/raci/{new_matrix.pk}/rows/new/",
        f"/cadence/rituals/{new_ritual.pk}/": f"/cadence/rituals/{new_ritual.pk}/edit/",
    }
    for n, (url, edit) in enumerate(edits.items()):
        page = client.get(url).content.decode()
        archived = n < 4
        assert (f"Archived on {day}, read-only" in page) is archived, url
        assert (f'href="{edit}"' in page) is not archived, url
    assert "This looks out of date" not in client.get(
        f"/runbook/sections/{old_section.pk}/").content.decode()


def test_the_model_file_carries_the_archived_state_both_ways(replaced):
    document = json.loads(json.dumps(model_file.export_model()))
    assert sum(1 for b in document["runbooks"] if b["archived_at"]) == 2
    assert sum(1 for m in document["raci"] if m["archived_at"]) == 1
    assert sum(1 for r in document["rituals"] if r["archived_at"]) == len(replaced)
    # Read back as a second copy (titles made new), replacing what is here.
    for book in document["runbooks"]:
        book["title"] += " (copy)"
        for ritual in document["rituals"]:
            if ritual["output_section"] and ritual["output_section"]["runbook"] + " (copy)" \
                    == book["title"]:
                ritual["output_section"]["runbook"] = book["title"]
    for definition in document.get("definitions", []):
        if definition["section"]:
            definition["section"]["runbook"] += " (copy)"
    model_file.import_model(document=document, actor=None, door=Door.CLI, replace=True)
    copies = Runbook.objects.filter(title__endswith=" (copy)")
    assert copies.archived().count() == 2 and copies.live().count() == 1
    assert Runbook.objects.live().get().title.endswith(" (copy)")


def test_an_older_model_file_without_archived_state_still_imports():
    document = {"format": "revops-model/1", "exported_at": "2026-03-01T00:00:00+00:00",
                "fiscal_year_start_month": 1, "people": [], "functions": [], "runbooks": [],
                "raci": [], "rituals": []}
    model_file.check_document(document)


def test_mail_is_not_sent_about_archived_sections(replaced):
    mail.outbox.clear()
    runbook_services.flag_stale_sections(door=Door.CLI)
    assert StaleFlag.objects.filter(section__runbook__archived_at__isnull=True).count() == 6
    assert StaleFlag.objects.count() == 6
