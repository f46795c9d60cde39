"""The cadence rules on the database: materialization, schedule changes, recording,
missed marking, reminders."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from cadence import selectors, services
from cadence.models import Occurrence, Ritual, Status
from revops import outbox
from revops.models import AuditEntry, Door
from tests.cadence.factories import ritual as make_ritual
from tests.factories import function

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # a Wednesday


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_creating_a_ritual_materializes_the_next_twelve_months_and_none_before(frozen):
    r = make_ritual()
    times = list(r.occurrences.values_list("scheduled_for", flat=True))
    assert len(times) == 52
    assert min(times) == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)  # Monday 09:00 EDT
    assert max(times) < NOW + timedelta(days=365)
    assert all(t >= NOW for t in times)


def test_materialization_is_idempotent(frozen):
    r = make_ritual()
    count = r.occurrences.count()
    assert services.materialize(ritual=r) == 0
    assert services.materialize_all() == 0
    assert r.occurrences.count() == count


def test_daily_roll_forward_adds_only_the_new_days(frozen):
    r = make_ritual(horizon="daily", rrule="FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8;"
                                           "BYMINUTE=0", duration_minutes=15)
    before = r.occurrences.count()
    frozen.shift(timedelta(days=7))
    assert services.materialize_all() == 5
    assert r.occurrences.count() == before + 5


def test_unique_constraint_holds_one_occurrence_per_time(frozen):
    from django.db import IntegrityError, transaction

    r = make_ritual()
    first = r.occurrences.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Occurrence.objects.create(ritual=r, scheduled_for=first.scheduled_for)


def test_schedule_change_replaces_future_scheduled_and_keeps_recorded(frozen):
    r = make_ritual()
    frozen.shift(timedelta(days=14))  # two Mondays have passed
    past = list(r.occurrences.filter(scheduled_for__lt=NOW + timedelta(days=14)))
    assert len(past) == 2
    services.occurrence_record(occurrence=past[0], status="held", actor=None, door=Door.CLI)
    services.ritual_update(ritual=r, actor=None, door=Door.CLI,
                           rrule="FREQ=WEEKLY;BYDAY=TU;BYHOUR=10;BYMINUTE=0")
    r.refresh_from_db()
    assert r.sequence == 1
    kept = r.occurrences.filter(scheduled_for__lt=NOW + timedelta(days=14))
    assert {o.pk for o in kept} == {o.pk for o in past}
    assert kept.get(pk=past[0].pk).status == Status.HELD
    future = r.occurrences.filter(scheduled_for__gte=NOW + timedelta(days=14))
    assert {o.local_time.strftime("%a %H:%M") for o in future} == {"Tue 10:00"}
    assert future.count() == 52


def test_changing_only_the_spelling_of_the_rule_keeps_the_schedule(frozen):
    r = make_ritual()
    ids = set(r.occurrences.values_list("id", flat=True))
    services.ritual_update(ritual=r, actor=None, door=Door.CLI,
                           rrule="freq=weekly;byday=mo;byhour=9;byminute=0")
    assert set(r.occurrences.values_list("id", flat=True)) == ids


def test_deactivating_removes_future_scheduled_occurrences(frozen):
    r = make_ritual()
    services.ritual_update(ritual=r, actor=None, door=Door.CLI, active=False)
    assert r.occurrences.count() == 0
    services.ritual_update(ritual=r, actor=None, door=Door.CLI, active=True)
    assert r.occurrences.count() == 52


@pytest.mark.parametrize(("field", "kwargs"), [
    ("timezone", {"timezone": "Nowhere/Special"}),
    ("rrule", {"rrule": "FREQ=DAILY;BYHOUR=9;BYMINUTE=0"}),
    ("rrule", {"rrule": "garbage"}),
    ("duration_minutes", {"duration_minutes": -5}),
    ("duration_minutes", {"duration_minutes": 10_000}),
    ("layer", {"layer": "vibes"}),
])
def test_bad_ritual_is_refused_naming_the_field_and_nothing_is_written(frozen, field, kwargs):
    with pytest.raises(ValidationError) as info:
        make_ritual(**kwargs)
    assert field in info.value.message_dict
    assert Ritual.objects.count() == 0 and Occurrence.objects.count() == 0
    assert not AuditEntry.objects.filter(object_type="cadence.ritual").exists()


@pytest.mark.parametrize(("field", "value"), [
    ("grace", timedelta(days=31)), ("grace", timedelta(days=999999999)),
    ("grace", -timedelta(hours=1)), ("reminder_lead", timedelta(days=15)),
    ("reminder_lead", timedelta(days=999999999)),
])
def test_grace_or_reminder_lead_out_of_range_is_refused_naming_the_field(frozen, field, value):
    with pytest.raises(ValidationError) as info:
        make_ritual(**{field: value})
    assert set(info.value.message_dict) == {field}
    assert not Ritual.objects.exists()


def test_thirty_days_of_grace_is_allowed(frozen):
    assert make_ritual(grace=timedelta(days=30)).grace == timedelta(days=30)


def test_zero_duration_is_one_field_error_not_a_constraint_message(frozen):
    r = make_ritual()
    with pytest.raises(ValidationError) as info:
        services.ritual_update(ritual=r, actor=None, door=Door.CLI, duration_minutes=0)
    assert set(info.value.message_dict) == {"duration_minutes"}


def test_recording_held_with_sections_stamps_each_section_reviewed(frozen, sections):
    r = make_ritual(output_section=sections["insights"])
    frozen.shift(timedelta(days=6))
    occurrence = r.occurrences.first()
    services.occurrence_record(
        occurrence=occurrence, status="held", notes="Called **$2.1M**", actor=None,
        door=Door.CLI, reviewed_sections=[sections["insights"], sections["cadence"]],
    )
    occurrence.refresh_from_db()
    assert occurrence.status == Status.HELD
    assert "<strong>$2.1M</strong>" in occurrence.notes_html
    for kind in ("insights", "cadence"):
        sections[kind].refresh_from_db()
        assert sections[kind].last_reviewed_at is not None
    assert AuditEntry.objects.filter(action="record", object_type="cadence.occurrence").exists()


@pytest.mark.parametrize(("status", "field"), [("done", "status"), ("missed", "status"),
                                               ("scheduled", "status")])
def test_recording_an_unknown_status_is_refused(frozen, status, field):
    r = make_ritual()
    frozen.shift(timedelta(days=6))
    occurrence = r.occurrences.first()
    with pytest.raises(ValidationError) as info:
        services.occurrence_record(occurrence=occurrence, status=status, actor=None,
                                   door=Door.CLI)
    assert field in info.value.message_dict
    occurrence.refresh_from_db()
    assert occurrence.status == Status.SCHEDULED


def test_recording_a_future_occurrence_as_held_is_refused_but_skipping_is_fine(frozen):
    r = make_ritual()
    occurrence = r.occurrences.last()
    with pytest.raises(ValidationError):
        services.occurrence_record(occurrence=occurrence, status="held", actor=None,
                                   door=Door.CLI)
    services.occurrence_record(occurrence=occurrence, status="skipped", notes="Offsite",
                               actor=None, door=Door.CLI)
    assert Occurrence.objects.get(pk=occurrence.pk).status == Status.SKIPPED


def test_skipped_occurrence_cannot_review_sections(frozen, sections):
    r = make_ritual()
    with pytest.raises(ValidationError) as info:
        services.occurrence_record(occurrence=r.occurrences.first(), status="skipped",
                                   actor=None, door=Door.CLI,
                                   reviewed_sections=[sections["insights"]])
    assert "reviewed_sections" in info.value.message_dict


def test_missed_marking_respects_the_grace_period_per_horizon(frozen):
    weekly = make_ritual()
    daily = make_ritual(name="Pipeline hygiene", horizon="daily", duration_minutes=15,
                        rrule="FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0")
    # Monday 2026-03-09 09:00 EDT = 13:00 UTC. A day and a half later the daily ones of
    # Thursday, Friday and Monday are missed, the weekly one (two days' grace) not yet.
    frozen.move_to(datetime(2026, 3, 11, 1, 0, tzinfo=UTC))
    assert services.mark_missed() == 3
    assert daily.occurrences.filter(status=Status.MISSED).count() == 3
    assert not weekly.occurrences.filter(status=Status.MISSED).exists()
    frozen.move_to(datetime(2026, 3, 11, 13, 30, tzinfo=UTC))
    assert services.mark_missed() == 2  # weekly Monday + daily Tuesday
    assert services.mark_missed() == 0
    assert weekly.occurrences.filter(status=Status.MISSED).count() == 1


def test_missed_occurrence_can_still_be_recorded_late(frozen):
    r = make_ritual()
    frozen.move_to(datetime(2026, 3, 12, tzinfo=UTC))
    services.mark_missed()
    occurrence = r.occurrences.get(status=Status.MISSED)
    services.occurrence_record(occurrence=occurrence, status="held", actor=None, door=Door.CLI)
    assert Occurrence.objects.get(pk=occurrence.pk).status == Status.HELD


def test_a_ritual_grace_period_overrides_the_default(frozen):
    r = make_ritual(grace=timedelta(hours=1))
    frozen.move_to(datetime(2026, 3, 9, 14, 30, tzinfo=UTC))
    assert services.mark_missed() == 1
    assert r.occurrences.filter(status=Status.MISSED).count() == 1


def test_reminder_goes_to_the_owner_once_before_each_occurrence(
    frozen, sales_head, django_capture_on_commit_callbacks
):
    function("sales").refresh_from_db()
    r = make_ritual(reminder_lead=timedelta(hours=2))
    frozen.move_to(datetime(2026, 3, 9, 10, 0, tzinfo=UTC))  # three hours before
    assert services.send_reminders() == 0
    frozen.move_to(datetime(2026, 3, 9, 11, 30, tzinfo=UTC))  # ninety minutes before
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders() == 1
        assert services.send_reminders() == 0
    assert mail.outbox == []  # queued, not sent inside the job's transaction
    outbox.drain()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [sales_head.email]
    assert r.name in mail.outbox[0].subject and "09:00" in mail.outbox[0].subject


def test_delete_is_refused_once_a_ritual_has_history(frozen):
    r = make_ritual()
    frozen.shift(timedelta(days=6))
    services.occurrence_record(occurrence=r.occurrences.first(), status="held", actor=None,
                               door=Door.CLI)
    with pytest.raises(ValidationError):
        services.ritual_delete(ritual=r, actor=None, door=Door.CLI)
    fresh = make_ritual(name="Other")
    services.ritual_delete(ritual=fresh, actor=None, door=Door.CLI)
    assert not Ritual.objects.filter(pk=fresh.pk).exists()


def test_ritual_rows_show_next_occurrence_and_adherence_over_last_eight(frozen):
    r = make_ritual()
    frozen.shift(timedelta(days=70))  # ten Mondays
    services.mark_missed()
    past = list(r.occurrences.filter(scheduled_for__lt=NOW + timedelta(days=70))
                .order_by("-scheduled_for"))
    for o in past[:5]:
        services.occurrence_record(occurrence=o, status="held", actor=None, door=Door.CLI)
    (row,) = selectors.ritual_rows(now=NOW + timedelta(days=70))
    assert (row.held, row.missed) == (5, 3)
    assert row.next_at > NOW + timedelta(days=70)


def test_readiness_facts(frozen, sections):
    make_ritual(purpose="forecast")
    facts = selectors.readiness(now=NOW, today=NOW.date())
    assert facts.has_weekly_forecast
    assert facts.horizons_missing == ("daily", "monthly", "quarterly")
    assert not facts.refresh_held_recently and not facts.refresh_exists


def test_periodic_tasks_call_the_services_and_are_idempotent(frozen):
    from cadence import tasks

    r = make_ritual()
    frozen.shift(timedelta(days=8))
    assert tasks.materialize_occurrences.apply().result == {"created": 1}
    assert tasks.materialize_occurrences.apply().result == {"created": 0}
    assert tasks.mark_missed_occurrences.apply().result == {"missed": 1}
    assert tasks.mark_missed_occurrences.apply().result == {"missed": 0}
    assert tasks.send_reminders.apply().result["sent"] >= 0
    assert r.occurrences.filter(status=Status.MISSED).count() == 1
