"""The fiscal year's first month is an organisation setting a lead changes on /settings/
and through the API, after a preview of what it changes (issue 26 §4). Runs on whichever
database is configured: set DATABASE_URL to run it on PostgreSQL."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cadence.models import Ritual, Status
from overview import selectors, services
from revops import fiscal
from revops.errors import Refused
from revops.models import AuditEntry, Door, Organisation, WebhookDelivery
from revops.services import webhook_create
from runbook import selectors as runbook_selectors
from tests.cadence.factories import ritual
from tests.factories import make_head
from tests.runbook.factories import make_runbook, section, stamp_review

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 7, 15)
NOW = timezone.make_aware(dt.datetime(2026, 7, 15, 12))
QUARTERLY = "FREQ=MONTHLY;INTERVAL=3;BYDAY=+2WE;BYHOUR=15;BYMINUTE=0"


@pytest.fixture
def model(settings, lead):
    """On 15 July 2026 with a calendar fiscal year and N = 2: three sections whose state a
    February start would change (strategy due → fresh, insights stale → due, cadence due →
    fresh), two it would not, and a quarterly ritual on January/April/July/October."""
    settings.REVOPS_FISCAL_YEAR_START_MONTH = 1
    settings.REVOPS_STALE_AFTER_QUARTERS = 2
    book = make_runbook()
    for kind, day in [("strategy", D(2026, 3, 31)), ("process", D(2026, 1, 31)),
                      ("systems", D(2026, 4, 30)), ("insights", D(2025, 12, 31)),
                      ("cadence", D(2026, 3, 15))]:
        stamp_review(section(book, kind), day, by=lead)
    with time_machine.travel(NOW - dt.timedelta(days=30), tick=False):
        refresh = ritual(name="Operating-model refresh", horizon="quarterly",
                         layer="strategy", rrule=QUARTERLY, owner="revops")
    with time_machine.travel(NOW, tick=False):
        yield {"book": book, "refresh": refresh}


def _states(book):
    return {s.kind: s.review_state
            for s in runbook_selectors.sections_with_state(today=TODAY, runbook=book)}


def _future_months(refresh):
    return {o.local_time.month for o in refresh.occurrences.filter(
        status=Status.SCHEDULED, scheduled_for__gte=NOW)}


def test_without_a_saved_setting_the_environment_month_stands(settings):
    settings.REVOPS_FISCAL_YEAR_START_MONTH = 4
    assert not Organisation.objects.exists()
    assert fiscal.start_month() == 4
    assert str(fiscal.fiscal_quarter(D(2026, 4, 1))) == "FY2027 Q1"


def test_the_preview_lists_the_three_sections_that_change_state_and_changes_nothing(model):
    change = selectors.fiscal_year_change(start_month=2, today=TODAY, now=NOW)
    assert change.summary == "3 sections change state, 1 quarterly ritual moves"
    assert [(s.kind, s.review_state, s.review_state_after) for s in change.sections] == [
        ("strategy", "due", "fresh"), ("insights", "stale", "due"), ("cadence", "due", "fresh")]
    assert [m.ritual.name for m in change.moves] == ["Operating-model refresh"]
    assert not Organisation.objects.exists() and fiscal.start_month() == 1


def test_a_month_on_the_same_quarters_changes_no_state_and_moves_no_ritual(model):
    change = selectors.fiscal_year_change(start_month=4, today=TODAY, now=NOW)
    assert not change.changes_anything
    assert change.summary == "No review state changes and no ritual moves"


def test_changing_the_month_moves_states_and_rituals_audited_and_announced(model, lead):
    hook = webhook_create(actor=None, door=Door.CLI, events=["organisation.changed"],
                          url="https://hooks.example.com/org")
    assert _future_months(model["refresh"]) <= {1, 4, 7, 10}
    saved, change = services.organisation_update(actor=lead, door=Door.UI,
                                                 fiscal_year_start_month=2)
    assert saved.fiscal_year_start_month == 2 and fiscal.start_month() == 2
    assert change.summary == "3 sections change state, 1 quarterly ritual moves"
    assert _states(model["book"]) == {"strategy": "fresh", "process": "due",
                                      "systems": "fresh", "insights": "due",
                                      "cadence": "fresh", "playbooks": "never"}
    refresh = Ritual.objects.get(pk=model["refresh"].pk)
    assert _future_months(refresh) and _future_months(refresh) <= {2, 5, 8, 11}
    assert refresh.sequence > model["refresh"].sequence
    entry = AuditEntry.objects.get(object_type="revops.organisation")
    assert (entry.actor, entry.door, entry.action) == (lead, Door.UI, "update")
    assert entry.changes == {"fiscal_year_start_month": [1, 2]}
    [delivery] = WebhookDelivery.objects.filter(webhook=hook)
    assert delivery.payload["data"]["fiscal_year_start_month"] == 2
    assert len(delivery.payload["data"]["sections_changing_state"]) == 3


def test_saving_the_same_month_changes_nothing(model, lead):
    services.organisation_update(actor=lead, door=Door.UI, fiscal_year_start_month=2)
    _, change = services.organisation_update(actor=lead, door=Door.API,
                                             fiscal_year_start_month=2)
    assert change is None
    assert AuditEntry.objects.filter(object_type="revops.organisation").count() == 1


def test_only_leads_change_it_and_the_month_is_one_to_twelve(model, lead, viewer):
    with pytest.raises(Refused):
        services.organisation_update(actor=viewer, door=Door.UI, fiscal_year_start_month=2)
    with pytest.raises(Refused):
        services.organisation_update(actor=make_head("sales"), door=Door.UI,
                                     fiscal_year_start_month=2)
    with pytest.raises(ValidationError) as bad:
        services.organisation_update(actor=lead, door=Door.UI, fiscal_year_start_month=13)
    assert "fiscal_year_start_month" in bad.value.message_dict
    assert fiscal.start_month() == 1


def test_the_database_holds_one_settings_row_at_most(db):
    Organisation.objects.create(fiscal_year_start_month=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(id=2, fiscal_year_start_month=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=1).update(fiscal_year_start_month=13)


def test_the_settings_page_previews_then_saves(model, client, lead):
    client.force_login(lead)
    page = client.get("/settings/")
    assert page.status_code == 200 and b"Fiscal year starts in" in page.content
    preview = client.get("/settings/", {"fiscal_year_start_month": "2"})
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "3 sections change state, 1 quarterly ritual moves" in text
    assert "Insights and analytics" in text and "Operating-model refresh" in text
    assert fiscal.start_month() == 1 and not Organisation.objects.exists()
    saved = client.post("/settings/", {"fiscal_year_start_month": "2"}, follow=True)
    assert saved.status_code == 200
    assert "The fiscal year now starts in February. 3 sections change state" in (
        saved.content.decode())
    assert Organisation.objects.get().fiscal_year_start_month == 2
    assert _states(model["book"])["insights"] == "due"


def test_the_settings_page_is_for_leads(client, viewer):
    client.force_login(viewer)
    assert client.get("/settings/").status_code == 403
    assert client.post("/settings/", {"fiscal_year_start_month": "2"}).status_code == 403
    assert not Organisation.objects.exists()


def test_the_api_reads_previews_and_patches_the_setting(model, api, lead):
    client = api.as_user(lead)
    read = client.get("/api/v1/settings/")
    assert read.status_code == 200
    assert read.json() == {"fiscal_year_start_month": 1, "updated_at": None,
                           "updated_by": None}
    preview = client.get("/api/v1/settings/preview/", {"fiscal_year_start_month": 2})
    assert preview.status_code == 200
    body = preview.json()
    assert body["summary"] == "3 sections change state, 1 quarterly ritual moves"
    assert [(s["review_state"], s["review_state_after"]) for s in body["sections"]] == [
        ("due", "fresh"), ("stale", "due"), ("due", "fresh")]
    assert body["rituals"][0]["name"] == "Operating-model refresh"
    assert not Organisation.objects.exists()
    patched = client.patch("/api/v1/settings/", {"fiscal_year_start_month": 2}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["fiscal_year_start_month"] == 2
    assert patched.json()["updated_by"] == "lead"
    assert len(patched.json()["changed"]["sections"]) == 3
    states = client.get("/api/v1/sections/", {"runbook": model["book"].pk}).json()
    assert {s["kind"]: s["review_state"] for s in states["results"]}["insights"] == "due"
    again = client.patch("/api/v1/settings/", {"fiscal_year_start_month": 2}, format="json")
    assert again.json()["changed"] is None


def test_the_api_refuses_bad_months_and_non_leads(model, api, lead, viewer):
    assert api.as_user(viewer).patch("/api/v1/settings/", {"fiscal_year_start_month": 2},
                                     format="json").status_code == 403
    assert api.as_user(viewer).get("/api/v1/settings/").status_code == 200
    bad = api.as_user(lead).patch("/api/v1/settings/", {"fiscal_year_start_month": 13},
                                  format="json")
    assert bad.status_code == 400 and "fiscal_year_start_month" in bad.json()
    no_month = api.as_user(lead).get("/api/v1/settings/preview/")
    assert no_month.status_code == 400 and "fiscal_year_start_month" in no_month.json()
    assert not Organisation.objects.exists()


def test_setup_stores_the_month_instead_of_refusing_it(client, lead, settings):
    settings.REVOPS_FISCAL_YEAR_START_MONTH = 1
    client.force_login(lead)
    done = client.post("/setup/", {"motion": "sales-led", "fiscal_year_start_month": "4"})
    assert done.status_code == 201
    assert Organisation.objects.get().fiscal_year_start_month == 4
    assert fiscal.start_month() == 4
