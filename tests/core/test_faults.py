"""Faults on the real services (PostgreSQL, Redis, Celery worker processes): a worker
killed mid-job, Redis gone while people work, the database connection dropped
mid-request. Each test is bounded in time and leaves nothing running."""

import json
import shutil
import statistics
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from cadence.models import Status
from revops import services as core_services
from revops.models import ApiToken, Door, Function, Webhook, WebhookDelivery
from runbook.models import Section, SectionKind, StaleFlag
from tests import services as real
from tests.cadence.factories import ritual as make_ritual
from tests.conftest import require_or_skip
from tests.runbook.factories import make_runbook

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Loopback receivers are fine here: the test owns them.
LOOPBACK_WEBHOOKS = {"REVOPS_WEBHOOK_ALLOW_HTTP": "1",
                     "REVOPS_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1"}


@pytest.fixture(autouse=True)
def _real_services(settings):
    require_or_skip(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    require_or_skip(settings.REDIS_URL, "Redis (REDIS_URL)")
    settings.REVOPS_WEBHOOK_ALLOW_HTTP = True
    settings.REVOPS_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]


def _send(broker_url, task, **kwargs):
    """Queue a task by name, as beat would, on ``broker_url``."""
    sender = Celery(broker=broker_url)
    try:
        sender.send_task(task, kwargs=kwargs)
    finally:
        sender.close()


def _in_transaction_elsewhere():
    """True while another session on this database has a transaction open."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL "
            "AND query ILIKE '%%runbook_%%'")
        return cursor.fetchone()[0] > 0


def _many_never_reviewed_sections(books):
    """``books`` run books of six never-reviewed sections, inserted in bulk."""
    from runbook.models import Runbook

    owner = Function.objects.get(slug="revops")
    made = Runbook.objects.bulk_create(
        [Runbook(title=f"Book {i}") for i in range(books)])
    Section.objects.bulk_create([
        Section(runbook=book, kind=kind, position=p, title=SectionKind(kind).label,
                owner=owner, revision=0)
        for book in made for p, kind in enumerate(SectionKind.values)
    ])
    return books * 6


def test_a_worker_killed_mid_scan_loses_and_duplicates_no_stale_flag():
    expected = _many_never_reviewed_sections(800)
    # A receiver that is down: the events wait in the outbox (and are counted there).
    Webhook.objects.create(url="http://127.0.0.1:9/down", events=["section.stale"],
                           secret="s")
    broker = settings.CELERY_BROKER_URL
    with real.celery_worker(**LOOPBACK_WEBHOOKS) as worker:
        _send(broker, "runbook.tasks.flag_stale_sections")
        real.wait_until(_in_transaction_elsewhere, timeout=60, every=0.01,
                        what="the scan to be under way")
        real.kill(worker)
    # Killed inside its transaction: all or nothing was written, never a part.
    assert StaleFlag.objects.count() in (0, expected)
    with real.celery_worker(**LOOPBACK_WEBHOOKS):  # the restarted one takes the next scan
        _send(broker, "runbook.tasks.flag_stale_sections")
        real.wait_until(lambda: StaleFlag.objects.count() == expected, timeout=90,
                        what="every section flagged")
        _send(broker, "runbook.tasks.flag_stale_sections")  # and the one after
        time.sleep(1)
    assert StaleFlag.objects.count() == expected
    assert StaleFlag.objects.values("section").distinct().count() == expected
    stale_events = WebhookDelivery.objects.filter(event="section.stale")
    assert stale_events.count() == expected
    assert stale_events.values("event_id").distinct().count() == expected


class _SlowReceiver(BaseHTTPRequestHandler):
    """Answers 204 after a pause, long enough to kill the sender mid-delivery."""

    received = []

    def do_POST(self):  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _SlowReceiver.received.append(self.headers["X-RevOps-Event-Id"])
        time.sleep(0.5)
        self.send_response(204)
        self.end_headers()
        del body

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_receiver():
    _SlowReceiver.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowReceiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()
    server.server_close()


def test_a_worker_killed_mid_drain_loses_no_event_and_repeats_only_the_same_id(slow_receiver):
    from revops import events

    Webhook.objects.create(url=slow_receiver, events=["raci.changed"], secret="s")
    for version in range(6):
        events.emit("raci.changed", {"matrix": 1, "version": version})
    ids = {str(i) for i in WebhookDelivery.objects.values_list("event_id", flat=True)}
    broker = settings.CELERY_BROKER_URL
    env = {**LOOPBACK_WEBHOOKS, "REVOPS_OUTBOX_LEASE_SECONDS": 2}
    with real.celery_worker(**env) as worker:
        _send(broker, "revops.tasks.drain_outbox")
        real.wait_until(lambda: _SlowReceiver.received, timeout=60, what="a first delivery")
        real.kill(worker)  # mid-POST: claimed, sent or half-sent, not recorded
    assert WebhookDelivery.objects.filter(delivered_at__isnull=True).exists()
    with real.celery_worker(**env):
        time.sleep(2)  # the killed drain's lease runs out
        _send(broker, "revops.tasks.drain_outbox")
        real.wait_until(
            lambda: not WebhookDelivery.objects.filter(delivered_at__isnull=True).exists(),
            timeout=60, what="every delivery sent")
    assert set(_SlowReceiver.received) == ids  # none lost
    assert len(_SlowReceiver.received) >= len(ids)  # repeats carry an id already seen


def _api(url, path, token, body):
    request = urllib.request.Request(
        f"{url}{path}", data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, time.monotonic() - started


def test_writes_succeed_while_redis_is_down_and_their_events_leave_once_it_is_back(
        tmp_path, receiver, lead):
    require_or_skip(shutil.which("redis-server"), "redis-server")
    redis = real.Redis(tmp_path)
    redis.start()
    Webhook.objects.create(url=receiver.url, events=["section.revised", "occurrence.recorded"],
                           secret="s")
    section = make_runbook().sections.get(kind="process")
    ritual = make_ritual(owner=Function.objects.get(slug="sales"))
    occurrence = ritual.occurrences.order_by("scheduled_for").first()
    occurrence.scheduled_for = occurrence.scheduled_for.replace(year=2020)
    occurrence.save(update_fields=["scheduled_for"])
    _, token = core_services.api_token_create(actor=None, door=Door.CLI, user=lead,
                                              name="fault test", scope=ApiToken.Scope.WRITE)
    env = {"REDIS_URL": redis.url, **LOOPBACK_WEBHOOKS}
    try:
        with real.web_server(**env) as url:
            redis.stop()
            statuses = [
                _api(url, f"/api/v1/sections/{section.pk}/revisions/", token,
                     {"body": f"Revision {n}", "base_revision": n + 1, "mark_reviewed": False})
                for n in range(3)
            ] + [_api(url, f"/api/v1/occurrences/{occurrence.pk}/record/", token,
                      {"status": "held", "reviewed_sections": []})]
            assert [status for status, _ in statuses] == [201, 201, 201, 200]
            assert max(seconds for _, seconds in statuses) < 10  # nobody waited on Redis
            waiting = WebhookDelivery.objects.filter(delivered_at__isnull=True)
            assert waiting.count() == 4 and receiver.received == []
            assert occurrence.__class__.objects.get(pk=occurrence.pk).status == Status.HELD

            redis.start()
            with real.celery_worker(**env):
                _send(redis.url, "revops.tasks.drain_outbox")  # the periodic drain
                real.wait_until(lambda: len(receiver.received) == 4, timeout=60,
                                what="the waiting events to be delivered")
    finally:
        redis.stop()
    assert not WebhookDelivery.objects.filter(delivered_at__isnull=True).exists()


def test_fifty_writes_while_redis_is_down_never_wait_on_it_and_every_event_leaves_after(
        tmp_path, receiver, lead):
    """Each write's nudge of the worker gave up after kombu's retries, 6 s a write; now
    one short attempt, then a pause, and the periodic drain sends what was not nudged."""
    require_or_skip(shutil.which("redis-server"), "redis-server")
    redis = real.Redis(tmp_path)
    redis.start()
    Webhook.objects.create(url=receiver.url, events=["section.revised"], secret="s")
    section = make_runbook().sections.get(kind="process")
    _, token = core_services.api_token_create(actor=None, door=Door.CLI, user=lead,
                                              name="fault test", scope=ApiToken.Scope.WRITE)
    env = {"REDIS_URL": redis.url, **LOOPBACK_WEBHOOKS}
    writes = 50
    try:
        with real.web_server(**env) as url:
            redis.stop()
            answers = [_api(url, f"/api/v1/sections/{section.pk}/revisions/", token,
                            {"body": f"Revision {n}", "base_revision": n + 1,
                             "mark_reviewed": False})
                       for n in range(writes)]
            assert {status for status, _ in answers} == {201}
            # Generous for a shared machine; the fault was 6 s per write.
            slowest = max(seconds for _, seconds in answers)
            assert slowest < 1.0, f"a write waited {slowest:.2f} s with Redis down"
            assert statistics.median(s for _, s in answers) < 0.3
            waiting = WebhookDelivery.objects.filter(delivered_at__isnull=True)
            assert waiting.count() == writes and receiver.received == []

            redis.start()
            with real.celery_worker(**env):
                _send(redis.url, "revops.tasks.drain_outbox")  # the periodic drain
                real.wait_until(lambda: len(receiver.received) >= writes, timeout=90,
                                what="every waiting event to be delivered")
    finally:
        redis.stop()
    assert not WebhookDelivery.objects.filter(delivered_at__isnull=True).exists()
    sent = {d.event_id for d in WebhookDelivery.objects.all()}
    assert len(sent) == writes  # none lost, each event once in the outbox


def _drop_this_connection():
    """Terminate the server process behind this thread's connection, from another one."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


def _request_finished():
    """What Django does after every request (the test client skips it to keep a test's
    connection): a connection that failed is closed, so the next request opens one."""
    connection.close_if_unusable_or_obsolete()


@pytest.mark.parametrize(("path", "reads"), [
    ("/runbook/", lambda r: b"Nothing was saved" in r.content),
    ("/api/v1/sections/", lambda r: r.json()["detail"].startswith("The database")),
])
def test_a_dropped_database_connection_is_a_clean_503_and_the_next_request_works(
        client, lead, path, reads):
    client.force_login(lead)
    client.raise_request_exception = False
    assert client.get(path).status_code == 200
    _drop_this_connection()
    failed = client.get(path)
    assert failed.status_code == 503 and reads(failed) and failed["Retry-After"]
    assert b"Traceback" not in failed.content
    _request_finished()
    assert client.get(path).status_code == 200
