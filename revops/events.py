"""Events: what services announce. Each event becomes one queued webhook delivery per
active subscriber, written in the service's transaction and sent after it commits."""

import json

from django.db import transaction

from revops import tasks
from revops.models import Webhook, WebhookDelivery
from revops.webhooks import encode


def emit(event, payload):
    """Queue one delivery per active webhook subscribed to ``event``, after commit."""
    return emit_many(event, [payload])


def emit_many(event, payloads):
    """``emit`` for many payloads of one event in two queries (set-based jobs)."""
    if event not in Webhook.EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    hooks = [h for h in Webhook.objects.filter(active=True) if event in h.events]
    if not hooks or not payloads:
        return []
    bodies = [json.loads(encode({"event": event, "data": payload})) for payload in payloads]
    deliveries = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(webhook=h, event=event, payload=body) for body in bodies for h in hooks]
    )
    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: tasks.deliver_webhook.delay(pk))
    return deliveries
