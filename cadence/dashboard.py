"""The dashboard's cadence panel: this week's rituals and the recent misses."""

from django.utils import timezone

from cadence import selectors
from cadence.models import Ritual


def panel(*, user, today):
    """Two queries whatever the number of occurrences (a third, whether any live ritual
    exists, only in a week without any): with no ritual, nothing is claimed on track."""
    this_week, misses = selectors.dashboard(
        today=today, now=timezone.now(), tz=timezone.get_current_timezone())
    return {
        "title": "Cadence: this week",
        "template": "cadence/_dashboard_panel.html",
        "this_week": this_week,
        "misses": misses,
        "today": today,
        "has_rituals": bool(this_week) or Ritual.objects.live().filter(active=True).exists(),
    }
