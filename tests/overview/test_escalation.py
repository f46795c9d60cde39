"""Escalation: a section still stale REVOPS_ESCALATE_AFTER_DAYS days after its stale flag
opened goes, once per flag, to the Accountable function of its layer (RevOps for the
cadence and playbooks sections; the RevOps leads when the owner is that function); a
review closes flag and escalation together."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from overview import escalation, tasks
from revops import outbox
from revops.models import AuditEntry, Door, Function, Webhook, WebhookDelivery
from runbook import services
from runbook.models import DefinitionStaleFlag, Section, StaleFlag
from tests.factories import LeadFactory, UserFactory, make_head
from tests.raci.factories import matrix, row
from tests.runbook.factories import make_definition, make_runbook, make_sections, section

pytestmark = pytest.mark.django_db

FLAGGED = dt.datetime(2026, 10, 1, 6, 0, tzinfo=dt.UTC)  # the stale scan runs that morning


def at(day, hour=7):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


@pytest.fixture
def runbook(db):
    return make_runbook()


@pytest.fixture
def model(runbook):
    """The run book (every section never reviewed, so stale) and a RACI where:
    strategy's layer row has the CRO as A (the CRO owns strategy, so it goes to RevOps);
    process's layer row has RevOps as A (Sales owns it: it goes to RevOps); systems has no
    layer row and Marketing is A on most of its rows (it goes to Marketing); insights has
    no rows at all (it goes to RevOps)."""
    m = matrix()
    row(m, "Strategy and planning (layer as a whole)", {"cro": "A", "revops": "R"},
        layer="strategy")
    row(m, "Annual plan", {"finance": "A", "revops": "R"}, layer="strategy")
    row(m, "Process and workflow", {"revops": "A", "sales": "R"}, layer="process")
    row(m, "CRM fields", {"marketing": "A"}, layer="systems")
    row(m, "Lead scoring", {"marketing": "A"}, layer="systems")
    row(m, "Data warehouse", {"finance": "A"}, layer="systems")
    services.section_update(section=section(runbook, "process"), actor=None, door=Door.CLI,
                            owner=Function.objects.get(slug="sales"))
    return runbook


def escalated():
    return dict(StaleFlag.objects.filter(closed_at__isnull=True, escalated_at__isnull=False)
                .values_list("section__kind", "escalated_to__slug"))


def run_job(day):
    with time_machine.travel(at(day), tick=False):
        return tasks.escalate_stale_sections.apply().result


def test_escalates_once_on_the_day_after_days_after_the_flag_opened(model, settings):
    settings.REVOPS_ESCALATE_AFTER_DAYS = 14
    with time_machine.travel(FLAGGED, tick=False):
        services.flag_stale_sections(door=Door.TASK)
    assert run_job(dt.date(2026, 10, 14)) == {"escalated": 0}  # 13 days on
    assert escalated() == {}
    assert run_job(dt.date(2026, 10, 15)) == {"escalated": 6}  # 14 days on
    assert escalated() == {"strategy": "revops", "process": "revops", "systems": "marketing",
                           "insights": "revops", "cadence": "revops", "playbooks": "revops"}
    stamped = set(StaleFlag.objects.values_list("escalated_at", flat=True))
    assert stamped == {at(dt.date(2026, 10, 15))}
    assert run_job(dt.date(2026, 10, 15)) == {"escalated": 0}  # the same day again
    assert run_job(dt.date(2026, 11, 30)) == {"escalated": 0}  # and weeks later
    assert set(StaleFlag.objects.values_list("escalated_at", flat=True)) == stamped
    assert AuditEntry.objects.filter(action="escalate").count() == 6


def test_the_setting_moves_the_day(model, settings):
    settings.REVOPS_ESCALATE_AFTER_DAYS = 3
    with time_machine.travel(FLAGGED, tick=False):
        services.flag_stale_sections(door=Door.TASK)
    assert run_job(dt.date(2026, 10, 3)) == {"escalated": 0}
    assert run_job(dt.date(2026, 10, 4)) == {"escalated": 6}


def test_a_review_closes_flag_and_escalation_and_a_new_flag_escalates_again(model, lead):
    target = section(model, "systems")
    with time_machine.travel(FLAGGED, tick=False):
        services.flag_stale_sections(door=Door.TASK)
    run_job(dt.date(2026, 10, 20))
    with time_machine.travel(at(dt.date(2026, 10, 21)), tick=False):
        services.section_review(section=target, actor=lead, door=Door.UI, note="Checked")
        shown = Section.objects.get(pk=target.pk)
    assert "systems" not in escalated()
    flag = StaleFlag.objects.get(section=target)
    assert flag.closed_at is not None and flag.escalated_to.slug == "marketing"  # history
    # Stale again three quarters later: a new flag, escalated once in its turn.
    with time_machine.travel(at(dt.date(2027, 7, 1), 6), tick=False):
        services.flag_stale_sections(door=Door.TASK)
    assert run_job(dt.date(2027, 7, 10)) == {"escalated": 0}
    assert run_job(dt.date(2027, 7, 15)) == {"escalated": 1}
    assert StaleFlag.objects.filter(section=target, escalated_at__isnull=False).count() == 2
    assert shown.last_reviewed_by == lead


def test_heads_and_leads_are_told_once_each_and_the_webhook_fires_once_per_flag(
        model, django_capture_on_commit_callbacks):
    marketing_head = make_head("marketing", "priya")
    revops_head = UserFactory(username="rita")
    Function.objects.filter(slug="revops").update(head=revops_head)
    leads = [LeadFactory(username="lead-a"), LeadFactory(username="lead-b")]
    Webhook.objects.create(url="https://hooks.example.com/e", secret="s",
                           events=["section.escalated"])
    with time_machine.travel(FLAGGED, tick=False):
        services.flag_stale_sections(door=Door.TASK)
    outbox.drain()
    mail.outbox.clear()
    run_job(dt.date(2026, 10, 15))
    run_job(dt.date(2026, 10, 16))
    outbox.drain()
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert sorted(by_recipient) == sorted([marketing_head.email, revops_head.email,
                                           *(lead.email for lead in leads)])
    systems = section(model, "systems")
    marketing_mail = by_recipient[marketing_head.email]
    assert marketing_mail.subject == "Escalated: “Systems and data” is still stale"
    assert f"/runbook/sections/{systems.pk}/" in marketing_mail.body
    assert by_recipient[leads[0].email].subject == (
        "Escalated: 5 run book sections are still stale")
    deliveries = WebhookDelivery.objects.filter(event="section.escalated")
    assert deliveries.count() == 6
    payload = next(d.payload["data"] for d in deliveries
                   if d.payload["data"]["id"] == systems.pk)
    assert (payload["escalated_to"], payload["kind"], payload["stale_since"]) == (
        "marketing", "systems", "2026-10-01")


def test_the_section_page_and_api_say_where_it_was_escalated(model, client, viewer, api):
    with time_machine.travel(FLAGGED, tick=False):
        services.flag_stale_sections(door=Door.TASK)
    run_job(dt.date(2026, 10, 15))
    systems = section(model, "systems")
    with time_machine.travel(at(dt.date(2026, 10, 16)), tick=False):
        client.force_login(viewer)
        page = client.get(f"/runbook/sections/{systems.pk}/").content.decode()
        body = api.as_user(viewer).get(f"/api/v1/sections/{systems.pk}/").json()
        listed = api.get(f"/api/v1/sections/?runbook={model.pk}").json()["results"]
        dashboard = client.get("/").content.decode()
    assert "escalated to Marketing on 15 Oct 2026" in page
    assert "escalated to Marketing on 15 Oct 2026" in dashboard
    assert (body["escalated_to"], body["escalated_at"]) == ("marketing", "2026-10-15T07:00:00Z")
    assert {s["kind"]: s["escalated_to"] for s in listed}["strategy"] == "revops"


def test_without_a_raci_layers_go_to_revops_and_nothing_breaks(runbook):
    revops = Function.objects.get(slug="revops")
    assert escalation.accountable_by_kind(revops.pk) == {"cadence": revops.pk,
                                                         "playbooks": revops.pk}
    with time_machine.travel(FLAGGED, tick=False):
        services.flag_stale_sections(door=Door.TASK)
    run_job(dt.date(2026, 10, 15))
    assert set(escalated().values()) == {"revops"}


def _job_queries(day):
    with time_machine.travel(at(day), tick=False), \
            CaptureQueriesContext(connection) as queries:
        escalation.escalate_stale_sections(door=Door.TASK)
    return len(queries)


def test_the_job_runs_the_same_queries_for_6_and_600_sections(model):
    make_head("marketing", "priya")
    with time_machine.travel(FLAGGED, tick=False):
        services.flag_stale_sections(door=Door.TASK)
    small = _job_queries(dt.date(2026, 10, 15))
    make_sections(99)
    with time_machine.travel(at(dt.date(2026, 10, 2), 6), tick=False):
        services.flag_stale_sections(door=Door.TASK)
    assert _job_queries(dt.date(2026, 10, 16)) == small
    assert StaleFlag.objects.filter(escalated_at__isnull=False).count() == 600


def _flags(kind):
    return StaleFlag if kind == "section" else DefinitionStaleFlag


@pytest.mark.parametrize("after_days", [1, 14])
@pytest.mark.parametrize("kind", ["section", "definition"])
def test_every_kind_that_escalates_does_so_on_the_day_not_the_day_before(
        model, settings, kind, after_days):
    """The daily job escalates sections and definitions; each at the same boundary."""
    settings.REVOPS_ESCALATE_AFTER_DAYS = after_days
    with time_machine.travel(dt.datetime(2026, 1, 10, 12, tzinfo=dt.UTC), tick=False):
        make_definition()
    with time_machine.travel(FLAGGED, tick=False):
        services.flag_stale_sections(door=Door.TASK)
    flags = _flags(kind).objects.all()
    assert flags.exists()
    day = FLAGGED.date() + dt.timedelta(days=after_days)
    run_job(day - dt.timedelta(days=1))
    assert not flags.filter(escalated_at__isnull=False).exists()
    run_job(day)
    assert set(flags.values_list("escalated_at", flat=True)) == {at(day)}
