"""Periodic jobs of the cadence. Thin and idempotent: each calls one service."""

from celery import shared_task

from cadence import services
from revops.models import Door


@shared_task
def materialize_occurrences():
    """Daily: keep every active ritual's next 12 months of occurrences in place."""
    return {"created": services.materialize_all()}


@shared_task
def mark_missed_occurrences():
    """Hourly: occurrences nobody recorded within their grace period become missed."""
    return {"missed": services.mark_missed(door=Door.TASK)}


@shared_task
def send_reminders():
    """Every few minutes: remind owners before each occurrence, once."""
    return {"sent": services.send_reminders()}


@shared_task
def raise_due_revisits():
    """Daily: decisions whose revisit day has come ask for a review of what they changed,
    once."""
    return {"raised": services.raise_due_revisits(door=Door.TASK)}
