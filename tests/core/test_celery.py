"""A real worker consumes from the real Redis broker (skipped without REDIS_URL,
required in CI)."""

import pytest

from revops.models import Webhook, WebhookDelivery
from revops.tasks import drain_outbox, ping

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_executes_a_task_through_redis(celery_worker):
    result = ping.delay()
    assert result.get(timeout=20) == "pong"


def test_a_real_worker_reads_and_writes_the_database(celery_worker, settings):
    settings.REVOPS_WEBHOOK_ALLOW_HTTP = True
    settings.REVOPS_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    hook = Webhook.objects.create(url="http://127.0.0.1:9/nowhere", events=["raci.changed"],
                                  secret="s")
    delivery = WebhookDelivery.objects.create(webhook=hook, event="raci.changed", payload={})
    drain_outbox.apply_async(retry=False)
    import time

    for _ in range(100):
        delivery.refresh_from_db()
        if delivery.attempts:
            break
        time.sleep(0.1)
    assert delivery.attempts >= 1
    assert delivery.delivered_at is None and delivery.error == "connection failed"
