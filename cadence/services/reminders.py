"""Reminders: one e-mail to the owner before each occurrence."""

from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F
from django.template.loader import render_to_string
from django.utils import timezone

from cadence.models import Occurrence, Status
from revops import notify
from revops.models import Function


def _reminder_email(occurrence, fallback=None):
    ritual = occurrence.ritual
    local = occurrence.local_time
    link = f"{settings.REVOPS_SITE_URL.rstrip('/')}{occurrence.get_absolute_url()}"
    subject = f"Reminder: {ritual.name} at {local:%H:%M} ({ritual.timezone}) on {local:%a %d %b}"
    # The time is written out here: a template would show it in the reader's zone.
    body = render_to_string("cadence/email/reminder.txt", {
        "ritual": ritual, "when": f"{local:%A %d %B %Y at %H:%M}", "link": link})
    if ritual.owner_person_id and ritual.owner_person.email:
        notify.send([ritual.owner_person.email], subject, body)
    else:
        owner = ritual.owner if ritual.owner_id and ritual.owner.head_id else fallback
        notify.email_function(owner, subject, body)


def send_reminders(*, now=None):
    """E-mail the owner before each occurrence, once: the occurrence is claimed by
    stamping ``reminded_at`` in the same statement that checks it is unset, and the
    e-mail is queued in the outbox in that same transaction."""
    now = now or timezone.now()
    due = list(
        Occurrence.objects.filter(
            status=Status.SCHEDULED, reminded_at__isnull=True, scheduled_for__gt=now,
            ritual__active=True,
        )
        .annotate(remind_at=ExpressionWrapper(F("scheduled_for") - F("ritual__reminder_lead"),
                                              output_field=DateTimeField()))
        .filter(remind_at__lte=now)
        .select_related("ritual", "ritual__owner", "ritual__owner__head",
                        "ritual__owner_person")
    )
    # The RevOps function stands in for owners without a head: looked up once per run.
    fallback = None
    if any(not (o.ritual.owner_person_id and o.ritual.owner_person.email)
           and not (o.ritual.owner_id and o.ritual.owner.head_id) for o in due):
        fallback = Function.objects.select_related("head", "deputy").filter(slug="revops").first()
    sent = 0
    for occurrence in due:
        with transaction.atomic():
            if Occurrence.objects.filter(pk=occurrence.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                _reminder_email(occurrence, fallback)
                sent += 1
    return sent
