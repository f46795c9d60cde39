"""The demo cadence: four horizons with history, idempotent."""

import pytest
from django.utils import timezone

from cadence import demo, selectors
from cadence.models import Occurrence, Ritual, Status
from revops import demo as people_demo
from runbook import demo as runbook_demo

pytestmark = pytest.mark.django_db


def test_demo_cadence_covers_four_horizons_with_history_and_is_idempotent():
    people = people_demo.load_people()
    runbook_demo.load(people=people)
    assert demo.load(people=people) == 15
    counts = (Ritual.objects.count(), Occurrence.objects.count(),
              Occurrence.objects.filter(status=Status.HELD).count())
    assert demo.load(people=people) == 0
    assert (Ritual.objects.count(), Occurrence.objects.count(),
            Occurrence.objects.filter(status=Status.HELD).count()) == counts

    assert not Ritual.objects.filter(output_section__isnull=True).exists()
    assert not Ritual.objects.filter(owner__isnull=True).exists()
    assert Occurrence.objects.filter(status=Status.MISSED).exists()
    assert Occurrence.objects.filter(status=Status.SKIPPED).exists()
    facts = selectors.readiness(now=timezone.now(), today=timezone.localdate())
    assert facts.horizons_missing == ()
    assert facts.has_weekly_forecast and facts.refresh_held_recently
    assert facts.recent_held > facts.recent_missed > 0
    assert [f.code for f in selectors.lint()] == []


def test_demo_without_a_run_book_still_loads():
    people = people_demo.load_people()
    assert demo.load(people=people) == 15
    assert not Ritual.objects.filter(output_section__isnull=False).exists()
