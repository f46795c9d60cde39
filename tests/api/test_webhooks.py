import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from revops import events, webhooks
from revops.models import AuditEntry, Webhook, WebhookDelivery
from revops.tasks import deliver_webhook

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


@pytest.mark.parametrize("user_fixture", ["viewer", "sales_head"])
def test_only_leads_manage_webhooks(api, request, user_fixture):
    user = request.getfixturevalue(user_fixture)
    response = api.as_user(user).post(
        "/api/v1/webhooks/", {"url": "https://x.example.com", "events": ["raci.changed"]},
        format="json",
    )
    assert response.status_code == 403


class Receiver(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((self.headers, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(settings):
    """A receiver on loopback, which this installation is told to trust."""
    settings.REVOPS_WEBHOOK_ALLOW_HTTP = True
    settings.REVOPS_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    Receiver.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()


def test_deliveries_are_signed_with_hmac_sha256(receiver, django_capture_on_commit_callbacks):
    Webhook.objects.create(url=receiver, events=["raci.changed"], secret="s3cret")
    Webhook.objects.create(url=receiver, events=["section.stale"], secret="other")
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("raci.changed", {"matrix": 1, "version": 4})
    assert len(Receiver.received) == 1
    headers, body = Receiver.received[0]
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers[webhooks.SIGNATURE_HEADER] == expected
    assert json.loads(body) == {"event": "raci.changed", "data": {"matrix": 1, "version": 4}}
    delivery = WebhookDelivery.objects.get()
    assert delivery.response_status == 204 and delivery.delivered_at is not None


def test_a_delivered_webhook_is_not_sent_twice(receiver):
    hook = Webhook.objects.create(url=receiver, events=["raci.changed"], secret="s")
    delivery = WebhookDelivery.objects.create(webhook=hook, event="raci.changed", payload={})
    deliver_webhook.delay(delivery.pk)
    deliver_webhook.delay(delivery.pk)
    assert len(Receiver.received) == 1


def test_emitting_an_unknown_event_is_a_programming_error():
    with pytest.raises(ValueError):
        events.emit("nope", {})
