"""Reads of the shared core that pages and endpoints share."""

from datetime import datetime, time, timedelta

from django.db.models import Q
from django.db.models.query import ModelIterable
from django.utils import timezone

from revops import audit, policy
from revops.models import AuditEntry


def audit_object_types():
    return list(
        AuditEntry.objects.order_by("object_type").values_list("object_type", flat=True).distinct()
    )


class _RedactedEntries(ModelIterable):
    def __iter__(self):
        for entry in super().__iter__():
            yield audit.redacted(entry)


def audit_shown_to(entries, *, reader):
    """``entries`` (a queryset of audit entries) as ``reader`` may see them: whole for a
    lead; for anyone else each entry is ``audit.redacted`` as it is read, however the
    queryset is sliced, paginated or fetched by id afterwards. Every door that lists
    the trail (the API, the audit page, the console) reads it through here."""
    if policy.can_administer(reader):
        return entries
    shown = entries.all()
    shown._iterable_class = _RedactedEntries
    return shown


def audit_search_for(reader, entries, term):
    """Narrow a text search over entries' names: a reader without lead rights must not
    find a token, webhook or channel by the name only leads see."""
    if not term or policy.can_administer(reader):
        return entries
    return entries.filter(~Q(object_type__in=audit.LEADS_ONLY_TYPES)
                          | Q(actor_name__icontains=term))


def audit_entries(*, reader, object_type=None, actor=None, door=None, since=None,
                  until=None):
    """Audit entries newest first, filtered, as ``reader`` may see them; dates are whole
    local days."""
    entries = audit_shown_to(AuditEntry.objects.select_related("actor"), reader=reader)
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
