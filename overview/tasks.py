"""Jobs that read across the apps, periodic or queued. Thin: each calls one function."""

from datetime import date

from celery import shared_task

from overview import brief, departures, escalation, model_file
from revops.models import Door


@shared_task
def escalate_stale_sections(today=None):
    """Daily, after the stale scan: escalate sections stale too long (idempotent)."""
    escalated = escalation.escalate_stale_sections(
        door=Door.TASK, today=date.fromisoformat(today) if today else None
    )
    return {"escalated": len(escalated)}


@shared_task
def send_monday_briefs():
    """This week's brief to every function head who has not had it (idempotent: one per
    person per ISO week, held by the database)."""
    return f"briefs queued: {brief.send_monday_briefs()}"


@shared_task
def run_departures(today=None):
    """Daily, early: everyone whose leaving day has come hands over (idempotent: a done
    departure is not run again)."""
    done = departures.run_due_departures(
        today=date.fromisoformat(today) if today else None)
    return {"departed": len(done)}


@shared_task(acks_late=True)
def import_model_file(model_import_id):
    """A model file too large for a request (idempotent: an import done is not run
    again; acknowledged late, so a worker killed mid-import leaves it to another)."""
    job = model_file.run_import(model_import_id=model_import_id)
    return {"status": job.status if job else "gone"}
