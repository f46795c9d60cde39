"""Every error of the API reads the same way, whatever the endpoint renders when it
succeeds and however the request went wrong: JSON, 400 as ``{field: [message]}``, 404
as ``{"detail": …}`` — found by schemathesis' conformance checks."""

import pytest

from tests.raci import factories
from tests.runbook.factories import make_runbook

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", [
    "/api/v1/definitions/%C3%A9%20x/", "/api/v1/sections/not-a-number/revisions/1/",
    "/api/v1/no/such/route/", "/api/v1/runbooks/1/releases/x/",
])
def test_an_api_address_that_names_nothing_is_a_json_404(api, viewer, path):
    response = api.as_user(viewer).get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_a_page_address_that_names_nothing_stays_the_sites_page(client, viewer):
    client.force_login(viewer)
    response = client.get("/no/such/page/")
    assert response.status_code == 404 and "application/json" not in response["Content-Type"]


def test_the_csv_and_calendar_endpoints_answer_their_errors_in_json(api, viewer):
    for path in ("/api/v1/raci/matrices/999999/export.csv",
                 "/api/v1/rituals/999999/calendar.ics"):
        response = api.as_user(viewer).get(path, HTTP_ACCEPT="text/csv, text/calendar")
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json", path
        assert "detail" in response.json()


def test_a_body_that_is_not_json_is_a_400_in_the_contracts_shape(api, lead):
    response = api.as_user(lead).post("/api/v1/runbooks/", data="{not json",
                                      content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()) == ["non_field_errors"]
    assert "JSON parse error" in response.json()["non_field_errors"][0]


def test_bodies_are_json_and_a_form_is_415_except_the_two_uploads(api, lead):
    form = api.as_user(lead).post("/api/v1/runbooks/", {"title": "Form"}, format="multipart")
    assert form.status_code == 415
    upload = api.as_user(lead).post(
        f"/api/v1/raci/matrices/{factories.matrix().pk}/import/",
        {"file": ("raci.csv", b"")}, format="multipart")
    assert upload.status_code != 415


@pytest.mark.parametrize(("query", "name"), [
    ("until=", "until"), ("include=", "include"), ("format=", "format"),
])
def test_an_api_parameter_given_empty_is_a_400_naming_it(api, lead, query, name):
    make_runbook()
    response = api.as_user(lead).get(f"/api/v1/audit/?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [name]


def test_a_page_reads_an_empty_field_as_not_given(client, viewer):
    client.force_login(viewer)
    assert client.get("/search/?q=&type=").status_code == 200
