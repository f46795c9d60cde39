"""The outbox: events and e-mails are written with the change that caused them and sent
later, at least once, with a stable event id, backing off while a receiver is down."""

import random
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from revops import events, outbox, webhooks
from revops.models import Mail, Webhook, WebhookDelivery
from tests.runbook.factories import make_runbook

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def hook(receiver):
    return Webhook.objects.create(url=receiver.url, events=["raci.changed", "section.reviewed"],
                                  secret="s")


def test_a_rolled_back_change_sends_nothing(hook, receiver):
    with pytest.raises(RuntimeError), transaction.atomic():
        events.emit("raci.changed", {"matrix": 1})
        events.mail(["head@example.com"], "Stale", "Please review.")
        raise RuntimeError("the change fails after announcing itself")
    assert not WebhookDelivery.objects.exists() and not Mail.objects.exists()
    assert outbox.drain() == {"webhooks": 0, "slack": 0, "mails": 0}
    assert receiver.received == [] and mail.outbox == []


def test_a_receiver_down_for_a_while_gets_the_event_later_with_the_same_id(
        hook, receiver, frozen):
    events.emit("raci.changed", {"matrix": 1})
    receiver.answers = [503, 503]
    outbox.drain()
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "retrying" and delivery.error == "HTTP 503"
    first_wait = delivery.next_attempt_at - NOW
    assert outbox.drain() == {"webhooks": 0, "slack": 0, "mails": 0}  # not due yet

    frozen.move_to(delivery.next_attempt_at)
    outbox.drain()
    delivery.refresh_from_db()
    second_wait = delivery.next_attempt_at - delivery.last_attempt_at
    assert second_wait >= first_wait

    frozen.move_to(delivery.next_attempt_at)
    outbox.drain()
    delivery.refresh_from_db()
    assert delivery.state == "sent" and delivery.attempts == 3
    ids = {headers[webhooks.EVENT_ID_HEADER] for headers, _ in receiver.received}
    assert ids == {str(delivery.event_id)} and len(receiver.received) == 3


def test_every_subscriber_of_one_event_gets_the_same_id_and_each_event_its_own(receiver):
    for _ in range(2):
        Webhook.objects.create(url=receiver.url, events=["raci.changed"], secret="s")
    events.emit_many("raci.changed", [{"matrix": 1}, {"matrix": 2}])
    by_payload = {}
    for d in WebhookDelivery.objects.all():
        by_payload.setdefault(d.payload["data"]["matrix"], set()).add(d.event_id)
    assert [len(ids) for ids in by_payload.values()] == [1, 1]
    assert by_payload[1] != by_payload[2]


def _fixed(value):
    rng = random.Random()
    rng.random = lambda: value
    return rng


@pytest.mark.parametrize("attempts", range(1, 10))
def test_backoff_doubles_and_a_wait_is_never_shorter_than_the_one_before(attempts):
    shortest_next = outbox.backoff(attempts + 1, rng=_fixed(0.0))
    longest_now = outbox.backoff(attempts, rng=_fixed(1.0))
    assert shortest_next >= longest_now
    assert outbox.backoff(attempts, rng=_fixed(0.0)) == outbox.FIRST_RETRY * 2 ** attempts / 4


@pytest.mark.parametrize("attempts", [11, 12, 50, 10_000])
def test_backoff_is_capped(attempts):
    assert outbox.LONGEST_RETRY / 2 <= outbox.backoff(attempts) <= outbox.LONGEST_RETRY


def test_a_delivery_still_failing_after_the_give_up_age_is_given_up(hook, receiver, frozen,
                                                                     settings):
    settings.REVOPS_OUTBOX_GIVE_UP_AFTER = timedelta(hours=1)
    events.emit("raci.changed", {"matrix": 1})
    receiver.answers = [500] * 20
    for _ in range(20):
        outbox.drain()
        delivery = WebhookDelivery.objects.get()
        if delivery.gave_up_at:
            break
        frozen.move_to(delivery.next_attempt_at)
    assert delivery.state == "gave up" and delivery.gave_up_at - delivery.created_at >= \
        timedelta(hours=1)
    count = len(receiver.received)
    frozen.shift(timedelta(days=1))
    outbox.drain()
    assert len(receiver.received) == count


def test_an_unreachable_receiver_is_retried_not_lost(frozen):
    Webhook.objects.create(url="http://127.0.0.1:9/closed", events=["raci.changed"], secret="s")
    events.emit("raci.changed", {"matrix": 1})
    outbox.drain()
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "retrying" and delivery.next_attempt_at > NOW


def test_a_users_request_never_waits_on_a_receiver(api, lead, hook, receiver):
    section = make_runbook().sections.get(kind="process")
    response = api.as_user(lead).post(f"/api/v1/sections/{section.pk}/reviews/",
                                      {"note": "still true"}, format="json")
    assert response.status_code == 201
    assert receiver.received == []  # nothing was sent while the request ran
    assert WebhookDelivery.objects.get(event="section.reviewed").state == "waiting"
    outbox.drain()
    assert len(receiver.received) == 1


def test_mail_waits_in_the_outbox_until_drained_and_is_sent_once():
    events.mail(["head@example.com", ""], "Stale section", "Please review.")
    events.mail([], "Nobody", "to send to")
    assert Mail.objects.count() == 1 and mail.outbox == []
    outbox.drain()
    outbox.drain()
    assert [m.to for m in mail.outbox] == [["head@example.com"]]
    assert Mail.objects.get().state == "sent"


def test_a_mail_with_an_html_part_leaves_with_both_parts():
    events.mail(["head@example.com"], "Brief", "Plain words.", html="<p>Rich words.</p>")
    events.mail(["head@example.com"], "Note", "Plain only.")
    outbox.drain()
    sent = {m.subject: m for m in mail.outbox}
    assert sent["Brief"].body == "Plain words."
    assert sent["Brief"].alternatives == [("<p>Rich words.</p>", "text/html")]
    assert sent["Note"].alternatives == []


def test_a_claimed_row_is_not_sent_by_a_second_drain_until_its_lease_runs_out(
        hook, receiver, frozen, settings):
    """A worker killed after claiming leaves the row leased; once the lease is over, the
    next drain sends it (at least once, same id)."""
    events.emit("raci.changed", {"matrix": 1})
    outbox._claim(WebhookDelivery, outbox.PENDING_WEBHOOK, NOW, 10)  # then "killed"
    assert outbox.drain() == {"webhooks": 0, "slack": 0, "mails": 0}
    frozen.shift(settings.REVOPS_OUTBOX_LEASE)
    assert outbox.drain()["webhooks"] == 1
    assert WebhookDelivery.objects.get().state == "sent"


def test_emit_many_builds_no_payload_when_no_webhook_subscribes(db):
    def payloads():
        raise AssertionError("a payload was built for nobody")
        yield  # pragma: no cover

    Webhook.objects.create(url="https://hooks.example.com/r", secret="s",
                           events=["raci.changed"])
    assert events.emit_many("section.stale", payloads()) == []
    assert len(events.emit_many("raci.changed", ({"n": i} for i in range(3)))) == 3


def test_a_broker_that_is_down_costs_one_short_attempt_then_nudges_pause(monkeypatch,
                                                                         request):
    """Redis down made every write wait 6 s on kombu's retries (issue 29)."""
    import socket
    import time

    from revops import events
    from revops.celery import app as celery_app

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    broker_url = celery_app.conf.broker_url
    celery_app.conf.update(task_always_eager=False,  # put back by _eager_celery
                           broker_url=f"redis://127.0.0.1:{port}/0")
    request.addfinalizer(lambda: celery_app.conf.update(broker_url=broker_url))
    monkeypatch.setattr(events, "_paused_until", 0.0)
    attempts = []
    real_connection = celery_app.connection_for_write
    monkeypatch.setattr(celery_app, "connection_for_write",
                        lambda **kw: attempts.append(kw) or real_connection(**kw))
    started = time.monotonic()
    for _ in range(20):
        events.nudge()
    assert time.monotonic() - started < 2  # was 6 s for each one
    assert len(attempts) == 1
    monkeypatch.setattr(events, "_paused_until", time.monotonic() - 1)  # the pause is over
    events.nudge()
    assert len(attempts) == 2


def test_the_drain_is_acknowledged_only_after_its_deliveries_are_marked(hook, receiver):
    """At least once: an early ack and a worker lost before marking would lose the
    message with nothing left to send the rest; a late one runs the drain again."""
    from revops import tasks

    assert tasks.drain_outbox.acks_late is True
    with transaction.atomic():
        events.emit("section.reviewed", {"id": 1})
    tasks.drain_outbox.apply()
    delivery = WebhookDelivery.objects.get()
    assert delivery.delivered_at is not None and len(receiver.received) == 1
