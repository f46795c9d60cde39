"""Values received for a period: pushed by the warehouse or a CRM job, entered at the
ritual that reviews them, imported from a file. One value per metric and period; a
re-sent equal value changes nothing (so an integration may send again safely), a
different one replaces it and the old one is kept in its history."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from insights import rules
from insights.models import Metric, MetricValue, ReplacedValue
from insights.services.metrics import number
from insights.services.owners import with_owner
from revops import audit, events, fiscal, jsonrows, policy
from revops.errors import LineErrors

SENDER = ["value", "door", "sent_by_id", "sent_by_name", "source", "sent_at"]
MAX_LINES = 20_000
MAX_SOURCE = 80


def _line_problems(line, metrics, seen, start_month):
    """``(errors, (metric, period, value))`` for one line: errors keyed by field."""
    errors = {}
    slug = line.get("metric")
    metric = metrics.get(slug) if isinstance(slug, str) else None
    if metric is None:
        errors["metric"] = [f"No metric “{str(slug)[:60]}”." if slug
                            else "Name the metric by its slug."]
    elif metric.formula:
        errors["metric"] = [f"“{metric.name}” is computed from its formula: send its parts."]
    elif metric.system:
        errors["metric"] = [f"“{metric.name}” is computed by the app from its own records: "
                            f"it takes no values."]
    period = value = None
    if metric is not None and not errors:
        try:
            period = rules.parse_period(metric.period, str(line.get("period") or ""),
                                        start_month=start_month)
        except ValueError as problem:
            errors["period"] = [f"“{metric.name}” is measured {metric.period}: {problem}"]
        if period is not None and (metric.pk, period.key) in seen:
            errors["period"] = [f"{period.key} of “{metric.name}” is sent twice in this call."]
        elif period is not None:
            seen.add((metric.pk, period.key))
    try:
        value = number(line.get("value"), "value")
    except ValidationError as problem:
        errors["value"] = problem.message_dict["value"]
    return errors, (metric, period, value)


def _sender(actor, door, source, at):
    user = audit.user_or_none(actor)
    return {"door": door, "sent_by_id": user.pk if user else None,
            "sent_by_name": user.get_username() if user else "",
            "source": " ".join(str(source or "").split())[:MAX_SOURCE], "sent_at": at}


def _checked(lines, *, actor, lock):
    """``lines`` checked: ``[(metric, period, value)]`` or ``LineErrors``. ``actor``
    must be able to change every metric named (leads; a head for the metrics their
    function answers for)."""
    if len(lines) > MAX_LINES:
        raise ValidationError({"values": f"Send at most {MAX_LINES:,} values in one call."})
    slugs = {line.get("metric") for line in lines
             if isinstance(line, dict) and isinstance(line.get("metric"), str)}
    found = Metric.objects.filter(slug__in=slugs)
    metrics = {m.slug: m for m in with_owner(list(found.select_for_update() if lock else found))}
    for metric in metrics.values():
        policy.require_change(actor, metric)
    seen, checked, problems = set(), [], []
    start_month = fiscal.start_month()
    for line in lines:
        errors, fields = _line_problems(line if isinstance(line, dict) else {}, metrics, seen,
                                        start_month)
        problems.append(errors)
        checked.append(fields)
    if any(problems):
        raise LineErrors("values", problems)
    return checked


@transaction.atomic
def values_record_many(*, lines, actor, door, source=""):
    """Record ``lines`` (each ``{"metric": slug, "period": key, "value": number}``) all or
    nothing: any bad line refuses the whole call with each bad line's errors
    (``LineErrors``) and writes nothing. Returns the counts ``{"created", "updated",
    "unchanged"}``."""
    return record_checked(_checked(lines, actor=actor, lock=True), actor=actor, door=door,
                          source=source)


def values_preview(*, lines, actor):
    """What ``values_record_many`` would do with ``lines``, writing nothing: each line's
    ``(metric, period, value, outcome, value it replaces)``, or ``LineErrors``."""
    checked = _checked(lines, actor=actor, lock=False)
    existing = {(v.metric_id, v.period): v.value for v in MetricValue.objects.filter(
        metric__in={m.pk for m, _, _ in checked}, period__in={p.key for _, p, _ in checked})}
    preview = []
    for metric, period, value in checked:
        was = existing.get((metric.pk, period.key))
        outcome = "created" if was is None else "unchanged" if was == value else "updated"
        preview.append((metric, period, value, outcome, was))
    return preview


def record_checked(checked, *, actor, door, source=""):
    """Write ``checked`` (``(metric, period, value)`` each, already checked and allowed)
    and return the counts: for ``values_record_many`` and the system metrics' job."""
    sender = _sender(actor, door, source, timezone.now())
    existing = {
        (v.metric_id, v.period): v for v in MetricValue.objects.select_for_update().filter(
            metric__in={metric.pk for metric, _, _ in checked},
            period__in={period.key for _, period, _ in checked})
    }
    created, updated, replaced, audited = [], [], [], []
    for metric, period, value in checked:
        current = existing.get((metric.pk, period.key))
        if current is None:
            created.append(MetricValue(metric=metric, period=period.key, starts=period.start,
                                       value=value, **sender))
            audited.append((metric, period.key, [None, str(value)]))
        elif current.value != value:
            replaced.append(ReplacedValue(current=current, replaced_at=sender["sent_at"],
                                          **{f: getattr(current, f) for f in SENDER}))
            audited.append((metric, period.key, [str(current.value), str(value)]))
            current.value = value
            for field, given in sender.items():
                setattr(current, field, given)
            updated.append(current)
    MetricValue.objects.bulk_create(created, batch_size=2000)
    ReplacedValue.objects.bulk_create(replaced, batch_size=2000)
    _correct(updated, sender)
    audit.record_rows(actor=actor, door=door, action="value", at=sender["sent_at"],
                      object_type="insights.metric", rows=[
                          (metric.pk, metric.name, {"period": period, "value": change})
                          for metric, period, change in audited])
    events.emit_many("metric.value_recorded", (
        {"metric": metric.slug, "period": period, "value": change[1], "was": change[0]}
        for metric, period, change in audited))
    return {"created": len(created), "updated": len(updated),
            "unchanged": len(checked) - len(created) - len(updated)}


def _correct(updated, sender):
    """Write the corrected values in one statement (``bulk_update``'s CASE per row grows
    with the square of the rows: 28 s for 10,000 on PostgreSQL)."""
    if not updated:
        return
    columns, source = jsonrows.columns_of({"id": "bigint", "value": "numeric"})
    table = MetricValue._meta.db_table
    sql = (f'UPDATE "{table}" SET value = {columns["value"]}, door = %s, sent_by_id = %s, '
           f'sent_by_name = %s, source = %s, sent_at = %s FROM {source} '
           f'WHERE "{table}".id = {columns["id"]}')
    with connection.cursor() as cursor:
        cursor.execute(sql, [
            sender["door"], sender["sent_by_id"], sender["sent_by_name"], sender["source"],
            connection.ops.adapt_datetimefield_value(sender["sent_at"]),
            jsonrows.param([{"id": v.pk, "value": str(v.value)} for v in updated])])


@transaction.atomic
def value_record(*, metric, period, value, actor, door, source=""):
    """One metric's value for ``period`` (a key), errors keyed by field. Returns the
    value as it now stands and what happened to it: ``created``, ``updated`` or
    ``unchanged``."""
    try:
        counts = values_record_many(lines=[{"metric": metric.slug, "period": period,
                                            "value": value}],
                                    actor=actor, door=door, source=source)
    except LineErrors as refused:
        raise ValidationError(refused.lines[0]) from None
    key = rules.parse_period(metric.period, period, start_month=fiscal.start_month()).key
    stored = MetricValue.objects.select_related("metric").get(metric=metric, period=key)
    return stored, next(outcome for outcome, n in counts.items() if n)
