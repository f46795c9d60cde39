"""The glossary pages: grouped by layer, searchable, each definition's page with its
revise, review and agree forms; ``[[term]]`` in run-book text links a definition or is
shown broken; the pages run the same queries at two sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from revops.models import Door, Function
from runbook import services
from runbook.models import Agreement, Definition
from tests.runbook.factories import make_definition, section

pytestmark = pytest.mark.django_db


def test_the_glossary_groups_by_layer_and_finds_a_term(client, viewer):
    make_definition("MQL", layer="process")
    make_definition("Pipeline coverage", layer="insights", formula="pipeline ÷ quota")
    client.force_login(viewer)
    page = client.get("/definitions/").content.decode()
    assert page.index("Process and workflow") < page.index("MQL") < page.index(
        "Insights and analytics") < page.index("Pipeline coverage")
    found = client.get("/definitions/", {"q": "quota"}).content.decode()
    assert "Pipeline coverage" in found and ">MQL<" not in found
    assert 'href="/definitions/"' in page  # in the nav


def test_a_definition_page_shows_changed_since_agreed_and_the_heads_agree_button(
        client, lead, sales_head):
    definition = make_definition(agreeing=("sales",))
    services.definition_agree(definition=definition, actor=sales_head, door=Door.UI)
    services.definition_revise(definition=definition, body="Changed.", base_revision=1,
                               actor=lead, door=Door.UI)
    client.force_login(sales_head)
    page = client.get(f"/definitions/{definition.slug}/").content.decode()
    assert "Changed since agreed" in page and "Agree to revision 2 for Sales" in page
    assert "Revise the definition" not in page  # Marketing owns it
    response = client.post(f"/definitions/{definition.slug}/agree/",
                           {"function": "sales", "revision": 2})
    assert response.status_code == 302
    assert Agreement.objects.filter(revision_number=2).exists()
    assert "Agreed" in client.get(f"/definitions/{definition.pk}/").content.decode()


def test_a_stale_revision_from_the_page_is_a_409_showing_the_conflict(client, lead):
    definition = make_definition()
    client.force_login(lead)
    url = f"/definitions/{definition.slug}/revise/"
    assert client.post(url, {"body": "Mine", "base_revision": 1}).status_code == 302
    response = client.post(url, {"body": "Theirs", "base_revision": 1})
    assert response.status_code == 409
    assert "while you were editing" in response.content.decode()
    assert Definition.objects.get(pk=definition.pk).revision == 2


def test_term_links_in_a_section_resolve_and_broken_ones_are_marked(client, lead, runbook):
    make_definition("Sales velocity")
    target = section(runbook, "insights")
    services.section_revise(section=target, body="See [[sales velocity]] and [[ARR bridge]].",
                            base_revision=1, actor=lead, door=Door.UI)
    client.force_login(lead)
    page = client.get(f"/runbook/sections/{target.pk}/").content.decode()
    assert '<a class="term-link" href="/definitions/sales-velocity/"' in page
    assert 'class="term-link term-missing"' in page
    assert "No definition named “ARR bridge”" in page


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_glossary_and_definition_pages_run_the_same_queries_at_two_sizes(
        client, lead, runbook):
    target = section(runbook, "insights")
    first = make_definition("Term 0", agreeing=("sales", "marketing"), section=target)
    services.section_revise(section=target, body="[[Term 0]] [[Term 1]] [[Nothing]]",
                            base_revision=1, actor=lead, door=Door.UI)
    client.force_login(lead)
    urls = ["/definitions/", f"/definitions/{first.slug}/", f"/runbook/sections/{target.pk}/"]
    small = [_count(client, url) for url in urls]
    functions = [f.slug for f in Function.objects.all()]
    for n in range(1, 30):
        d = make_definition(f"Term {n}", owner=functions[n % len(functions)], section=target)
        services.definition_revise(definition=d, body="again", base_revision=1, actor=lead,
                                   door=Door.UI)
        services.definition_revise(definition=first, body=f"v{n}", base_revision=first.revision,
                                   actor=lead, door=Door.UI)
        first.refresh_from_db()
    assert [_count(client, url) for url in urls] == small


def test_the_print_view_links_terms_too(client, lead, runbook):
    make_definition("MQL")
    target = section(runbook, "process")
    services.section_revise(section=target, body="Every [[MQL]] is answered in two hours.",
                            base_revision=1, actor=lead, door=Door.UI)
    client.force_login(lead)
    page = client.get(f"/runbook/{runbook.pk}/print/").content.decode()
    assert '<a class="term-link" href="/definitions/mql/"' in page and "[[" not in page
