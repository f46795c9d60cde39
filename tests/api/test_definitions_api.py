"""``/api/v1/definitions/``: the same shape conventions as sections (list/detail,
revisions with 409 on a stale base, diff, reviews), plus agreements; 400s name the field;
the list runs the same queries at two sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from revops.models import Function
from runbook.models import Agreement, DefinitionRevision
from tests.runbook.factories import make_definition

pytestmark = pytest.mark.django_db
URL = "/api/v1/definitions/"


def test_a_lead_creates_a_definition_and_reads_it_back(api, lead):
    response = api.as_user(lead).post(URL, {
        "term": "Sales velocity", "body": "How fast pipeline turns into revenue.",
        "formula": "pipeline value ÷ average sales cycle length", "layer": "insights",
        "owner": "revops", "agreeing": ["sales", "marketing"]}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["slug"] == "sales-velocity" and body["revision"] == 1
    assert body["review_state"] == "fresh" and body["agreement"] == "awaiting"
    assert body["formula"].startswith("pipeline value") and "<p>" in body["body_html"]
    assert {a["function"] for a in body["agreements"]} == {"sales", "marketing"}


@pytest.mark.parametrize("data, field", [
    ({"layer": "weather"}, "layer"),
    ({"owner": "nobody"}, "owner"),
    ({"term": "MQL"}, "term"),
    ({"body": "  "}, "body"),
    ({"term": "[[x]]"}, "term"),
])
def test_bad_input_is_a_400_naming_the_field(api, lead, data, field):
    make_definition("MQL")
    good = {"term": "SQL", "body": "Accepted by sales.", "layer": "process", "owner": "sales"}
    response = api.as_user(lead).post(URL, {**good, **data}, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()


def test_revising_on_a_stale_base_is_409_and_writes_nothing(api, lead):
    definition = make_definition()
    client = api.as_user(lead)
    url = f"{URL}{definition.pk}/revisions/"
    first = client.post(url, {"body": "v2", "base_revision": 1, "formula": "a ÷ b"},
                        format="json")
    assert first.status_code == 201 and first.json()["formula"] == "a ÷ b"
    second = client.post(url, {"body": "v3", "base_revision": 1}, format="json")
    assert second.status_code == 409
    assert second.json()["current_revision"] == 2
    assert DefinitionRevision.objects.filter(definition=definition).count() == 2
    listed = client.get(url).json()
    assert [r["number"] for r in listed["results"]] == [2, 1]
    diff = client.get(f"{url}2/diff/").json()
    assert diff["definition"] == definition.pk and "+v2" in diff["diff"]
    assert client.get(f"{url}2/diff/", {"against": "x"}).json().keys() == {"against"}


def test_heads_agree_and_a_revision_shows_changed_since_agreed(
        api, lead, sales_head, marketing_head):
    definition = make_definition(agreeing=("sales", "marketing"))
    url = f"{URL}{definition.pk}/"
    for head in (sales_head, marketing_head):
        response = api.as_user(head).post(f"{url}agreements/", {"revision": 1}, format="json")
        assert response.status_code == 201, response.json()
    assert api.as_user(lead).get(url).json()["agreement"] == "agreed"
    api.as_user(lead).post(f"{url}revisions/", {"body": "v2", "base_revision": 1},
                           format="json")
    assert api.as_user(lead).get(url).json()["agreement"] == "changed"
    stale = api.as_user(sales_head).post(f"{url}agreements/", {"revision": 1}, format="json")
    assert stale.status_code == 409
    assert api.as_user(lead).post(f"{url}agreements/", {}, format="json").status_code == 403
    assert Agreement.objects.count() == 2
    assert api.as_user(lead).get(f"{url}agreements/").json()["count"] == 2


def test_reviews_and_filters(api, lead, viewer):
    definition = make_definition(owner="sales", agreeing=())
    make_definition("Pipeline coverage", layer="insights")
    client = api.as_user(lead)
    assert client.post(f"{URL}{definition.pk}/reviews/", {"note": "still true"},
                       format="json").status_code == 201
    assert client.get(f"{URL}{definition.pk}/reviews/").json()["count"] == 2
    assert [d["term"] for d in client.get(URL, {"layer": "insights"}).json()["results"]] == [
        "Pipeline coverage"]
    assert client.get(URL, {"owner": "sales"}).json()["count"] == 1
    assert client.get(URL, {"agreement": "none"}).json()["count"] == 1
    assert client.get(URL, {"state": "weird"}).status_code == 400
    assert api.as_user(viewer).post(f"{URL}{definition.pk}/reviews/", {},
                                    format="json").status_code == 403


def _queries(client, params):
    client.get(URL, params)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(queries), response.json()["count"]


def test_the_list_runs_the_same_queries_with_2_and_40_definitions(api, viewer):
    client = api.as_user(viewer)
    for n in range(2):
        make_definition(f"Term {n}")
    small, _ = _queries(client, {"page_size": 100})
    functions = list(Function.objects.all())
    for n in range(2, 40):
        make_definition(f"Term {n}", owner=functions[n % len(functions)].slug)
    large, count = _queries(client, {"page_size": 100})
    assert (large, count) == (small, 40)


def test_patch_renames_and_regroups_and_only_leads_hand_it_over(api, lead, sales_head):
    definition = make_definition("SQL", owner="sales", agreeing=("sales",))
    url = f"{URL}{definition.pk}/"
    head = api.as_user(sales_head)
    response = head.patch(url, {"term": "Sales-qualified lead", "layer": "strategy",
                                "agreeing": ["sales", "marketing"]}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["slug"], body["layer"]) == ("sales-qualified-lead", "strategy")
    assert sorted(body["agreeing"]) == ["marketing", "sales"]
    assert head.patch(url, {"layer": "weather"}, format="json").json().keys() == {"layer"}
    assert head.patch(url, {"owner": "marketing"}, format="json").status_code == 403
    assert api.as_user(lead).patch(url, {"owner": "marketing"},
                                   format="json").json()["owner"] == "marketing"
