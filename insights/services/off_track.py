"""Off-track items: a metric off its target two periods running is raised for its owner
(on /start/, in the Monday brief, on the channels) and stays until the metric recovers
or the owner notes a reason. The daily scan is idempotent: run twice, it raises nothing
twice."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from insights import rules, selectors
from insights.models import OffTrack
from insights.services.owners import locked_for_change
from revops import audit, events

RUN = 2  # periods off track in a row that raise an item
MAX_REASON = 2000


def _run_start(cells):
    """The first period of the off-track run the latest cells end with."""
    streak = rules.off_track_streak([c.status for c in cells])
    return cells[-streak].period.key


@transaction.atomic
def raise_off_track(*, today):
    """Raise an item for each metric whose last ``RUN`` closed periods are off track (once
    per run: a noted run is not raised again while it lasts); clear each open item whose
    metric's latest closed period is on track or in its warning band (a missing value
    clears nothing). Returns ``(raised, cleared)``."""
    now = timezone.now()
    rows = selectors.rows(today=today, periods=selectors.MAX_PERIODS)
    known = set(OffTrack.objects.values_list("metric_id", "since"))
    raised, cleared = [], []
    for row in rows:
        latest = row.latest
        if rules.off_track_streak([c.status for c in row.cells]) >= RUN:
            since = _run_start(row.cells)
            if (row.metric.pk, since) in known:
                continue
            if row.open_item is not None:
                cleared.append(_clear(row.open_item, now, "a new run began"))
            raised.append((row, OffTrack.objects.create(
                metric=row.metric, since=since, latest=latest.period.key, raised_at=now)))
        elif row.open_item is not None and latest.status in (rules.ON_TRACK, rules.WARNING):
            cleared.append(_clear(row.open_item, now, "back on track"))
    audit.record_many(actor=None, door="task", action="off_track", changes_by_object=[
        (item, {"since": item.since, "latest": item.latest}) for _, item in raised])
    audit.record_many(actor=None, door="task", action="cleared", changes_by_object=[
        (item, {"reason": item.reason}) for item in cleared])
    events.emit_many("metric.off_track", (_payload(row, item) for row, item in raised))
    events.emit_many("metric.back_on_track", (
        {"metric": item.metric.slug, "since": item.since} for item in cleared))
    return [item for _, item in raised], cleared


def _clear(item, now, reason):
    item.cleared_at, item.reason = now, reason
    item.save(update_fields=["cleared_at", "reason"])
    return item


def _payload(row, item):
    latest = row.latest
    return {"metric": row.metric.slug, "name": row.metric.name, "layer": row.metric.layer,
            "since": item.since, "latest": item.latest, "value": str(latest.value),
            "target": str(latest.target),
            "owner": row.owner.slug if row.owner else None}


@transaction.atomic
def off_track_note(*, item, reason, actor, door):
    """The owner says why the metric is off track: the item closes with the reason and is
    not raised again for this run. Leads, or the head of the metric's owner."""
    locked_for_change(actor, item.metric)
    item = OffTrack.objects.select_for_update().get(pk=item.pk)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Say why the metric is off track."})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": f"Keep the reason under {MAX_REASON} characters."})
    if item.cleared_at is not None:
        raise ValidationError({"reason": "This item is already closed."})
    item.cleared_at, item.reason = timezone.now(), reason
    item.noted_by = audit.user_or_none(actor)
    item.save(update_fields=["cleared_at", "reason", "noted_by"])
    audit.record(actor=actor, door=door, action="noted", obj=item, changes={"reason": reason})
    return item
