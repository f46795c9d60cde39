"""The demo run book: history over past quarters, one section due, one stale."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from revops import demo as core_demo
from runbook import demo, selectors
from runbook.models import Release, Review, Revision, StaleFlag

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("today", ["2026-11-22", "2026-01-01", "2026-03-31", "2027-07-15"])
def test_demo_has_one_due_one_stale_rest_fresh(today):
    with time_machine.travel(dt.datetime.fromisoformat(today + "T12:00:00+00:00"), tick=False):
        runbook = demo.load(people=core_demo.load_people())
        states = {
            s.kind: s.review_state
            for s in selectors.sections_with_state(runbook=runbook, today=timezone.localdate())
        }
    assert states == {
        "strategy": "fresh", "process": "fresh", "systems": "fresh",
        "insights": "due", "cadence": "fresh", "playbooks": "stale",
    }
    flags = StaleFlag.objects.filter(closed_at__isnull=True)
    assert [f.section.kind for f in flags] == ["playbooks"]
    assert Revision.objects.filter(section__runbook=runbook).count() >= 6 * 2
    created = set(Revision.objects.values_list("created_at__date", flat=True))
    assert len(created) >= 8  # spread over time, not all written today
    assert Release.objects.filter(runbook=runbook).count() == 1


def test_demo_is_idempotent():
    people = core_demo.load_people()
    demo.load(people=people)
    counts = (Revision.objects.count(), Review.objects.count(), StaleFlag.objects.count(),
              Release.objects.count())
    demo.load(people=people)
    assert counts == (Revision.objects.count(), Review.objects.count(),
                      StaleFlag.objects.count(), Release.objects.count())


def test_demo_sections_are_owned_by_heads():
    demo.load(people=core_demo.load_people())
    owners = dict(selectors.sections_with_state(today=timezone.localdate()).values_list(
        "kind", "owner__slug"))
    assert owners["process"] == "sales" and owners["playbooks"] == "cs"
