import re

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["/", "/runbook/", "/raci/", "/cadence/"]


@pytest.mark.parametrize("path", PAGES + ["/api/docs/", "/admin/"])
def test_signed_out_visitors_are_sent_to_the_login_page(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_login_page_renders_with_labelled_fields(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<label for="id_username">' in html and '<label for="id_password">' in html


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_nothing_from_another_host(client, viewer, path):
    client.force_login(viewer)
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    external = re.findall(r'(?:src|href)="(?:https?:)?//[^"]+"', html)
    assert external == []


def test_security_headers_are_set(client, viewer):
    client.force_login(viewer)
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp


def test_api_docs_are_served_from_our_own_static_files(client, viewer):
    client.force_login(viewer)
    html = client.get("/api/docs/").content.decode()
    assert "drf_spectacular_sidecar" in html
    assert not re.search(r'(?:src|href)="https?://', html)


def test_openapi_schema_is_served(client, viewer):
    client.force_login(viewer)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "/api/v1/functions/" in response.json()["paths"]
