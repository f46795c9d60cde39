"""The run book's part of the REST contract (docs/api.md)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from runbook.models import Release, Review, Revision, Section, StaleFlag
from tests.runbook.factories import make_runbook, make_sections, section

pytestmark = pytest.mark.django_db


@pytest.fixture
def runbook():
    return make_runbook()


def test_creating_a_runbook_creates_six_sections_in_order(api, lead):
    response = api.as_user(lead).post(
        "/api/v1/runbooks/", {"title": "Product-led", "motion": "product-led"}, format="json"
    )
    assert response.status_code == 201, response.data
    body = response.json()
    assert body["version"] == 0
    assert [s["kind"] for s in body["sections"]] == [
        "strategy", "process", "systems", "insights", "cadence", "playbooks"
    ]
    assert [s["owner"] for s in body["sections"]] == ["cro"] + ["revops"] * 5
    assert {s["review_state"] for s in body["sections"]} == {"never"}


def test_duplicate_runbook_title_is_refused_naming_title(api, lead, runbook):
    response = api.as_user(lead).post(
        "/api/v1/runbooks/", {"title": runbook.title}, format="json"
    )
    assert response.status_code == 400
    assert "title" in response.json()


def test_anonymous_gets_401(api, runbook):
    assert api.get("/api/v1/sections/").status_code in (401, 403)


def test_section_list_fields_and_order(api, viewer, runbook):
    response = api.as_user(viewer).get("/api/v1/sections/", {"runbook": runbook.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 6
    first = body["results"][0]
    for name in ("id", "runbook", "kind", "title", "owner", "revision", "last_reviewed_at",
                 "last_reviewed_by", "review_state", "stale_since"):
        assert name in first
    assert first["review_state"] == "never"
    assert first["stale_since"] is None


@pytest.mark.parametrize(
    "params, field",
    [
        ({"kind": "nope"}, "kind"),
        ({"state": "rotten"}, "state"),
        ({"owner": "nobody"}, "owner"),
        ({"runbook": "abc"}, "runbook"),
    ],
)
def test_unknown_filter_values_are_400_naming_the_filter(api, viewer, runbook, params, field):
    response = api.as_user(viewer).get("/api/v1/sections/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_filters_by_kind_owner_and_state(api, lead, viewer, runbook):
    api.as_user(lead).post(f"/api/v1/sections/{section(runbook, 'process').pk}/reviews/", {})
    client = api.as_user(viewer)
    assert client.get("/api/v1/sections/", {"kind": "systems"}).json()["count"] == 1
    assert client.get("/api/v1/sections/", {"owner": "cro"}).json()["count"] == 1
    fresh = client.get("/api/v1/sections/", {"state": "fresh"}).json()
    assert [s["kind"] for s in fresh["results"]] == ["process"]
    assert client.get("/api/v1/sections/", {"state": "never"}).json()["count"] == 5


def test_section_detail_has_body_and_sanitized_html(api, lead, runbook):
    target = section(runbook, "systems")
    api.as_user(lead).post(
        f"/api/v1/sections/{target.pk}/revisions/",
        {"body": "# Stack\n<script>alert(1)</script>", "base_revision": 1},
        format="json",
    )
    body = api.get(f"/api/v1/sections/{target.pk}/").json()
    assert body["body"].startswith("# Stack")
    assert "<script" not in body["body_html"]
    assert "<h1" in body["body_html"]


def test_unknown_section_is_404(api, viewer):
    assert api.as_user(viewer).get("/api/v1/sections/999999/").status_code == 404


def test_post_revision_creates_next_number_and_marks_reviewed(api, lead, runbook):
    target = section(runbook, "process")
    response = api.as_user(lead).post(
        f"/api/v1/sections/{target.pk}/revisions/",
        {"body": "New text", "summary": "rewrite", "base_revision": 1, "mark_reviewed": True},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["number"] == 2
    target.refresh_from_db()
    assert target.revision == 2
    assert target.last_reviewed_revision == 2


def test_post_revision_without_review_leaves_stamp(api, lead, runbook):
    target = section(runbook, "process")
    api.as_user(lead).post(
        f"/api/v1/sections/{target.pk}/revisions/",
        {"body": "New text", "base_revision": 1, "mark_reviewed": False},
        format="json",
    )
    target.refresh_from_db()
    assert target.revision == 2 and target.last_reviewed_on is None


def test_stale_base_revision_is_409_with_current_number(api, lead, runbook):
    target = section(runbook, "process")
    client = api.as_user(lead)
    url = f"/api/v1/sections/{target.pk}/revisions/"
    assert client.post(url, {"body": "A", "base_revision": 1}, format="json").status_code == 201
    response = client.post(url, {"body": "B", "base_revision": 1}, format="json")
    assert response.status_code == 409
    assert response.json()["current_revision"] == 2
    assert Revision.objects.filter(section=target).count() == 2


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"body": "", "base_revision": 1}, "body"),
        ({"body": "   \n", "base_revision": 1}, "body"),
        ({"body": "x" * (200 * 1024 + 1), "base_revision": 1}, "body"),
        ({"body": "text"}, "base_revision"),
        ({"body": "text", "base_revision": "one"}, "base_revision"),
        ({"body": "text", "base_revision": 1.5}, "base_revision"),
    ],
)
def test_bad_revision_input_is_400_naming_the_field(api, lead, runbook, payload, field):
    target = section(runbook, "process")
    response = api.as_user(lead).post(
        f"/api/v1/sections/{target.pk}/revisions/", payload, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Revision.objects.filter(section=target).count() == 1
    assert Review.objects.count() == 0


def test_body_too_large_message_says_the_limit(api, lead, runbook):
    target = section(runbook, "process")
    response = api.as_user(lead).post(
        f"/api/v1/sections/{target.pk}/revisions/",
        {"body": "é" * (110 * 1024), "base_revision": 1},
        format="json",
    )
    assert response.status_code == 400
    assert "200 KB" in response.json()["body"][0]


def test_patch_changes_title_and_owner(api, lead, runbook):
    target = section(runbook, "process")
    response = api.as_user(lead).patch(
        f"/api/v1/sections/{target.pk}/", {"title": "How we work", "owner": "sales"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["owner"] == "sales"
    assert response.json()["title"] == "How we work"


def test_patch_unknown_owner_is_400(api, lead, runbook):
    target = section(runbook, "process")
    response = api.as_user(lead).patch(
        f"/api/v1/sections/{target.pk}/", {"owner": "ghosts"}, format="json"
    )
    assert response.status_code == 400 and "owner" in response.json()


def test_review_closes_open_flag_and_stamps(api, lead, runbook):
    from revops.models import Door
    from runbook import services

    services.flag_stale_sections(door=Door.TASK)
    target = section(runbook, "insights")
    listed = api.as_user(lead).get("/api/v1/sections/", {"kind": "insights"}).json()
    assert listed["results"][0]["stale_since"] is not None
    response = api.post(f"/api/v1/sections/{target.pk}/reviews/", {"note": "still true"})
    assert response.status_code == 201
    assert response.json()["revision_number"] == 1
    target.refresh_from_db()
    assert target.last_reviewed_by == lead
    assert not StaleFlag.objects.filter(section=target, closed_at__isnull=True).exists()
    listed = api.get("/api/v1/sections/", {"kind": "insights"}).json()
    assert listed["results"][0]["review_state"] == "fresh"
    assert listed["results"][0]["stale_since"] is None


def test_revision_history_single_and_diff(api, lead, runbook):
    target = section(runbook, "cadence")
    client = api.as_user(lead)
    url = f"/api/v1/sections/{target.pk}/revisions/"
    client.post(url, {"body": "line one\nline two\n", "base_revision": 1}, format="json")
    client.post(url, {"body": "line one\nline 2\n", "base_revision": 2}, format="json")
    history = client.get(url).json()
    assert [r["number"] for r in history["results"]] == [3, 2, 1]
    assert client.get(f"{url}2/").json()["body"] == "line one\nline two\n"
    diff = client.get(f"{url}3/diff/", {"against": 2}).json()
    assert "-line two" in diff["diff"] and "+line 2" in diff["diff"]
    assert client.get(f"{url}9/").status_code == 404


@pytest.mark.parametrize("against", ["99", "x", "0"])
def test_diff_against_missing_revision_is_400_naming_against(api, lead, runbook, against):
    target = section(runbook, "cadence")
    response = api.as_user(lead).get(
        f"/api/v1/sections/{target.pk}/revisions/1/diff/", {"against": against}
    )
    assert response.status_code == 400
    assert "against" in response.json()


def test_releases_pin_revisions_and_warn_about_stale_sections(api, lead, runbook):
    client = api.as_user(lead)
    client.post(f"/api/v1/sections/{section(runbook, 'strategy').pk}/reviews/", {})
    response = client.post(
        f"/api/v1/runbooks/{runbook.pk}/releases/", {"name": "2026-Q3 refresh"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == 1 and body["version"] == "v1"
    assert len(body["sections"]) == 6
    assert {w["kind"] for w in body["warnings"]} == {
        "process", "systems", "insights", "cadence", "playbooks"
    }
    assert client.get(f"/api/v1/runbooks/{runbook.pk}/").json()["version"] == 1
    listed = client.get(f"/api/v1/runbooks/{runbook.pk}/releases/").json()
    assert listed["count"] == 1
    assert client.get(f"/api/v1/runbooks/{runbook.pk}/releases/1/").status_code == 200


def test_duplicate_release_name_is_400_naming_name(api, lead, runbook):
    client = api.as_user(lead)
    url = f"/api/v1/runbooks/{runbook.pk}/releases/"
    client.post(url, {"name": "Spring"}, format="json")
    response = client.post(url, {"name": "spring"}, format="json")
    assert response.status_code == 400 and "name" in response.json()
    assert Release.objects.count() == 1


def _queries(client, url, params=None):
    client.get(url, params)  # warm per-session caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries), response.json()


@pytest.mark.parametrize(
    "url, params",
    [
        ("/api/v1/sections/", {"page_size": 500}),
        ("/api/v1/sections/", {"state": "never"}),
        ("/api/v1/runbooks/", {"page_size": 500}),
    ],
)
def test_list_endpoints_run_the_same_queries_with_6_and_600_sections(
    api, viewer, runbook, url, params
):
    client = api.as_user(viewer)
    small, _ = _queries(client, url, params)
    make_sections(99)
    assert Section.objects.count() == 600
    large, body = _queries(client, url, params)
    assert large == small
    assert body["count"] in (100, 500, 600)


def test_release_list_runs_the_same_queries_for_1_and_20_releases(api, lead, runbook):
    client = api.as_user(lead)
    url = f"/api/v1/runbooks/{runbook.pk}/releases/"
    client.post(url, {"name": "first"}, format="json")
    small, _ = _queries(client, url)
    for i in range(19):
        client.post(url, {"name": f"r{i}"}, format="json")
    large, body = _queries(client, url)
    assert body["count"] == 20 and large == small


def test_openapi_schema_documents_the_runbook_endpoints(api, viewer):
    schema = api.as_user(viewer).get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/v1/runbooks/", "/api/v1/runbooks/{id}/releases/",
                 "/api/v1/sections/", "/api/v1/sections/{id}/revisions/",
                 "/api/v1/sections/{id}/revisions/{number}/diff/",
                 "/api/v1/sections/{id}/reviews/"):
        assert path in schema["paths"], path
    params = {p["name"] for p in schema["paths"]["/api/v1/sections/"]["get"]["parameters"]}
    assert {"runbook", "kind", "owner", "state"} <= params
