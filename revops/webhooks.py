"""Outgoing webhooks: services ``emit`` events, a Celery task delivers them signed."""

import hashlib
import hmac
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from revops.models import Webhook, WebhookDelivery

SIGNATURE_HEADER = "X-RevOps-Signature"


def sign(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def encode(payload):
    return json.dumps(payload, cls=DjangoJSONEncoder, sort_keys=True).encode()


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
    from revops.tasks import deliver_webhook

    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: deliver_webhook.delay(pk))
    return deliveries
