"""What the scorecard adds to the pages of lower layers (``registry.add_panel``): the
occurrence page of a ritual that reviews metrics gets the period's inputs, so the
metrics are entered at the ritual that reviews them."""

from django.utils import timezone

from insights import rules, selectors
from revops import policy
from revops.models import Layer
from runbook.choices import SectionKind


def reviews_metrics(ritual):
    """A ritual reviews the metrics of its cadence when it serves the insights layer or
    its output is the run book's insights section (the funnel review)."""
    section = ritual.output_section
    serves = ritual.layer == Layer.INSIGHTS or (
        section is not None and section.kind == SectionKind.INSIGHTS)
    return ritual.horizon in rules.EXAMPLES and serves


def reviewed_period(occurrence):
    """``(day, period)``: the period an occurrence of a ritual that reviews metrics
    reviews, the last of its cadence that closed before the day it is held (Wednesday's
    funnel review: last week); None for other rituals."""
    ritual = occurrence.ritual
    if not reviews_metrics(ritual):
        return None
    day = timezone.localdate(occurrence.scheduled_for)
    return day, rules.last_closed(ritual.horizon, day)


def occurrence_inputs(*, occurrence, user, **_context):
    """The metrics of the ritual's cadence that hold values of their own, with the
    reviewed period's value; an input for each that ``user`` may change."""
    reviewed = reviewed_period(occurrence)
    if reviewed is None:
        return None
    day, period = reviewed
    rows = [r for r in selectors.rows(today=day, periods=1)
            if r.metric.period == occurrence.ritual.horizon
            and not r.metric.formula and not r.metric.system]
    if not rows:
        return None
    for row in rows:
        row.can_enter = policy.can_change(user, row.metric)
    return {"title": f"Metrics for {period.key}", "anchor": "metrics",
            "template": "insights/_occurrence_inputs.html", "rows": rows, "period": period,
            "occurrence": occurrence, "can_enter": any(r.can_enter for r in rows)}
