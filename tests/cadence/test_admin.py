"""The console: heads change only their function's rituals; saves go through services."""

from datetime import UTC, datetime

import pytest
import time_machine

from cadence.models import Ritual
from revops.models import AuditEntry, Webhook, WebhookDelivery
from tests.cadence.factories import ritual as make_ritual
from tests.factories import function

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _form(owner, **extra):
    return {
        "name": "Systems standup", "horizon": "weekly", "layer": "systems", "purpose": "",
        "owner": owner.pk, "owner_person": "", "attendees": [], "duration_minutes": 30,
        "output": "Change queue", "output_section": "", "agenda": "",
        "timezone": "Europe/Berlin", "rrule": "FREQ=WEEKLY;BYDAY=TH;BYHOUR=10;BYMINUTE=0",
        "active": "on", "reminder_lead": "01:00:00", "grace": "",
        "occurrences-TOTAL_FORMS": 0, "occurrences-INITIAL_FORMS": 0, **extra,
    }


def test_head_adds_a_ritual_for_own_function_through_the_service(client, sales_head):
    client.force_login(sales_head)
    response = client.post("/admin/cadence/ritual/add/", _form(function("sales")))
    assert response.status_code == 302, response.content[:2000]
    ritual = Ritual.objects.get()
    assert ritual.occurrences.count() == 53  # Thursdays in the next 365 days
    assert AuditEntry.objects.filter(object_type="cadence.ritual", door="console").exists()


def test_head_cannot_add_for_another_function_or_a_bad_rule(client, sales_head):
    client.force_login(sales_head)
    response = client.post("/admin/cadence/ritual/add/", _form(function("marketing")))
    assert response.status_code == 200 and not Ritual.objects.exists()
    response = client.post("/admin/cadence/ritual/add/", _form(
        function("sales"), rrule="FREQ=DAILY;BYHOUR=9;BYMINUTE=0"))
    assert response.status_code == 200 and b"FREQ=WEEKLY" in response.content
    assert not Ritual.objects.exists()


def test_head_cannot_change_another_functions_ritual(client, marketing_head):
    r = make_ritual()
    client.force_login(marketing_head)
    response = client.post(f"/admin/cadence/ritual/{r.pk}/change/",
                           _form(function("sales"), name="Hijacked"))
    assert response.status_code == 403
    assert Ritual.objects.get(pk=r.pk).name != "Hijacked"


def test_ritual_changes_fire_the_webhook(client, lead):
    Webhook.objects.create(url="https://hooks.example.com/x", events=["ritual.changed"],
                           secret="s")
    make_ritual()
    assert WebhookDelivery.objects.filter(event="ritual.changed").count() == 1


def test_console_form_applies_the_services_rules(client, lead):
    """One validation function for services and console: its caps show as field errors."""
    client.force_login(lead)
    response = client.post("/admin/cadence/ritual/add/", _form(
        function("sales"), grace="31 00:00:00", duration_minutes=0,
        rrule="FREQ=DAILY;BYHOUR=9;BYMINUTE=0"))
    assert response.status_code == 200 and not Ritual.objects.exists()
    errors = response.context["adminform"].form.errors
    assert {"grace", "duration_minutes", "rrule"} <= set(errors), errors
