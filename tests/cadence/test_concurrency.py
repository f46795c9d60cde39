"""Two materializers or two recorders at once, on real PostgreSQL: no duplicate
occurrence, no lost recording."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from cadence import services
from cadence.models import Occurrence, Ritual
from revops.models import Door, Function
from tests.concurrency import run_concurrently

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def _ritual():
    return services.ritual_create(
        actor=None, door=Door.CLI, name="Daily hygiene", horizon="daily", layer="process",
        rrule="FREQ=DAILY;BYHOUR=8;BYMINUTE=0", timezone="Europe/Paris",
        owner=Function.objects.get(slug="sales"), duration_minutes=15, output="x")


@pytest.mark.parametrize("attempt", range(3))
def test_concurrent_roll_forwards_create_each_occurrence_once(attempt):
    ritual = _ritual()
    ritual.occurrences.all().delete()
    now = timezone.now()

    def roll():
        return services.materialize_many(rituals=[Ritual.objects.get(pk=ritual.pk)], now=now)

    outcomes = run_concurrently(roll, roll, roll)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    times = list(Occurrence.objects.filter(ritual=ritual).values_list("scheduled_for",
                                                                        flat=True))
    assert len(times) == len(set(times)) >= 365


def test_concurrent_recordings_both_apply_in_turn():
    ritual = _ritual()
    occurrence = ritual.occurrences.first()
    Occurrence.objects.filter(pk=occurrence.pk).update(scheduled_for=timezone.now()
                                                       - timedelta(hours=1))

    def record(status):
        return lambda: services.occurrence_record(
            occurrence=Occurrence.objects.get(pk=occurrence.pk), status=status,
            notes=status, actor=None, door=Door.API)

    outcomes = run_concurrently(record("held"), record("skipped"))
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    final = Occurrence.objects.get(pk=occurrence.pk)
    assert final.status in {"held", "skipped"} and final.notes == final.status
