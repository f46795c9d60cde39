"""Outgoing webhooks on the wire: the body, its signature and one delivery's POST.

Services queue deliveries through ``revops.events``; the Celery task
``revops.tasks.deliver_webhook`` calls ``deliver`` for each."""

import hashlib
import hmac
import json
import urllib.error
import urllib.request

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from revops import netguard
from revops.models import WebhookDelivery

SIGNATURE_HEADER = "X-RevOps-Signature"


def sign(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def encode(payload):
    return json.dumps(payload, cls=DjangoJSONEncoder, sort_keys=True).encode()


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
        # The URL was typed by a person: netguard checks where it really goes.
        with netguard.urlopen(request, timeout=10) as response:
            delivery.response_status = response.status
            delivery.delivered_at = timezone.now()
            delivery.error = ""
    except (urllib.error.URLError, OSError) as exc:
        delivery.error = netguard.describe(exc)
        delivery.response_status = getattr(exc, "code", None)
    delivery.save()
    return delivery
