from celery import shared_task

from overview import brief


@shared_task
def send_monday_briefs():
    """This week's brief to every function head who has not had it (idempotent: one per
    person per ISO week, held by the database)."""
    return f"briefs queued: {brief.send_monday_briefs()}"
