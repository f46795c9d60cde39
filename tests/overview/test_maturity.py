"""The quarterly maturity assessment on the database: one per fiscal quarter (a second is
an update, audited), scores 0–8 held by the database and refused by the service naming
the pillar, leads only, tied to the quarter's held refresh, announced, and the readiness
check that asks for one this quarter or last."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client

from overview import readiness, services
from overview.models import MaturityAssessment
from revops import services as core_services
from revops.errors import Refused
from revops.models import AuditEntry, Door, Mail, WebhookDelivery
from tests.cadence.factories import history, ritual

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # FY2026 Q1 with a calendar fiscal year
TODAY = NOW.date()

SCORES = {"people": 4, "process": 6, "data": 2, "technology": 5}
EVIDENCE = {f"{p}_evidence": f"What we saw of {p}." for p in SCORES}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def assess(actor, **changes):
    return services.maturity_assess(actor=actor, door=Door.CLI, today=TODAY,
                                    **{**SCORES, **EVIDENCE, **changes})


def test_the_stage_is_the_lowest_pillars_and_the_weakest_pillar_is_the_constraint(lead):
    assessment, created = assess(lead)
    assert created
    assert assessment.quarter.code == "FY2026-Q1"
    assert assessment.stage.name == "Foundational"  # data 2, though process is 6
    assert assessment.constraint_pillars == ["data"]
    assert assessment.recorded_by == lead


def test_a_second_assessment_of_the_quarter_updates_it_and_is_audited(lead):
    first, _ = assess(lead)
    second, created = assess(lead, data=5, data_evidence="Fields now required.")
    assert not created and second.pk == first.pk
    assert MaturityAssessment.objects.count() == 1
    row = MaturityAssessment.objects.get()
    assert (row.data, row.stage.name, row.constraint_pillars) == (5, "Emergent", ["people"])
    entries = list(AuditEntry.objects.filter(object_type="overview.maturityassessment")
                   .order_by("id"))
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].changes == {"data": [2, 5],
                                  "data_evidence": ["What we saw of data.",
                                                    "Fields now required."]}


def test_the_same_scores_again_change_nothing_and_write_no_audit_entry(lead):
    assess(lead)
    assess(lead)
    assert AuditEntry.objects.filter(object_type="overview.maturityassessment").count() == 1


def test_the_database_holds_one_assessment_per_quarter():
    row = dict(**SCORES, **EVIDENCE)
    MaturityAssessment.objects.create(quarter_start=date(2026, 1, 1), **row)
    with pytest.raises(IntegrityError), transaction.atomic():
        MaturityAssessment.objects.create(quarter_start=date(2026, 1, 1), **row)


@pytest.mark.parametrize("pillar", ["people", "process", "data", "technology"])
def test_the_database_refuses_a_score_above_8_on_every_pillar(pillar):
    made = MaturityAssessment.objects.create(quarter_start=date(2026, 1, 1), **SCORES,
                                             **EVIDENCE)
    with pytest.raises(IntegrityError), transaction.atomic():
        MaturityAssessment.objects.filter(pk=made.pk).update(**{pillar: 9})


@pytest.mark.parametrize(("field", "value"), [
    ("data", 9), ("people", -1), ("technology", 12), ("process_evidence", "   "),
])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_written(lead, field, value):
    with pytest.raises(ValidationError) as refused:
        assess(lead, **{field: value})
    assert set(refused.value.message_dict) == {field}
    assert not MaturityAssessment.objects.exists()
    assert not AuditEntry.objects.filter(object_type="overview.maturityassessment").exists()


@pytest.mark.parametrize(("quarter", "message"), [
    ("FY2026-Q2", "has not started yet"),
    ("next year", "write it like FY2027-Q1"),
])
def test_a_future_or_malformed_quarter_is_refused_on_quarter(lead, quarter, message):
    with pytest.raises(ValidationError) as refused:
        assess(lead, quarter=quarter)
    assert message in refused.value.message_dict["quarter"][0]


def test_an_earlier_quarter_may_be_recorded_after_the_fact(lead):
    assessment, created = assess(lead, quarter="FY2025-Q3")
    assert created and assessment.quarter_start == date(2025, 7, 1)


@pytest.mark.parametrize("who", ["sales_head", "viewer"])
def test_only_leads_assess(request, who):
    with pytest.raises(Refused):
        assess(request.getfixturevalue(who))
    assert not MaturityAssessment.objects.exists()


def test_it_is_tied_to_the_quarters_held_refresh_and_stands_alone_without_one(lead):
    refresh = ritual(name="Operating-model refresh", horizon="quarterly", layer="strategy",
                     owner="revops", purpose="refresh",
                     rrule="FREQ=MONTHLY;INTERVAL=3;BYDAY=+1TH;BYHOUR=13;BYMINUTE=0")
    history(refresh, {datetime(2025, 10, 2, 17, tzinfo=UTC): "held",
                      datetime(2026, 1, 8, 18, tzinfo=UTC): "skipped"})
    alone, _ = assess(lead)
    assert alone.occurrence is None  # this quarter's refresh was skipped
    earlier, _ = assess(lead, quarter="FY2025-Q4")
    assert earlier.occurrence.scheduled_for == datetime(2025, 10, 2, 17, tzinfo=UTC)

    held = refresh.occurrences.get(scheduled_for__month=1)
    held.status = "held"
    held.save()
    tied, _ = assess(lead, data=3)
    assert tied.occurrence == held


def test_it_is_announced_to_webhooks_subscribed_to_maturity_assessed(lead):
    core_services.webhook_create(actor=None, door=Door.CLI, url="https://hooks.example.com/m",
                                 events=["maturity.assessed"])
    assess(lead)
    delivery = WebhookDelivery.objects.get(event="maturity.assessed")
    data = delivery.payload["data"]
    assert data["quarter"] == "FY2026-Q1" and data["stage"] == "Foundational"
    assert data["constraint"] == ["data"] and data["scores"] == SCORES


@pytest.mark.parametrize(("quarter", "passes"), [
    ("FY2026-Q1", True), ("FY2025-Q4", True), ("FY2025-Q3", False), (None, False),
])
def test_readiness_asks_for_an_assessment_this_quarter_or_the_last(lead, quarter, passes):
    if quarter:
        assess(lead, quarter=quarter)
    check = next(c for c in readiness.report(today=TODAY).checks
                 if c.code == "maturity_assessed")
    assert check.passed is passes and check.fix_url == "/maturity/"
    if passes:
        assert quarter.replace("-", " ") in check.message


def test_the_page_records_this_quarters_assessment_for_a_lead(lead):
    client = Client()
    client.force_login(lead)
    form = {**SCORES, **EVIDENCE}
    response = client.post("/maturity/", form)
    assert response.status_code == 302
    page = client.get("/maturity/").content.decode()
    assert "FY2026 Q1" in page and "Foundational" in page
    assert "Required CRM" not in page  # the advice is the project's own words
    assert "Update the FY2026 Q1 assessment" in page
    response = client.post("/maturity/", {**form, "data": "9"})
    assert response.status_code == 400
    assert "Data score" in response.content.decode()
    assert MaturityAssessment.objects.get().data == 2


def test_the_page_shows_no_form_to_a_viewer_and_refuses_their_post(viewer):
    client = Client()
    client.force_login(viewer)
    page = client.get("/maturity/")
    assert page.status_code == 200 and b"<form method=\"post\" action=\"/maturity/\"" \
        not in page.content
    assert client.post("/maturity/", {**SCORES, **EVIDENCE}).status_code == 403
    assert not MaturityAssessment.objects.exists()



def test_with_nothing_assessed_the_page_says_so_and_offers_the_form_to_a_lead(lead):
    client = Client()
    client.force_login(lead)
    page = client.get("/maturity/").content.decode()
    assert "FY2026 Q1: not assessed yet" in page
    assert "None of the last 8 fiscal quarters has been assessed." in page
    assert "Record FY2026 Q1" in page and page.count("<circle") == 0


def test_evidence_longer_than_1000_characters_is_refused_naming_it(lead):
    with pytest.raises(ValidationError) as refused:
        assess(lead, technology_evidence="x" * 1001)
    assert set(refused.value.message_dict) == {"technology_evidence"}


def test_a_channel_subscribed_to_maturity_reads_the_stage_and_the_constraint(lead):
    core_services.channel_create(actor=None, door=Door.CLI, name="revops-list",
                                 kind="email", address="revops@example.com",
                                 events=["maturity.assessed"])
    assess(lead)
    mail = Mail.objects.get(to=["revops@example.com"])
    assert mail.subject == "Quarterly maturity assessed"
    assert "- FY2026-Q1 maturity: Foundational (held back by data)" in mail.body
    assert "/maturity/" in mail.body
