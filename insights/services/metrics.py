"""Metrics made on a definition, changed, and given a target per period."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from insights import rules
from insights.models import Metric, Target
from insights.services.owners import locked_for_change
from revops import audit, events, fiscal, policy
from revops.models import Layer

FIELDS = ["name", "layer", "unit", "direction", "period", "owner", "formula"]
MAX_DIGITS = 16  # before the point: DecimalField(max_digits=20, decimal_places=4)
FROM_THE_START = date(fiscal.FIRST_YEAR, 1, 1)  # a target given for every period


def number(raw, field):
    """``raw`` as a Decimal of at most four decimals, or a ValidationError on ``field``."""
    try:
        value = Decimal(str(raw).strip()) if not isinstance(raw, bool) else None
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite():
        raise ValidationError({field: "Send a number, e.g. 42 or 0.35."})
    if value.adjusted() >= MAX_DIGITS:
        raise ValidationError({field: f"Keep the number under {MAX_DIGITS} digits before the "
                                      f"point."})
    return value.quantize(Decimal("0.0001"))


def check_formula(formula, *, period, exclude=None):
    """The formula's parts, or a ValidationError on ``formula``: it names metrics that
    exist, hold values of their own (not composite) and share the composite's period, and
    it cannot divide by zero."""
    parts = {m.variable: m for m in Metric.objects.filter(formula="")
             .exclude(pk=getattr(exclude, "pk", None))}
    try:
        names = rules.check_formula(formula, set(parts))
    except rules.FormulaError as problem:
        raise ValidationError({"formula": str(problem)}) from None
    other = [parts[n].name for n in names if parts[n].period != period]
    if other:
        raise ValidationError({"formula": f"{', '.join(other)} is not measured {period}: a "
                                          f"composite's parts share its period."})
    return [parts[n] for n in names]


def _clean(metric):
    metric.name = " ".join((metric.name or "").split())
    if not metric.name:
        raise ValidationError({"name": "Name the metric."})
    metric.formula = " ".join((metric.formula or "").split())
    if metric.formula:
        check_formula(metric.formula, period=metric.period, exclude=metric)
    metric.full_clean(exclude=["definition"], validate_constraints=False)


@transaction.atomic
def metric_create(*, definition, unit, actor, door, direction=Metric.Direction.HIGHER,
                  period=Metric.Cadence.WEEKLY, owner=None, formula="", slug="", name="",
                  position=0, target=None, warning=None, starting=None):
    """A metric on ``definition`` (its meaning and formula in words stay there), named and
    slugged after it unless told. Leads may make one for any function, a head for the
    function they head. ``target`` (and its ``warning`` band) applies from the period
    ``starting`` (a key, e.g. ``2026-W49``), or from the beginning of time."""
    policy.require_own(actor, owner)
    slug = slugify(slug or definition.slug)[:60]
    if not slug or slug == "values":  # /api/v1/metrics/values/ is the bulk endpoint
        raise ValidationError({"slug": "The metric needs a slug of letters and digits, "
                                       "other than “values”."})
    if slug in {plan.key for plan in rules.SYSTEM}:
        raise ValidationError({"slug": f"“{slug}” is a system metric's: the app computes "
                                       f"it. Choose another slug."})
    if Metric.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": f"A metric “{slug}” already exists."})
    metric = Metric(slug=slug, name=name or definition.term, definition=definition,
                    layer=definition.layer or Layer.INSIGHTS, unit=unit, direction=direction,
                    period=period, owner=owner, formula=formula, position=position)
    _clean(metric)
    metric.save()
    audit.record(actor=actor, door=door, action="create", obj=metric,
                 changes=audit.snapshot(metric, ["slug", "definition", *FIELDS]))
    if target is not None:
        _target_write(metric=metric, period=starting, target=target, warning=warning or 0,
                      actor=actor, door=door)
    return metric


@transaction.atomic
def metric_update(*, metric, actor, door, **changes):
    """Change a metric's ``FIELDS``. Its period stays once it has values (they are keyed
    by it); a new owner is for leads only."""
    metric = locked_for_change(actor, metric)
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ValueError(f"metric_update takes {FIELDS}, not {sorted(unknown)}")
    if "owner" in changes and changes["owner"] != metric.owner:
        policy.require_hand_over(actor)
    if changes.get("period", metric.period) != metric.period and metric.values.exists():
        raise ValidationError({"period": "The metric has values for its periods: make a new "
                                         "metric to measure it another way."})
    before = audit.snapshot(metric, FIELDS)
    for field, value in changes.items():
        setattr(metric, field, value)
    _clean(metric)
    metric.save()
    diff = audit.changes_between(before, audit.snapshot(metric, FIELDS))
    if diff:
        audit.record(actor=actor, door=door, action="update", obj=metric, changes=diff)
    return metric


def _target_write(*, metric, period, target, warning, actor, door):
    if period:
        try:
            starts = rules.parse_period(metric.period, period,
                                        start_month=fiscal.start_month())
        except ValueError as problem:
            raise ValidationError({"period": str(problem)}) from None
        key, first_day = starts.key, starts.start
    else:
        key, first_day = "", FROM_THE_START
    target, warning = number(target, "target"), number(warning, "warning")
    if warning < 0:
        raise ValidationError({"warning": "The warning band is a width: zero or more."})
    row, made = Target.objects.update_or_create(
        metric=metric, starts=first_day,
        defaults={"period": key, "target": target, "warning": warning})
    audit.record(actor=actor, door=door, action="target", obj=metric, changes={
        "period": key or "from the start", "target": target, "warning": warning})
    events.emit("metric.target_set", {"metric": metric.slug, "period": key or None,
                                      "target": str(target), "warning": str(warning)})
    return row


@transaction.atomic
def target_set(*, metric, target, actor, door, warning=0, period=""):
    """The metric's target and warning band from ``period`` on (every period when
    empty), until a later one: leads, or the head of the metric's owner."""
    metric = locked_for_change(actor, metric)
    return _target_write(metric=metric, period=period, target=target, warning=warning,
                         actor=actor, door=door)
