"""The run book's freshness over the last year, as a chart: per week, how many sections
were fresh, due, stale and never reviewed, read from the daily snapshots the stale scan
records (the week's last one)."""

from datetime import timedelta

from revops import charts
from runbook import selectors

SERIES = [charts.Series("fresh", "Fresh"), charts.Series("due", "Due"),
          charts.Series("stale", "Stale"), charts.Series("never", "Never reviewed")]


def freshness_chart(*, today, weeks=52):
    """One query: the snapshots of the last ``weeks`` weeks (Monday to Sunday, this one
    included). A week with no snapshot (the scan did not run) is a gap."""
    first = today - timedelta(days=today.weekday(), weeks=weeks - 1)
    last_of_week = {}
    for snapshot in selectors.freshness_history(since=first):
        last_of_week[(snapshot.day - first).days // 7] = snapshot
    categories, values = [], []
    for i in range(weeks):
        monday = first + timedelta(weeks=i)
        new_month = i == 0 or monday.month != (monday - timedelta(weeks=1)).month
        categories.append(charts.Category(f"Week of {monday.day} {monday:%b %Y}",
                                          f"{monday:%b}" if new_month else ""))
        s = last_of_week.get(i)
        values.append(None if s is None else [s.fresh, s.due, s.stale, s.never])
    measured = [v for v in values if v is not None]
    if measured:
        now = measured[-1]
        summary = (f"In the latest week {now[0]} sections were fresh, {now[1]} due, "
                   f"{now[2]} stale and {now[3]} never reviewed")
    else:
        summary = "No snapshot has been recorded yet: the daily stale scan records one"
    return charts.stacked_columns(
        id="chart-freshness", title=f"Run-book freshness, last {weeks} weeks",
        description=f"Stacked columns, one per week from {first.day} {first:%B %Y}: the number of "
                    f"sections fresh, due, stale and never reviewed. {summary}.",
        series=SERIES, categories=categories, values=values, category_header="Week",
        size="wide",
    )


def panel(*, user, today):
    """The dashboard's freshness chart: one query. Until the scan has recorded a week
    (an empty install, a new one) there is nothing to draw, and the panel says so
    instead of drawing empty axes."""
    chart = freshness_chart(today=today)
    drawn = not chart.is_empty
    return {"title": "Run book: freshness over the year", "template": "charts/panel.html",
            "charts": [chart] if drawn else [], "wide": True,
            "lede": "Sections per review state at the end of each week, from the daily scan."
            if drawn else "Nothing to chart yet: the daily stale scan records how many "
                          "sections are fresh, due, stale and never reviewed, and this "
                          "chart starts from its first run."}
