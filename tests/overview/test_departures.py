"""Departures that start themselves (the day comes, the hand-over happens) and successors
who accept each holding; readiness after the lead's own departure."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from overview import departures, readiness
from overview import services as overview_services
from overview.models import Departure, Handover, HandoverItem
from overview.tasks import run_departures
from revops import policy, services
from revops.models import AuditEntry, Door, Function, Mail

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_for_the_module")]

User = get_user_model()


@pytest.fixture
def demo(db):
    return {u.username: u for u in User.objects.all()}


def _fresh(user):
    return User.objects.get(pk=user.pk)


def _checks():
    return {c.code: c for c in readiness.report(today=timezone.localdate()).checks}


def test_a_departure_dated_tomorrow_hands_over_by_itself_on_the_day(demo, api, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    response = api.as_user(demo["lead"]).post(
        "/api/v1/people/cs/departure/", {"leaves_on": tomorrow.isoformat(),
                                         "successor": "jamie"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["successor"] == "jamie" and response.json()["done_at"] is None
    page = Client()
    page.force_login(demo["lead"])
    html = page.get("/people/cs/").content.decode()
    assert "Leaving on" in html and "tomorrow" in html
    assert "Jamie Osei becomes head of Customer Success" in html, "the drafted hand-over"

    assert run_departures() == {"departed": 0}, "not before the day"
    assert _fresh(demo["cs"]).is_active

    time_machine.move_to(timezone.now() + timedelta(days=1), tick=False)
    assert run_departures() == {"departed": 1}
    assert Function.objects.get(slug="cs").head == demo["jamie"]
    assert not _fresh(demo["cs"]).is_active
    departure = Departure.objects.get(person=demo["cs"])
    assert departure.done_at is not None and departure.handover.successor == demo["jamie"]
    assert AuditEntry.objects.filter(action="depart", door=Door.TASK).count() == 1
    assert Mail.objects.filter(subject__contains="has left").exists(), "the leads are told"
    assert run_departures() == {"departed": 0}, "idempotent"


def test_with_no_successor_the_seat_falls_vacant_and_the_deputy_covers(demo, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    departures.departure_record(actor=demo["lead"], door=Door.UI, person=demo["cs"],
                                leaves_on=timezone.localdate() + timedelta(days=1))
    time_machine.move_to(timezone.now() + timedelta(days=1), tick=False)
    run_departures()
    cs = Function.objects.get(slug="cs")
    assert cs.vacant and cs.vacant_since == timezone.now()
    assert cs.covered_by == demo["jamie"], "Jamie is the demo's deputy for Customer Success"
    assert cs.pk in policy.headed_function_ids(_fresh(demo["jamie"]))
    check = _checks()["seats_filled"]
    assert not check.passed and "Customer Success since" in check.message
    assert "covered by Jamie Osei" in check.message
    client = Client()
    client.force_login(demo["viewer"])
    assert "Vacant (covered by Jamie Osei)" in client.get("/seats/").content.decode()


def test_a_departure_that_would_leave_no_lead_waits_with_the_reason(demo, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    departures.departure_record(actor=demo["lead"], door=Door.UI, person=demo["lead"],
                                leaves_on=timezone.localdate())
    assert run_departures() == {"departed": 0}
    departure = departures.open_departure(demo["lead"])
    assert "At least one active person" in departure.problem
    assert _fresh(demo["lead"]).is_active and policy.is_lead(_fresh(demo["lead"]))
    assert Mail.objects.filter(subject__contains="could not happen").count() == 1
    run_departures()
    assert Mail.objects.filter(subject__contains="could not happen").count() == 1, "told once"


@pytest.mark.parametrize(("body", "field"), [
    ({"leaves_on": "2020-01-01"}, "leaves_on"),
    ({"leaves_on": "2099-01-01", "successor": "cs"}, "to"),
    ({}, "leaves_on"),
])
def test_a_bad_departure_is_refused_naming_the_field(demo, api, body, field):
    response = api.as_user(demo["lead"]).post("/api/v1/people/cs/departure/", body,
                                              format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert not Departure.objects.exists()


def test_only_leads_record_or_see_departures(demo, api):
    assert api.as_user(demo["sales"]).post("/api/v1/people/cs/departure/",
                                           {"leaves_on": "2099-01-01"},
                                           format="json").status_code == 403
    assert api.as_user(demo["viewer"]).get("/api/v1/people/cs/departure/").status_code == 403
    assert api.as_user(demo["lead"]).get("/api/v1/people/cs/departure/").status_code == 404


def test_a_cancelled_departure_does_not_happen(demo, api, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    client = api.as_user(demo["lead"])
    client.post("/api/v1/people/cs/departure/",
                {"leaves_on": timezone.localdate().isoformat()}, format="json")
    assert client.delete("/api/v1/people/cs/departure/").status_code == 204
    assert run_departures() == {"departed": 0}
    assert _fresh(demo["cs"]).is_active


# The successor accepts -------------------------------------------------------------------


def test_the_successor_accepts_each_holding_and_the_hand_over_completes(demo, api):
    plan = overview_services.person_hand_over(actor=demo["lead"], door=Door.UI,
                                              person=demo["cs"], successor=demo["jamie"])
    items = list(plan.record.items.all())
    kinds = {i.kind for i in items}
    assert kinds == {"seat", "section", "definition", "raci_row", "ritual"}
    assert any(i.label == "Head of Customer Success" for i in items)
    ritual = next(i for i in items if i.kind == "ritual" and i.label == "Handoff audit")
    assert ritual.detail.startswith("Next occurrence ")
    assert not _checks()["handovers_accepted"].passed

    refused = api.as_user(demo["lead"]).post(f"/api/v1/handovers/items/{items[0].pk}/accept/")
    assert refused.status_code == 403, "only the successor accepts"

    client = Client()
    client.force_login(demo["jamie"])
    inbox = client.get("/handover/inbox/").content.decode()
    assert "From Hannah Kowalski" in inbox and "Read and accepted" in inbox
    first, *rest = items
    assert client.post(f"/handover/inbox/{first.pk}/accept/").status_code == 302
    jamie = api.as_user(demo["jamie"])
    for item in rest:
        assert jamie.post(f"/api/v1/handovers/items/{item.pk}/accept/").status_code == 200
    listed = jamie.get("/api/v1/handovers/").json()["results"]
    assert listed[0]["completed_at"] is not None
    assert all(i["accepted_at"] for i in listed[0]["items"])
    assert Handover.objects.get().completed_at is not None
    assert _checks()["handovers_accepted"].passed
    assert not HandoverItem.objects.filter(accepted_at__isnull=True).exists()


# The lead leaves too (the walk that started this) -------------------------------------------


def test_after_the_leads_hand_over_readiness_asks_for_a_backup_until_one_is_named(demo, client):
    overview_services.person_hand_over(actor=demo["lead"], door=Door.UI, person=demo["lead"],
                                       successor=demo["jamie"], deactivate=True)
    jamie = _fresh(demo["jamie"])
    assert policy.is_lead(jamie)
    checks = _checks()
    assert not checks["lead_backup"].passed
    assert checks["lead_backup"].message.startswith("Only Jamie Osei can run the install")
    assert not checks["handovers_accepted"].passed
    report = readiness.report(today=timezone.localdate())
    client.force_login(jamie)
    assert f"{report.score}%" in client.get("/").content.decode(), "the dashboard agrees"

    services.function_update(actor=jamie, door=Door.UI, function=Function.objects.get(
        slug="revops"), deputy=demo["sales"])
    checks = _checks()
    assert checks["lead_backup"].passed and "Diego Alvarez deputises" in (
        checks["lead_backup"].message)
    assert readiness.report(today=timezone.localdate()).score > report.score


def test_a_deputy_reads_as_the_holders_backup_wherever_the_holder_is_named(demo, client):
    client.force_login(demo["viewer"])
    section = Function.objects.get(slug="cs").sections.first()
    ritual = Function.objects.get(slug="cs").rituals.first()
    for url in (f"/runbook/sections/{section.pk}/", f"/cadence/rituals/{ritual.pk}/", "/raci/",
                "/handover/"):
        html = client.get(url).content.decode()
        assert "Hannah Kowalski (deputy: Jamie Osei)" in html, url
    assert "Hannah Kowalski (deputy: Jamie Osei)" in client.get("/handover.md").content.decode()
