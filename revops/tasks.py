from celery import shared_task

from revops import outbox


@shared_task
def ping():
    """Proves a worker is consuming from the broker."""
    return "pong"


@shared_task(ignore_result=True, acks_late=True)
def drain_outbox():
    """Send the webhook deliveries and e-mails that are due (idempotent: rows are
    claimed, so two drains at once send each row once). Acknowledged after it returns,
    every row it sent marked: a worker lost mid-drain leaves the message to run again
    (at least once; receivers de-duplicate on the event id)."""
    return outbox.drain()
