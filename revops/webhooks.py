"""Outgoing webhooks on the wire: the body, its signature and one delivery's POST.

Services queue deliveries through ``revops.events``; the outbox's drain
(``revops.outbox``) calls ``deliver`` for each. ``post`` is the guarded POST that Slack
channels (``revops.channels``) use too."""

import hashlib
import hmac
import json
import urllib.error
import urllib.request

from django.core.serializers.json import DjangoJSONEncoder

from revops import netguard

SIGNATURE_HEADER = "X-RevOps-Signature"
EVENT_ID_HEADER = "X-RevOps-Event-Id"


def sign(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def encode(payload):
    return json.dumps(payload, cls=DjangoJSONEncoder, sort_keys=True).encode()


def post(url, body, headers):
    """POST ``body`` (JSON bytes) to a user-given ``url``. Returns ``(status, error)``: the
    HTTP status (or None) and "" on success or a short reason. Records nothing: the
    outbox does (``revops.outbox``)."""
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json", **headers})
    try:
        # The URL was typed by a person: netguard checks where it really goes.
        with netguard.urlopen(request, timeout=10) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, netguard.describe(exc)
    except (urllib.error.URLError, OSError) as exc:
        return None, netguard.describe(exc)


def deliver(delivery):
    """POST one delivery, signed, with its stable event id: ``(status, error)``."""
    body = encode(delivery.payload)
    return post(delivery.webhook.url, body, {
        "X-RevOps-Event": delivery.event,
        EVENT_ID_HEADER: str(delivery.event_id),
        SIGNATURE_HEADER: sign(delivery.webhook.secret, body),
    })
