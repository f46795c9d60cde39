"""Reads of the shared core that pages and endpoints share."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from revops.models import AuditEntry


def audit_object_types():
    return list(
        AuditEntry.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
    )


def audit_entries(*, object_type=None, actor=None, door=None, since=None, until=None):
    """Audit entries newest first, filtered; dates are whole local days."""
    entries = AuditEntry.objects.select_related("actor")
    if object_type:
        entries = entries.filter(object_type=object_type)
    if actor:
        entries = entries.filter(actor_name=actor.get_username())
    if door:
        entries = entries.filter(door=door)
    tz = timezone.get_current_timezone()
    if since:
        entries = entries.filter(at__gte=datetime.combine(since, time.min, tzinfo=tz))
    if until:
        entries = entries.filter(
            at__lt=datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz)
        )
    return entries
