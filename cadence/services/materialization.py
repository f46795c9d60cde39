"""Materialization: the occurrences of the next 12 months, made from each ritual's
schedule."""

from django.db import transaction
from django.utils import timezone

from cadence import rules
from cadence.models import Occurrence, Ritual

BULK_BATCH = 2000


def materialize(*, ritual, now=None, start=None):
    """Create the occurrences of ``ritual`` from ``start`` (default now) to now + 12
    months that do not exist yet. Never before the ritual's schedule started. Returns
    how many were created; running it again creates nothing."""
    return materialize_many(rituals=[ritual], now=now, start=start)


@transaction.atomic
def materialize_many(*, rituals, now=None, start=None):
    """``materialize`` for many rituals in a fixed number of queries (set-based: one read
    of what exists, bulk inserts; the unique constraint makes races harmless)."""
    now = now or timezone.now()
    start = start or now
    end = now + rules.WINDOW
    wanted = []
    for ritual in rituals:
        if ritual.active:
            wanted.extend((ritual.pk, t) for t in ritual.schedule().between(start, end))
    if not wanted:
        return 0
    existing = set(
        Occurrence.objects.filter(
            ritual_id__in={pk for pk, _ in wanted}, scheduled_for__gte=start,
            scheduled_for__lt=end,
        ).values_list("ritual_id", "scheduled_for")
    )
    new = [
        Occurrence(ritual_id=pk, scheduled_for=t)
        for pk, t in wanted
        if (pk, t) not in existing
    ]
    Occurrence.objects.bulk_create(new, batch_size=BULK_BATCH, ignore_conflicts=True)
    return len(new)


def materialize_all(*, now=None):
    """The daily roll-forward: every active ritual's next 12 months."""
    rituals = list(Ritual.objects.live().filter(active=True))
    return materialize_many(rituals=rituals, now=now)
