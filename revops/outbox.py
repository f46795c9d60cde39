"""The outbox: webhook deliveries, Slack messages and e-mails are rows written (by
``revops.events``) in the transaction of the change that caused them, and sent later by
``drain`` — never inside a user's request.

A rolled-back change leaves no row, so it sends nothing; a committed one leaves a row
that stays until it is sent or given up, so nothing is lost. ``drain`` claims due rows
with a lease (their next attempt moves past the time a send can take), sends them
outside any transaction, then records the outcome: a worker killed mid-send leaves the
row to be claimed again once the lease runs out. Delivery is therefore at least once,
and every row carries a key that stays the same on each attempt for the receiver to
drop a repeat by: a webhook's event id, an e-mail's ``Message-ID`` (``message_id``), a
Slack message's ``Idempotency-Key`` (``revops.channels.idempotency_key``).
"""

import logging
import random
import time
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from revops import channels, webhooks
from revops.models import Mail, SlackMessage, WebhookDelivery

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=6)
BATCH = 50
#: One drain stops claiming after this many seconds; the next one goes on.
DRAIN_BUDGET = 50
PENDING_WEBHOOK = Q(delivered_at__isnull=True, webhook__active=True)
PENDING_SLACK = Q(delivered_at__isnull=True, channel__active=True)
PENDING_MAIL = Q(sent_at__isnull=True)


def backoff(attempts, *, rng=random):
    """How long to wait after the ``attempts``-th failed attempt: doubling from 30 s up
    to 6 h, with "equal jitter" (half fixed, half random), so receivers coming back are
    not hit by every sender at once and a wait is never shorter than the one before."""
    ceiling = min(FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 20), LONGEST_RETRY)
    return ceiling / 2 + ceiling / 2 * rng.random()


def _claim(model, pending, now, limit):
    """Lease up to ``limit`` due rows of ``model`` to this drain (rows another drain
    holds are skipped, not waited for)."""
    with transaction.atomic():
        rows = list(
            model.objects.select_for_update(skip_locked=True)
            .filter(pending, gave_up_at__isnull=True, next_attempt_at__lte=now)
            .order_by("next_attempt_at")[:limit]
        )
        model.objects.filter(pk__in=[r.pk for r in rows]).update(
            next_attempt_at=now + settings.REVOPS_OUTBOX_LEASE)
    return rows


def _record(row, *, now, done, error, **fields):
    """The outcome of one attempt. A failure is retried after ``backoff`` unless the
    row is older than the give-up age."""
    row.attempts += 1
    row.last_attempt_at = now
    row.error = error[:1000]
    for name, value in fields.items():
        setattr(row, name, value)
    if done:
        row.next_attempt_at = now
    elif now - row.created_at >= settings.REVOPS_OUTBOX_GIVE_UP_AFTER:
        row.gave_up_at = now
    else:
        row.next_attempt_at = now + backoff(row.attempts)
    type(row).objects.filter(pk=row.pk).update(
        attempts=row.attempts, last_attempt_at=now, error=row.error,
        next_attempt_at=row.next_attempt_at, gave_up_at=row.gave_up_at,
        **{name: getattr(row, name) for name in fields},
    )


def _post(model, pending, via, deliver, now, limit):
    """Claim due rows of ``model`` (a webhook delivery or a Slack message, reached through
    its ``via`` relation) and POST each with ``deliver``."""
    claimed = _claim(model, pending, now, limit)
    for row in model.objects.select_related(via).filter(pk__in=[r.pk for r in claimed]):
        status, error = deliver(row)
        ok = status is not None and 200 <= status < 300
        _record(row, now=timezone.now(), done=ok, error="" if ok else error,
                response_status=status, delivered_at=timezone.now() if ok else None)
    return len(claimed)


def _send_webhooks(now, limit):
    return _post(WebhookDelivery, PENDING_WEBHOOK, "webhook", webhooks.deliver, now, limit)


def _send_slack(now, limit):
    return _post(SlackMessage, PENDING_SLACK, "channel", channels.deliver, now, limit)


def message_id(mail):
    """The one ``Message-ID`` of an outbox mail, whichever worker sends it and however
    often: a worker killed between the SMTP send and recording it sends it again after
    the lease, and the recipient's mail system takes the repeat for the same message, as
    a webhook receiver does with the event id."""
    host = urlsplit(settings.REVOPS_SITE_URL).hostname or "localhost"
    return f"<outbox-{mail.pk}.{mail.created_at:%Y%m%d%H%M%S}@{host}>"


def _message(mail):
    message = EmailMultiAlternatives(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL,
                                     mail.to, headers={"Message-ID": message_id(mail)})
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    return message


def _send_mails(now, limit):
    claimed = _claim(Mail, PENDING_MAIL, now, limit)
    for mail in claimed:
        try:
            _message(mail).send()
        except Exception as exc:  # noqa: BLE001 — any transport failure is retried
            _record(mail, now=timezone.now(), done=False, error=type(exc).__name__)
        else:
            _record(mail, now=timezone.now(), done=True, error="", sent_at=timezone.now())
    return len(claimed)


SENDERS = {"webhooks": _send_webhooks, "slack": _send_slack, "mails": _send_mails}


def drain(*, now=None, limit=BATCH, budget=DRAIN_BUDGET):
    """Send what is due, ``limit`` rows of each kind at a time, until nothing is due or
    ``budget`` (seconds) is spent; returns ``{"webhooks": n, "slack": s, "mails": m}``
    attempted. Safe to run in several workers at once."""
    started = time.monotonic()
    totals = dict.fromkeys(SENDERS, 0)
    while True:
        moment = now or timezone.now()
        batch = {kind: send(moment, limit) for kind, send in SENDERS.items()}
        for kind, count in batch.items():
            totals[kind] += count
        if not any(batch.values()) or time.monotonic() - started > budget:
            return totals
