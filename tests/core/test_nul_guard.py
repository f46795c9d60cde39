"""A NUL (``%00``) in an address or a query parameter is refused by one middleware on
every door — 404 for a path, 400 naming the parameter — where PostgreSQL answered a 500
(issue 29)."""

import pytest

pytestmark = pytest.mark.django_db

PATHS = ["/people/%00/", "/people/%00/handover/", "/definitions/%00/",
         "/api/v1/people/%00/holdings/", "/api/v1/people/a%00b/departure/",
         "/api/v1/definitions/%00/", "/api/v1/sections/%00/", "/admin/runbook/section/%00/change/"]

QUERIES = [
    ("/api/v1/raci/rows/", "matrix=%00", "matrix"),
    ("/api/v1/sections/", "owner=x%00", "owner"),
    ("/admin/runbook/section/", "owner__id__exact=%00", "owner__id__exact"),
    ("/admin/runbook/section/", "q=a%00", "q"),
    ("/admin/revops/auditentry/", "door=%00", "door"),
    ("/runbook/", "x%00y=1", "x%00y"),
]


@pytest.mark.parametrize("path", PATHS)
def test_a_nul_in_the_path_is_a_404_that_says_so(client, lead, path):
    client.force_login(lead)
    response = client.get(path)
    assert response.status_code == 404
    assert b"NUL character" in response.content


@pytest.mark.parametrize(("path", "query", "name"), QUERIES)
def test_a_nul_in_a_query_parameter_is_a_400_naming_it(client, lead, path, query, name):
    client.force_login(lead)
    response = client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert f"'{name}'".encode() in response.content


def test_the_api_answers_the_refusal_in_json(api, viewer):
    response = api.as_user(viewer).get("/api/v1/raci/rows/?layer=%00")
    assert response.status_code == 400
    assert "NUL" in response.json()["layer"][0]


def test_a_post_with_nul_in_its_query_is_refused_before_the_view(api, lead):
    response = api.as_user(lead).post("/api/v1/rituals/?x=%00", {}, format="json")
    assert response.status_code == 400
    assert "'x'" in response.json()["x"][0]
