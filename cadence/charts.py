"""The cadence's charts: adherence per horizon per week, one small chart per horizon, a
column per week stacking the occurrences held, skipped and missed
(``cadence.adherence``); a ritual's rating over its last meetings (``cadence.rollup``)."""

from django.urls import reverse

from cadence import adherence, rules
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


RATING = [charts.Series("rating", "Rating")]


def rating_chart(ritual, rated):
    """A line of the rating of ``rated`` (``[(occurrence, rating)]``, oldest first), on
    the rating's whole scale; None when no meeting was rated."""
    if not rated:
        return None
    ratings = [rating for _, rating in rated]
    average = sum(ratings) / len(ratings)
    return charts.lines(
        id=f"chart-rating-{ritual.pk}", title=f"How useful {ritual.name} was",
        description=f"A line through the rating ({rules.RATING_MIN} to {rules.RATING_MAX}) "
                    f"of the last {len(rated)} rated meetings, oldest first; "
                    f"{average:.1f} on average, {ratings[-1]} the last time.",
        series=RATING, category_header="Meeting",
        categories=[charts.Category(f"{o.local_time:%d %b %Y}", f"{o.local_time:%d %b}")
                    for o, _ in rated],
        values=[[rating] for rating in ratings], top=rules.RATING_MAX, step=2, size="small")
