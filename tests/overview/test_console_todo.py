import pytest
from django.utils import timezone

from cadence.models import Status
from overview import todo
from tests.cadence.factories import ritual

pytestmark = pytest.mark.django_db


def test_a_heads_to_do_lists_only_their_occurrences_still_to_record(sales_head, time_machine):
    time_machine.move_to("2026-11-18 12:00Z", tick=False)
    mine = ritual(name="Pipeline call", owner="sales",
                  rrule="FREQ=DAILY;BYHOUR=9;BYMINUTE=0", horizon="daily", duration_minutes=15)
    ritual(name="Funnel review", owner="marketing")
    time_machine.move_to("2026-11-22 12:00Z", tick=False)
    held = mine.occurrences.filter(scheduled_for__lt=timezone.now()).order_by("scheduled_for")
    held.filter(pk=held.last().pk).update(status=Status.HELD)

    listed = todo.for_user(sales_head, today=timezone.localdate()).occurrences
    assert listed and {o.ritual.name for o in listed} == {"Pipeline call"}
    assert all(o.status == Status.SCHEDULED for o in listed)
    assert held.last() not in listed


def test_people_who_head_nothing_have_no_to_do(viewer, lead):
    assert todo.for_user(viewer, today=timezone.localdate()) is None
    assert todo.for_user(lead, today=timezone.localdate()) is None
