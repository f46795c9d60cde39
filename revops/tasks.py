from celery import shared_task

from revops import webhooks


@shared_task
def ping():
    """Proves a worker is consuming from the broker."""
    return "pong"


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def deliver_webhook(self, delivery_id):
    """Send one queued delivery; retried a minute apart until the receiver answers."""
    delivery = webhooks.deliver(delivery_id)
    if delivery is None:
        return None
    if delivery.delivered_at is None and not self.request.is_eager:
        raise self.retry()
    return delivery.response_status
