"""Adherence per horizon per week, as charts: one small chart per horizon, a column per
week stacking the occurrences held, skipped and missed (``cadence.adherence``)."""

from django.urls import reverse

from cadence import adherence
from cadence.models import Horizon
from revops import charts

SERIES = [charts.Series("held", "Held"), charts.Series("skipped", "Skipped"),
          charts.Series("missed", "Missed")]


def adherence_charts(report):
    """Four charts from one ``adherence.Adherence`` (no query)."""
    categories = [
        charts.Category(f"Week of {w.start.day} {w.start:%b %Y}",
                        f"{w.start.day} {w.start:%b}" if i % 4 == 0 else "")
        for i, w in enumerate(report.by_week)
    ]
    result = []
    for horizon in Horizon:
        tally = report.by_horizon[horizon.value]
        rate = ("nothing recorded" if tally.held_rate is None
                else f"{tally.held_percent}% held ({tally.held} of {tally.recorded})")
        result.append(charts.stacked_columns(
            id=f"chart-adherence-{horizon.value}",
            title=f"{horizon.label} rituals, last {report.weeks} weeks",
            description=f"Stacked columns, one per week: the {horizon.label.lower()} "
                        f"occurrences held, skipped and missed. Over the {report.weeks} "
                        f"weeks: {rate}.",
            series=SERIES, categories=categories, category_header="Week",
            values=[[w.by_horizon[horizon.value].held, w.by_horizon[horizon.value].skipped,
                     w.by_horizon[horizon.value].missed] for w in report.by_week],
        ))
    return result


def panel(*, user, today):
    """The dashboard's adherence charts over the last 13 weeks: one query."""
    weeks = adherence.WINDOWS[-1]
    return {"title": f"Cadence: adherence per week, last {weeks} weeks",
            "template": "charts/panel.html", "wide": True,
            "charts": adherence_charts(adherence.adherence(weeks=weeks)),
            "lede": "Occurrences held, skipped and missed each week, per horizon.",
            "link": reverse("cadence:index") + "#adherence-title",
            "link_text": "Adherence per owner function"}
