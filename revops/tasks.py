import urllib.error
import urllib.request

from celery import shared_task
from django.utils import timezone

from revops import webhooks
from revops.models import WebhookDelivery


@shared_task
def ping():
    """Proves a worker is consuming from the broker."""
    return "pong"


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def deliver_webhook(self, delivery_id):
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None or delivery.delivered_at is not None:
        return None
    body = webhooks.encode(delivery.payload)
    request = urllib.request.Request(
        delivery.webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-RevOps-Event": delivery.event,
            webhooks.SIGNATURE_HEADER: webhooks.sign(delivery.webhook.secret, body),
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
    if delivery.delivered_at is None and not self.request.is_eager:
        raise self.retry()
    return delivery.response_status
