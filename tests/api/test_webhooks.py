import hashlib
import hmac
import json

import pytest

from revops import events, outbox, webhooks
from revops.models import AuditEntry, Webhook, WebhookDelivery
from revops.tasks import drain_outbox

pytestmark = pytest.mark.django_db


def test_lead_subscribes_a_url_and_sees_the_generated_secret_once(api, lead):
    response = api.as_user(lead).post(
        "/api/v1/webhooks/",
        {"url": "https://hooks.example.com/revops", "events": ["section.stale"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["secret"] and body["active"] is True
    listed = api.get("/api/v1/webhooks/").json()["results"][0]
    assert "secret" not in listed
    assert AuditEntry.objects.filter(object_type="revops.webhook", door="api").exists()


def test_unknown_event_is_refused_naming_the_field(api, lead):
    response = api.as_user(lead).post(
        "/api/v1/webhooks/", {"url": "https://x.example.com", "events": ["deal.won"]},
        format="json",
    )
    assert response.status_code == 400
    assert "events" in response.json()
    assert not Webhook.objects.exists()


def test_deliveries_are_signed_with_hmac_sha256(receiver, django_capture_on_commit_callbacks):
    Webhook.objects.create(url=receiver.url, events=["raci.changed"], secret="s3cret")
    Webhook.objects.create(url=receiver.url, events=["section.stale"], secret="other")
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("raci.changed", {"matrix": 1, "version": 4})
    assert receiver.received == []  # the outbox sends, later
    outbox.drain()
    assert len(receiver.received) == 1
    headers, body = receiver.received[0]
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers[webhooks.SIGNATURE_HEADER] == expected
    assert json.loads(body) == {"event": "raci.changed", "data": {"matrix": 1, "version": 4}}
    delivery = WebhookDelivery.objects.get()
    assert headers[webhooks.EVENT_ID_HEADER] == str(delivery.event_id)
    assert delivery.response_status == 204 and delivery.delivered_at is not None


def test_a_delivered_webhook_is_not_sent_twice(receiver):
    hook = Webhook.objects.create(url=receiver.url, events=["raci.changed"], secret="s")
    WebhookDelivery.objects.create(webhook=hook, event="raci.changed", payload={})
    drain_outbox.delay()
    drain_outbox.delay()
    assert len(receiver.received) == 1


def test_emitting_an_unknown_event_is_a_programming_error():
    with pytest.raises(ValueError):
        events.emit("nope", {})
