"""A refused write is refused before its input is read, on every door, and the domain's
refusals and conflicts are answered the same way everywhere (403 / 409)."""

import pytest

from raci.models import SignOff
from revops.models import Door, Function
from runbook import services as runbook_services
from runbook.models import Revision
from tests.raci import factories as raci_factories
from tests.runbook.factories import make_runbook

pytestmark = pytest.mark.django_db

MALFORMED_RITUAL = {"name": "", "horizon": "fortnightly", "layer": "nowhere",
                    "rrule": "FREQ=NEVER", "owner": "sales", "duration_minutes": -4}


def test_a_viewer_posting_a_malformed_ritual_is_refused_not_corrected(api, viewer):
    response = api.as_user(viewer).post("/api/v1/rituals/", MALFORMED_RITUAL, format="json")
    assert response.status_code == 403
    body = response.json()
    assert set(body) == {"detail"}, body  # no field errors: nothing about the input


def test_a_head_posting_the_same_ritual_is_told_what_is_wrong(api, sales_head):
    response = api.as_user(sales_head).post("/api/v1/rituals/", MALFORMED_RITUAL,
                                            format="json")
    assert response.status_code == 400
    assert {"horizon", "layer"} <= set(response.json())


def test_the_ui_refuses_a_viewer_before_reading_the_ritual_form(client, viewer):
    client.force_login(viewer)
    response = client.post("/cadence/rituals/new/", {"name": "", "horizon": "x"})
    assert response.status_code == 403
    assert b"Refused" in response.content and b"Nothing was changed" in response.content


def test_a_viewer_posting_a_malformed_revision_is_refused(api, viewer):
    section = make_runbook().sections.get(kind="process")
    url = f"/api/v1/sections/{section.pk}/revisions/"
    response = api.as_user(viewer).post(url, {"body": 12, "base_revision": "x"}, format="json")
    assert response.status_code == 403
    assert set(response.json()) == {"detail"}
    assert Revision.objects.filter(section=section).count() == 1


def test_a_lead_who_heads_nothing_is_told_why_a_sign_off_is_refused(api, lead):
    matrix = raci_factories.matrix()
    raci_factories.row(matrix, "Lead routing rules", {"sales": "A"})
    response = api.as_user(lead).post(f"/api/v1/raci/matrices/{matrix.pk}/signoffs/",
                                      {"function": "nowhere"}, format="json")
    assert response.status_code == 403
    assert "head no function" in response.json()["detail"]
    assert not SignOff.objects.exists()


def test_a_head_handing_a_section_away_hears_the_policy_reason(api, sales_head):
    section = make_runbook().sections.get(kind="process")
    runbook_services.section_update(section=section, owner=Function.objects.get(slug="sales"),
                            actor=None, door=Door.CLI)
    response = api.as_user(sales_head).patch(f"/api/v1/sections/{section.pk}/",
                                             {"owner": "marketing"}, format="json")
    assert response.status_code == 403
    assert "Only RevOps leads may change the owner" in response.json()["detail"]
    section.refresh_from_db()
    assert section.owner.slug == "sales"


def test_a_stale_base_revision_is_a_409_naming_the_current_one(api, lead):
    section = make_runbook().sections.get(kind="process")
    url = f"/api/v1/sections/{section.pk}/revisions/"
    first = api.as_user(lead).post(url, {"body": "One", "base_revision": 1}, format="json")
    assert first.status_code == 201
    again = api.post(url, {"body": "Two", "base_revision": 1}, format="json")
    assert again.status_code == 409
    assert again.json()["current_revision"] == 2 and again.json()["base_revision"] == 1
