"""Periodic jobs of change control. Thin: each calls one service."""

from datetime import date

from celery import shared_task

from changes import services


@shared_task
def apply_due_proposals(today=None):
    """Daily: apply the approved proposals whose effective date has come (idempotent: an
    applied proposal is never applied again)."""
    applied = services.apply_due_proposals(today=date.fromisoformat(today) if today else None)
    return {"applied": [proposal.pk for proposal in applied]}
