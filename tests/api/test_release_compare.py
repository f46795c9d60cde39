"""``GET /api/v1/runbooks/{id}/releases/compare/?a=&b=``: two releases side by side."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from revops.models import Door
from runbook import services
from tests.runbook.factories import make_runbook, section

pytestmark = pytest.mark.django_db

KINDS = ["strategy", "process", "systems", "insights", "cadence", "playbooks"]


@pytest.fixture
def runbook(lead):
    """v1 with nothing reviewed; then cadence revised (and so reviewed) for v2."""
    runbook = make_runbook()
    with time_machine.travel(dt.datetime(2026, 2, 10, 12, tzinfo=dt.UTC), tick=False):
        services.release_create(runbook=runbook, name="first", actor=lead, door=Door.API)
        services.section_revise(
            section=section(runbook, "cadence"), body="Weekly forecast call on Monday\n",
            base_revision=1, actor=lead, door=Door.API,
        )
        services.release_create(runbook=runbook, name="second", actor=lead, door=Door.API)
    runbook.refresh_from_db()
    return runbook


def url(runbook_id):
    return f"/api/v1/runbooks/{runbook_id}/releases/compare/"


def test_compare_shows_each_side_and_the_diff_of_what_changed(api, viewer, runbook):
    response = api.as_user(viewer).get(url(runbook.pk), {"a": 1, "b": 2})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["runbook"] == runbook.pk
    assert body["a"] == {"number": 1, "version": "v1", "name": "first"}
    assert body["b"] == {"number": 2, "version": "v2", "name": "second"}
    assert [row["kind"] for row in body["sections"]] == KINDS
    cadence = body["sections"][4]
    assert cadence["changed"] is True
    assert cadence["a"] == {"revision": 1, "review_state": "never", "last_reviewed_on": None,
                            "last_reviewed_by": "", "last_reviewed_revision": None}
    assert cadence["b"] == {"revision": 2, "review_state": "fresh",
                            "last_reviewed_on": "2026-02-10", "last_reviewed_by": "lead",
                            "last_reviewed_revision": 2}
    assert cadence["diff"].startswith("--- v1/cadence\n+++ v2/cadence\n")
    assert "+Weekly forecast call on Monday\n" in cadence["diff"]
    unchanged = [row for row in body["sections"] if row["kind"] != "cadence"]
    assert all(not row["changed"] and row["diff"] == "" for row in unchanged)
    assert all(row["a"]["revision"] == row["b"]["revision"] == 1 for row in unchanged)


def test_compare_works_backwards_and_with_itself(api, viewer, runbook):
    client = api.as_user(viewer)
    backwards = client.get(url(runbook.pk), {"a": 2, "b": 1}).json()
    assert "-Weekly forecast call on Monday\n" in backwards["sections"][4]["diff"]
    same = client.get(url(runbook.pk), {"a": 2, "b": 2}).json()
    assert not any(row["changed"] for row in same["sections"])


@pytest.mark.parametrize(
    "params, field",
    [
        ({"b": 2}, "a"),
        ({"a": 1}, "b"),
        ({"a": "x", "b": 2}, "a"),
        ({"a": 1, "b": "v2"}, "b"),
        ({"a": 1, "b": ""}, "b"),
        ({"a": 7, "b": 2}, "a"),
        ({"a": 1, "b": 0}, "b"),
        ({"a": 1, "b": -1}, "b"),
        ({"a": 1, "b": 10**30}, "b"),
    ],
)
def test_bad_release_number_is_400_naming_the_parameter(api, viewer, runbook, params, field):
    response = api.as_user(viewer).get(url(runbook.pk), params)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_unknown_numbers_are_named_with_the_releases_there_are(api, viewer, runbook):
    response = api.as_user(viewer).get(url(runbook.pk), {"a": 5, "b": 9})
    assert response.status_code == 400
    assert response.json() == {
        "a": ["This run book has no release v5 (it has v1 to v2)."],
        "b": ["This run book has no release v9 (it has v1 to v2)."],
    }


def test_a_run_book_without_releases_says_so(api, viewer):
    empty = make_runbook("Product-led run book")
    response = api.as_user(viewer).get(url(empty.pk), {"a": 1, "b": 1})
    assert response.status_code == 400
    assert response.json()["a"] == ["This run book has no releases yet (asked for v1)."]


def test_another_run_books_release_is_not_found_here(api, viewer, lead, runbook):
    other = make_runbook("Product-led run book")
    services.release_create(runbook=other, name="only", actor=lead, door=Door.API)
    response = api.as_user(viewer).get(url(other.pk), {"a": 1, "b": 2})
    assert response.status_code == 400 and list(response.json()) == ["b"]


def test_unknown_run_book_is_404(api, viewer, runbook):
    assert api.as_user(viewer).get(url(999999), {"a": 1, "b": 2}).status_code == 404


def test_anonymous_gets_401(api, runbook):
    assert api.get(url(runbook.pk), {"a": 1, "b": 2}).status_code == 401


def test_inactive_user_is_refused(api, viewer, runbook):
    viewer.is_active = False
    viewer.save()
    assert api.as_user(viewer).get(url(runbook.pk), {"a": 1, "b": 2}).status_code in (401, 403)


def test_compare_runs_the_same_queries_with_2_and_20_releases(api, lead, runbook):
    client = api.as_user(lead)

    def count(b):
        client.get(url(runbook.pk), {"a": 1, "b": b})  # warm per-session caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(runbook.pk), {"a": 1, "b": b}).status_code == 200
        return len(queries)

    small = count(2)
    for i in range(18):
        services.section_revise(section=section(runbook, "process"), body=f"step {i}\n",
                                base_revision=i + 1, actor=lead, door=Door.API)
        services.release_create(runbook=runbook, name=f"r{i}", actor=lead, door=Door.API)
    assert count(20) == small


def test_openapi_schema_documents_compare(api, viewer):
    schema = api.as_user(viewer).get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/runbooks/{id}/releases/compare/"]["get"]
    params = {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}
    assert params["a"]["required"] and params["b"]["required"]
    assert params["a"]["schema"]["type"] == "integer"
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ReleaseComparison"
    }
    assert "400" in operation["responses"]
    compared = schema["components"]["schemas"]["ComparedSection"]["properties"]
    assert {"kind", "a", "b", "changed", "diff"} <= set(compared)
