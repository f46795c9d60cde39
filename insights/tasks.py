"""Periodic jobs of the scorecard. Thin: each calls one service."""

from datetime import date

from celery import shared_task
from django.utils import timezone

from insights import services


def _day(today):
    return date.fromisoformat(today) if today else timezone.localdate()


@shared_task
def raise_off_track(today=None):
    """Daily: raise an item for each metric off track two periods running, clear those
    back on track (idempotent)."""
    raised, cleared = services.raise_off_track(today=_day(today))
    return {"raised": len(raised), "cleared": len(cleared)}


@shared_task
def record_system_metrics(today=None):
    """Daily: the model's own health as this week's system metric values."""
    return services.record_system_metrics(today=_day(today))
