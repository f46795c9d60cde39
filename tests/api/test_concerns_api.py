"""``/api/v1/sections/{id}/concerns/``: any signed-in reader raises one (201), a second
open one is a 400 naming ``reason``, the list is paginated, the section says how many
are open; documented in the OpenAPI schema."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from revops import services as core_services
from revops.models import ApiToken, Door
from runbook import services
from runbook.models import Concern
from tests.factories import UserFactory
from tests.runbook.factories import make_runbook, make_sections, section

pytestmark = pytest.mark.django_db


@pytest.fixture
def process():
    return section(make_runbook(), "process")


def url(target):
    return f"/api/v1/sections/{target.pk}/concerns/"


def test_a_viewer_raises_a_concern_and_a_second_is_a_400_naming_reason(api, viewer, process):
    client = api.as_user(viewer)
    response = client.post(url(process), {"reason": "Routing changed in May."}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["reason"], body["raised_by"], body["open"], body["door"], body["answer"]) == (
        "Routing changed in May.", "viewer", True, "api", "")
    again = client.post(url(process), {"reason": "And the SLA."}, format="json")
    assert again.status_code == 400
    assert "already have an open concern" in again.json()["reason"][0]
    assert Concern.objects.count() == 1
    detail = client.get(f"/api/v1/sections/{process.pk}/").json()
    assert detail["open_concerns"] == 1
    assert (detail["escalated_to"], detail["escalated_at"]) == (None, None)


@pytest.mark.parametrize(("data", "rule"), [
    ({}, "required"),
    ({"reason": ""}, "blank"),
    ({"reason": "x" * 1001}, "1000"),
    ({"reason": ["a list"]}, "JSON string"),
])
def test_a_bad_reason_is_a_400_naming_reason(api, viewer, process, data, rule):
    response = api.as_user(viewer).post(url(process), data, format="json")
    assert response.status_code == 400
    assert rule in response.json()["reason"][0]
    assert not Concern.objects.exists()


def test_whitespace_only_reason_is_a_400_naming_reason(api, viewer, process):
    response = api.as_user(viewer).post(url(process), {"reason": "   "}, format="json")
    assert response.status_code == 400 and "reason" in response.json()


def test_signed_out_is_401_and_a_read_token_is_403(api, viewer, process):
    assert api.post(url(process), {"reason": "x"}, format="json").status_code == 401
    _, raw = core_services.api_token_create(actor=viewer, door=Door.CLI, user=viewer,
                                            name="read", scope=ApiToken.Scope.READ)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.post(url(process), {"reason": "x"}, format="json").status_code == 403
    assert api.get(url(process)).status_code == 200
    assert not Concern.objects.exists()


def test_the_list_is_paginated_open_first_and_shows_answers(api, viewer, lead, process):
    services.concern_raise(section=process, reason="old one", actor=viewer, door=Door.UI)
    services.section_review(section=process, actor=lead, door=Door.UI, note="Fixed routing")
    services.concern_raise(section=process, reason="new one", actor=viewer, door=Door.UI)
    body = api.as_user(viewer).get(url(process)).json()
    assert set(body) == {"count", "count_is_estimate", "next", "previous", "results"}
    assert [(c["reason"], c["open"], c["answer"], c["resolved_by"]) for c in body["results"]] == [
        ("new one", True, "", None), ("old one", False, "Fixed routing", "lead")]


def _list_queries(api, target):
    with CaptureQueriesContext(connection) as queries:
        assert api.get(url(target)).status_code == 200
    return len(queries)


def test_the_list_and_the_section_list_run_the_same_queries_at_two_sizes(api, viewer, process):
    api.as_user(viewer)
    services.concern_raise(section=process, reason="one", actor=viewer, door=Door.UI)
    small = _list_queries(api, process), _sections_queries(api)
    for i in range(30):
        services.concern_raise(section=process, reason=f"r{i}", actor=UserFactory(),
                               door=Door.UI)
    make_sections(20)
    assert (_list_queries(api, process), _sections_queries(api)) == small


def _sections_queries(api):
    with CaptureQueriesContext(connection) as queries:
        assert api.get("/api/v1/sections/", {"page_size": 500}).status_code == 200
    return len(queries)


def test_the_schema_documents_concerns_and_the_new_section_fields(api, viewer):
    schema = api.as_user(viewer).get("/api/schema/", {"format": "json"}).json()
    operations = schema["paths"]["/api/v1/sections/{id}/concerns/"]
    assert operations["post"]["operationId"] == "v1_sections_concerns_create"
    assert "201" in operations["post"]["responses"] and "400" in operations["post"]["responses"]
    assert operations["get"]["operationId"] == "v1_sections_concerns_list"
    request = schema["components"]["schemas"]["ConcernCreateRequest"]
    assert request["properties"]["reason"]["maxLength"] == 1000
    section_fields = schema["components"]["schemas"]["Section"]["properties"]
    assert section_fields["escalated_to"]["nullable"] is True
    assert section_fields["open_concerns"]["type"] == "integer"
