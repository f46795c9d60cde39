"""Missed marking and reminders as the periodic jobs run them: missed marking is one
set-based pass whatever the number of occurrences and leaves alone what was recorded
meanwhile; a reminder run looks the RevOps head up once, however many reminders."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadence import services
from cadence.models import Occurrence, Status
from revops import outbox
from revops.models import AuditEntry, Webhook, WebhookDelivery
from tests.cadence.factories import ritual as make_ritual
from tests.factories import UserFactory, function

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # a Wednesday
DAILY = "FREQ=DAILY;BYHOUR=9;BYMINUTE=0"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _daily_missed(frozen, days):
    make_ritual(name="Daily standup", horizon="daily", rrule=DAILY, duration_minutes=15)
    frozen.move_to(NOW + timedelta(days=days + 2))
    return Occurrence.objects.filter(
        scheduled_for__lt=NOW + timedelta(days=days + 1)).count()


@pytest.mark.parametrize("days", [2, 25])
def test_marking_missed_runs_the_same_eight_queries_for_2_and_25_days(
    frozen, days, django_assert_num_queries
):
    Webhook.objects.create(url="https://hooks.example.com/m", secret="s",
                           events=["occurrence.missed"])
    expected = _daily_missed(frozen, days)
    assert expected >= days
    # select (locked), update, audit insert, webhooks read, channels read, deliveries
    # insert + savepoint
    with django_assert_num_queries(8):
        assert services.mark_missed() == expected
    assert Occurrence.objects.filter(status=Status.MISSED).count() == expected
    assert AuditEntry.objects.filter(action="missed").count() == expected
    assert WebhookDelivery.objects.filter(event="occurrence.missed").count() == expected
    assert services.mark_missed() == 0


def test_mark_missed_skips_an_occurrence_recorded_meanwhile(frozen):
    _daily_missed(frozen, 3)
    first = Occurrence.objects.order_by("scheduled_for").first()
    services.occurrence_record(occurrence=first, status="held", actor=None, door="cli")
    marked = services.mark_missed()
    assert Occurrence.objects.get(pk=first.pk).status == Status.HELD
    assert Occurrence.objects.filter(status=Status.MISSED).count() == marked


def _headless_reminders(n):
    revops = function("revops")
    revops.head = UserFactory(email="revops-head@example.com")
    revops.save()
    for i in range(n):
        make_ritual(name=f"CS check {i}", owner="cs", reminder_lead=timedelta(hours=2),
                    rrule=f"FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE={i}")


@pytest.mark.parametrize("n", [1, 4])
def test_reminders_of_a_headless_function_go_to_the_revops_head_looked_up_once_per_run(
    frozen, n, django_capture_on_commit_callbacks
):
    assert function("cs").head_id is None
    _headless_reminders(n)
    frozen.move_to(datetime(2026, 3, 9, 11, 30, tzinfo=UTC))
    with (CaptureQueriesContext(connection) as queries,
          django_capture_on_commit_callbacks(execute=True)):
        assert services.send_reminders() == n
    revops_reads = [q for q in queries.captured_queries
                    if '"slug" = ' in q["sql"] and "revops" in q["sql"]]
    assert len(revops_reads) == 1
    outbox.drain()
    assert [m.to for m in mail.outbox] == [["revops-head@example.com"]] * n
