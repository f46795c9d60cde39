import re

import pytest
from django.contrib.staticfiles import finders

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


def test_a_signed_in_viewer_opening_the_console_is_told_who_it_is_for(client, viewer):
    client.force_login(viewer)
    for path in ("/admin/", "/admin/runbook/section/"):
        response = client.get(path)
        assert response.status_code == 403, path
        html = response.content.decode()
        assert "The console is for function heads and leads" in html
        assert 'id="id_password"' not in html  # not the console's sign-in form


def test_a_function_head_still_opens_the_console(client, sales_head):
    client.force_login(sales_head)
    assert client.get("/admin/").status_code == 200


def test_favicon_ico_is_served_and_linked_from_every_kind_of_page(client, viewer):
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/favicon.ico"
    with open(finders.find("favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file
    client.force_login(viewer)
    for path in ("/", "/api/docs/"):
        assert 'rel="icon" href="/static/favicon.ico"' in client.get(path).content.decode()


def test_the_api_docs_page_has_no_inline_style_or_script(client, viewer):
    client.force_login(viewer)
    html = client.get("/api/docs/").content.decode()
    assert "<style" not in html and " style=" not in html
    assert re.findall(r"<script>", html) == []
    assert "/static/css/api-docs.css" in html
