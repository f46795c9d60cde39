"""The dashboard's cadence panel: this week's rituals and the recent misses."""

from django.utils import timezone

from cadence import selectors


def panel(*, user, today):
    """Two queries whatever the number of occurrences."""
    this_week, misses = selectors.dashboard(
        today=today, now=timezone.now(), tz=timezone.get_current_timezone())
    return {
        "title": "Cadence: this week",
        "template": "cadence/_dashboard_panel.html",
        "this_week": this_week,
        "misses": misses,
        "today": today,
    }
