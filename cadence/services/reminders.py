"""Reminders: one e-mail to the owner before each occurrence, leading with the action
items carried to it."""

from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F
from django.template.loader import render_to_string
from django.utils import timezone

from cadence import selectors
from cadence.models import ActionItem, ActionState, Occurrence, Status
from revops import notify
from revops.models import Function


def _reminder_email(occurrence, fallback=None, open_items=()):
    ritual = occurrence.ritual
    carried = selectors.Carried(
        [a for a in open_items if a.occurrence.scheduled_for < occurrence.scheduled_for],
        timezone.localdate())
    local = occurrence.local_time
    link = f"{settings.REVOPS_SITE_URL.rstrip('/')}{occurrence.get_absolute_url()}"
    subject = f"Reminder: {ritual.name} at {local:%H:%M} ({ritual.timezone}) on {local:%a %d %b}"
    # The time is written out here: a template would show it in the reader's zone.
    body = render_to_string("cadence/email/reminder.txt", {
        "ritual": ritual, "when": f"{local:%A %d %B %Y at %H:%M}", "link": link,
        "carried": carried, "today": carried.today})
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
    # The open action items of those rituals, in one query for the run.
    open_items = defaultdict(list)
    for item in (ActionItem.objects.filter(ritual_id__in={o.ritual_id for o in due},
                                           state=ActionState.OPEN)
                 .select_related("owner", "occurrence").order_by("due", "id")):
        open_items[item.ritual_id].append(item)
    sent = 0
    for occurrence in due:
        with transaction.atomic():
            if Occurrence.objects.filter(pk=occurrence.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                _reminder_email(occurrence, fallback, open_items[occurrence.ritual_id])
                sent += 1
    return sent
