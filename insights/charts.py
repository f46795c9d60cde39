"""Each metric's trend as a small server-rendered line chart (``revops.charts``): its
values and its target across the scorecard's periods, a missing value a break in the
line and "no data" in the figures, never a zero."""

from revops import charts

SERIES = [charts.Series("value", "Value"), charts.Series("target", "Target")]
NOUN = {"weekly": "week", "monthly": "month", "quarterly": "quarter"}


def _plain(number):
    return None if number is None else round(float(number), 2)


def trend(row):
    """The chart of one scorecard ``Row``."""
    metric, cells = row.metric, row.cells
    values = [[_plain(c.value), _plain(c.target)] for c in cells]
    largest = max((abs(n) for pair in values for n in pair if n is not None), default=0)
    # A share reads best on its own scale, 0 to 100 %, unless a value is above 100.
    top, step = (100, 25) if metric.unit == "percent" and largest <= 100 \
        else charts.axis_top(largest)
    measured = sum(c.value is not None for c in cells)
    latest = cells[-1]
    return charts.lines(
        id=f"trend-{metric.slug}", size="small",
        title=f"{metric.name}, last {len(cells)} periods",
        description=(f"{metric.name} per {NOUN[metric.period]} against its target; "
                     f"{measured} of {len(cells)} periods have a value. Latest, {latest.period}: "
                     f"{'missing' if latest.value is None else _plain(latest.value)}."),
        series=SERIES, category_header="Period",
        categories=[charts.Category(c.period.key, c.period.key[-3:] if i % 3 == 0 else "")
                    for i, c in enumerate(cells)],
        values=[None if pair == [None, None] else pair for pair in values],
        top=top, step=step)
