"""Outgoing webhooks: services ``emit`` events, a Celery task ``deliver``s them signed."""

import hashlib
import hmac
import json
import urllib.error
import urllib.request

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from revops import tasks
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
    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: tasks.deliver_webhook.delay(pk))
    return deliveries


def deliver(delivery_id):
    """POST one queued delivery, signed, and record the attempt on it.

    Returns the delivery, or None when there is nothing to send (gone, or already
    delivered: a retried task must not post twice). Retrying is the caller's business."""
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or delivery.delivered_at is not None:
        return None
    body = encode(delivery.payload)
    request = urllib.request.Request(
        delivery.webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-RevOps-Event": delivery.event,
            SIGNATURE_HEADER: sign(delivery.webhook.secret, body),
        },
    )
    delivery.attempts += 1
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            delivery.response_status = response.status
            delivery.delivered_at = timezone.now()
            delivery.error = ""
    except (urllib.error.URLError, OSError) as exc:
        delivery.error = str(exc)[:1000]
        delivery.response_status = getattr(exc, "code", None)
    delivery.save()
    return delivery
