"""What services announce: webhook events, channel messages and e-mail notifications. All
are written to the outbox (``revops.outbox``) in the service's own transaction and sent
after it commits, by a worker or the periodic drain, never inside the request."""

import json
import logging
import time
import uuid

from django.db import transaction

from revops import channels, registry, tasks
from revops.celery import app as celery_app
from revops.models import Mail, Webhook, WebhookDelivery
from revops.webhooks import encode

log = logging.getLogger(__name__)


def emit(event, payload):
    """Queue one delivery per active webhook subscribed to ``event``, and one message per
    active channel subscribed to it."""
    return emit_many(event, [payload])


def emit_many(event, payloads):
    """``emit`` for many payloads of one event in a few queries (set-based jobs): every
    subscriber of one payload gets the same event id, and every channel one message
    listing them all (``revops.channels``). ``payloads`` may be a generator: it is
    consumed only when some active webhook or channel subscribes to ``event``. Returns
    the webhook deliveries."""
    if not registry.is_event(event):
        raise ValueError(f"unknown webhook event {event!r}")
    hooks = [h for h in Webhook.objects.filter(active=True) if event in h.events]
    listeners = channels.subscribed(event)
    if not hooks and not listeners:
        return []
    payloads = list(payloads)
    if not payloads:
        return []
    bodies = [json.loads(encode({"event": event, "data": payload})) for payload in payloads]
    deliveries = WebhookDelivery.objects.bulk_create([
        WebhookDelivery(webhook=h, event=event, payload=body, event_id=event_id)
        for body, event_id in ((b, uuid.uuid4()) for b in bodies) for h in hooks
    ]) if hooks else []
    channels.fan_out(event, payloads, listeners)
    transaction.on_commit(nudge)
    return deliveries


def mail(to, subject, body, *, html=""):
    """Queue an e-mail (plain ``body``, and ``html`` as an alternative part if given); with
    nobody to send it to, nothing. Returns the row or None."""
    queued = mail_many([(to, subject, body, html)])
    return queued[0] if queued else None


def mail_many(messages):
    """Queue many e-mails, ``(to, subject, body, html)`` each, in one insert (set-based
    jobs); one with nobody to send it to is dropped. Returns the rows."""
    rows = [Mail(to=to, subject=subject[:300], body=body, html=html)
            for to, subject, body, html in (
                ([a for a in to if a], subject, body, html)
                for to, subject, body, html in messages)
            if to]
    if not rows:
        return []
    queued = Mail.objects.bulk_create(rows)
    transaction.on_commit(nudge)
    return queued


# A nudge is a courtesy: the periodic drain (every 30 s) sends whatever it missed. So it
# may cost a write a few milliseconds, never seconds: kombu's own connect, with its
# retries, took 6 s per write while Redis was down. After a failure, nudges pause for
# as long as a drain interval, so a broker that is down costs one short wait per process
# per pause, not one per write.
NUDGE_CONNECT_TIMEOUT = 0.25  # seconds
NUDGE_PAUSE_AFTER_FAILURE = 30  # seconds

_paused_until = 0.0


def nudge():
    """Ask a worker to drain now rather than at the next periodic run. Runs after the
    write's commit (``transaction.on_commit``). Without a broker (``make run``) nothing
    happens here: the in-process beat drains on its schedule. A broker that is down only
    delays delivery: the rows wait for the periodic drain."""
    global _paused_until
    if celery_app.conf.task_always_eager:
        return  # it would run here, inside the request: leave it to the periodic drain
    if time.monotonic() < _paused_until:
        return
    try:
        with celery_app.connection_for_write(connect_timeout=NUDGE_CONNECT_TIMEOUT) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0,
                                     timeout=NUDGE_CONNECT_TIMEOUT)
            tasks.drain_outbox.apply_async(connection=broker, retry=False)
    except Exception:  # noqa: BLE001 — any broker failure: the periodic drain catches up
        _paused_until = time.monotonic() + NUDGE_PAUSE_AFTER_FAILURE
        log.warning("outbox: the broker is unreachable; nudges pause for %s s and the "
                    "periodic drain will send", NUDGE_PAUSE_AFTER_FAILURE)
