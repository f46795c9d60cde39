"""One mapping of the domain's refusals to browser pages (revops.middleware): a refusal
is the 403 page, a conflict the 409 page naming its rule, on every app's pages; an htmx
request gets the same words as an alert; a service's validation errors land on the form
the person filled in (revops.http.form_errors)."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from raci.models import Cell, SignOff
from revops.http import form_errors
from tests.raci import factories as raci_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def matrix():
    matrix = raci_factories.matrix()
    raci_factories.row(matrix, "Lead routing rules", {"sales": "A", "marketing": "R"})
    matrix.refresh_from_db()
    return matrix


def test_a_sign_off_of_a_version_that_moved_on_is_the_409_page_naming_the_rule(
        client, sales_head, matrix):
    client.force_login(sales_head)
    response = client.post(f"/raci/{matrix.pk}/signoff/",
                           {"function": "sales", "version": matrix.version - 1})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Not changed" in page and f"you were looking at version {matrix.version - 1}" in page
    assert "Nothing was changed." in page
    assert not SignOff.objects.exists()


def test_a_raci_sign_off_is_refused_before_its_form_is_read(client, viewer, matrix):
    client.force_login(viewer)
    response = client.post(f"/raci/{matrix.pk}/signoff/", {"version": "not a number"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "You head no function" in page and "Sign off a function and a version" not in page
    assert not SignOff.objects.exists()


def test_an_htmx_refusal_is_an_alert_on_the_page_it_came_from(client, sales_head, matrix):
    row = matrix.rows.get()
    client.force_login(sales_head)
    response = client.post(f"/raci/rows/{row.pk}/cells/cs/", {"letter": "C"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert response["HX-Reswap"] == "none"  # the grid's row stays as it was
    body = response.content.decode()
    assert 'id="page-alert"' in body and 'hx-swap-oob="true"' in body
    assert "Only RevOps leads may do this." in body and "Nothing was changed." in body
    assert "<html" not in body
    assert not Cell.objects.filter(row=row, function__slug="cs").exists()


def test_a_write_without_its_security_token_is_the_refusal_alert_for_htmx(sales_head, matrix):
    """A CSRF failure answers like every refusal: on an htmx request an alert, never a
    whole page swapped into a grid cell."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(sales_head)
    row = matrix.rows.get()
    response = client.post(f"/raci/rows/{row.pk}/cells/cs/", {"letter": "C"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert response["HX-Reswap"] == "none"
    body = response.content.decode()
    assert "security token" in body and "<html" not in body
    page = client.post(f"/raci/rows/{row.pk}/cells/cs/", {"letter": "C"})
    assert page.status_code == 403 and "<html" in page.content.decode()
    assert "security token" in page.content.decode()
    assert not Cell.objects.filter(row=row, function__slug="cs").exists()


def test_every_page_has_the_place_an_htmx_alert_goes(client, viewer):
    client.force_login(viewer)
    assert '<div id="page-alert"></div>' in client.get("/raci/").content.decode()


class _Form(forms.Form):
    name = forms.CharField()


def test_a_service_error_lands_on_the_field_it_names_and_the_rest_on_the_form():
    form = _Form({"name": "x"})
    assert form.is_valid()
    with form_errors(form):
        raise ValidationError({"name": "Taken.", "owner": "Nobody heads it."})
    assert form.errors == {"name": ["Taken."], "__all__": ["Nobody heads it."]}
    with form_errors(form):
        raise ValidationError("Not now.")
    assert form.non_field_errors() == ["Nobody heads it.", "Not now."]
