"""Periodic jobs that read across the apps. Thin: each calls one function with door=task."""

from datetime import date

from celery import shared_task

from overview import escalation
from revops.models import Door


@shared_task
def escalate_stale_sections(today=None):
    """Daily, after the stale scan: escalate sections stale too long (idempotent)."""
    escalated = escalation.escalate_stale_sections(
        door=Door.TASK, today=date.fromisoformat(today) if today else None
    )
    return {"escalated": len(escalated)}
