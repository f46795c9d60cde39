"""Shared reads of the scorecard for its page, its endpoint, the off-track scan, the
maturity page and ``overview``. A fixed number of queries however many metrics and
values there are."""

from dataclasses import dataclass, field
from datetime import timedelta

from insights import rules
from insights.models import Metric, MetricValue, OffTrack, Target
from insights.services.owners import with_owner
from revops import fiscal
from revops.models import Function, Layer

DEFAULT_PERIODS = 13
MAX_PERIODS = 52


@dataclass
class Cell:
    period: rules.Period
    value: object  # Decimal, or None when missing
    target: object
    warning: object
    status: str
    sender: str = ""
    note: str = ""  # why a composite has no value (a part missing, a division by zero)

    @property
    def status_label(self):
        return rules.STATUS_LABELS[self.status]


@dataclass
class Row:
    metric: Metric
    owner: Function | None
    cells: list
    open_item: OffTrack | None = None

    @property
    def latest(self):
        return self.cells[-1] if self.cells else None


@dataclass
class Group:
    layer: str
    label: str
    rows: list = field(default_factory=list)


def metrics():
    """Every metric with its definition and owner, ``owning_function_id`` resolved."""
    return with_owner(list(Metric.objects.select_related("definition", "owner")))


def metrics_to_search():
    return Metric.objects.all()


def metric_slugs():
    return set(Metric.objects.values_list("slug", flat=True))


def _target_for(targets, period):
    """The target row in force for ``period``: the latest starting on or before it."""
    for target in targets:  # newest first
        if target.starts <= period.start:
            return target
    return None


def rows(*, today, periods=DEFAULT_PERIODS):
    """One ``Row`` per metric, each with its last ``periods`` closed periods as cells,
    oldest first. Composite metrics are computed
    from their parts' values of the same period. Five queries."""
    start_month = fiscal.start_month()
    every = metrics()
    by_variable = {m.variable: m for m in every if not m.formula}
    spans = {m.pk: rules.closed_periods(m.period, today, periods, start_month=start_month)
             for m in every}
    values = {}
    if spans:
        # One range for all: a value outside its own metric's span is never looked up.
        for value in MetricValue.objects.filter(
                starts__gte=min(span[0].start for span in spans.values()),
                starts__lte=max(span[-1].start for span in spans.values())):
            values[(value.metric_id, value.period)] = value
    targets = {}
    for target in Target.objects.filter(metric__in=spans):
        targets.setdefault(target.metric_id, []).append(target)
    open_items = {item.metric_id: item for item in OffTrack.objects.filter(
        cleared_at__isnull=True, metric__in=[m.pk for m in every])}
    functions = {f.pk: f for f in Function.objects.all()}
    made = []
    for metric in every:
        cells = []
        for period in spans[metric.pk]:
            value, sender, note = _value(metric, period, values, by_variable)
            target = _target_for(targets.get(metric.pk, ()), period)
            cells.append(Cell(
                period=period, value=value, sender=sender, note=note,
                target=target.target if target else None,
                warning=target.warning if target else None,
                status=rules.status(value, target=target.target if target else None,
                                    warning=target.warning if target else None,
                                    higher_is_better=metric.higher_is_better)))
        made.append(Row(metric=metric, owner=functions.get(metric.owning_function_id),
                        cells=cells, open_item=open_items.get(metric.pk)))
    return made


def _value(metric, period, values, by_variable):
    """``(value, sender, note)`` of ``metric`` for ``period``."""
    if not metric.formula:
        stored = values.get((metric.pk, period.key))
        return (stored.value, stored.sender, "") if stored else (None, "", "")
    parts = {}
    for name in rules.formula_names(metric.formula):
        part = by_variable.get(name)
        stored = values.get((part.pk, period.key)) if part else None
        parts[name] = stored.value if stored else None
    missing = [by_variable[n].name if n in by_variable else n for n, v in parts.items()
               if v is None]
    if missing:
        return None, "", f"waiting for {', '.join(missing)}"
    try:
        return rules.evaluate(metric.formula, parts), "computed", ""
    except ZeroDivisionError:
        return None, "", "a part it divides by is zero"


SYSTEM_GROUP = "system"


def scorecard(*, today, periods=DEFAULT_PERIODS):
    """The metrics grouped by layer, in the layers' order; the system metrics (the
    model's own health) after them, as a group of their own."""
    groups = {layer: Group(layer, label) for layer, label in Layer.choices}
    groups[SYSTEM_GROUP] = Group(SYSTEM_GROUP, "The model's own health (system metrics)")
    for row in rows(today=today, periods=periods):
        groups[SYSTEM_GROUP if row.metric.system else row.metric.layer].rows.append(row)
    return [group for group in groups.values() if group.rows]


def open_items(*, function_ids=None):
    """Open off-track items (``function_ids``: those whose metric's owner is one of
    them), newest first."""
    items = list(OffTrack.objects.filter(cleared_at__isnull=True)
                 .select_related("metric").order_by("-raised_at"))
    with_owner([item.metric for item in items])
    if function_ids is not None:
        items = [item for item in items if item.metric.owning_function_id in function_ids]
    return items


@dataclass
class Evidence:
    metric: Metric
    value: MetricValue
    target: Target | None
    status: str

    @property
    def status_label(self):
        return rules.STATUS_LABELS[self.status]


def system_evidence(*, today):
    """Each system metric's latest value (this week's, else the latest within a month)
    with its status: what the maturity page shows beside the self-assessment. Three
    queries."""
    system = {m.pk: m for m in Metric.objects.exclude(system="")}
    latest = {}
    for value in MetricValue.objects.filter(
            metric__in=system, starts__gte=today - timedelta(days=31)).order_by("-starts"):
        latest.setdefault(value.metric_id, value)
    targets = {}
    for target in Target.objects.filter(metric__in=system):
        targets.setdefault(target.metric_id, []).append(target)
    shown = []
    for metric_id, value in latest.items():
        metric = system[metric_id]
        period = rules.Period(value.period, value.starts, value.starts)
        target = _target_for(targets.get(metric_id, ()), period)
        shown.append(Evidence(metric, value, target, rules.status(
            value.value, target=target.target if target else None,
            warning=target.warning if target else None,
            higher_is_better=metric.higher_is_better)))
    return sorted(shown, key=lambda e: (e.metric.position, e.metric.name))
