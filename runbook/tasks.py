"""Periodic jobs of the run book. Thin: each calls one service with door=task."""

from datetime import date

from celery import shared_task

from revops.models import Door
from runbook import services


@shared_task
def flag_stale_sections(today=None):
    """Daily: flag every stale or never-reviewed section (idempotent)."""
    result = services.flag_stale_sections(
        door=Door.TASK, today=date.fromisoformat(today) if today else None
    )
    return {"newly_flagged": len(result.newly_flagged), "already_flagged": result.already_flagged}
