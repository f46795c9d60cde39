"""The dashboard's cadence panels: this week's rituals and the recent misses; the
overdue action items."""

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


ACTIONS_LISTED = 10


def actions_panel(*, user, today):
    """The live model's overdue action items, the oldest first ten and how many in all
    (two queries); nothing when none is overdue."""
    overdue = selectors.overdue_actions(today=today)
    listed = list(overdue[:ACTIONS_LISTED])
    if not listed:
        return None
    return {
        "title": "Overdue action items",
        "template": "cadence/_actions_panel.html",
        "actions": listed,
        "total": overdue.count() if len(listed) == ACTIONS_LISTED else len(listed),
    }
