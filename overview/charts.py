"""The maturity history as a chart: one line per pillar across the fiscal quarters."""

from overview import maturity
from revops import charts, fiscal

SERIES = [charts.Series(p, maturity.PILLAR_LABELS[p]) for p in maturity.PILLARS]


def maturity_chart(assessments, *, quarters):
    """A line chart of the pillar scores over ``quarters`` (``FiscalQuarter``s, oldest
    first), from ``assessments`` (any order; no query). A quarter with no assessment is a
    gap in every line and "no data" in the table."""
    by_start = {a.quarter_start: a for a in assessments}
    values = [[by_start[q.start].scores[p] for p in maturity.PILLARS]
              if q.start in by_start else None for q in quarters]
    assessed = sum(v is not None for v in values)
    latest = next((by_start[q.start] for q in reversed(quarters) if q.start in by_start),
                  None)
    summary = (f" Latest, {latest.quarter}: " + ", ".join(
        f"{label.lower()} {score}" for _, label, score, _, _ in latest.pillars())
        + f"; stage {latest.stage.name}." if latest else "")
    return charts.lines(
        id="chart-maturity",
        title=f"Maturity by pillar, last {len(quarters)} fiscal quarters",
        description=f"One line per pillar (people, process, data, technology), scored "
                    f"{maturity.MIN_SCORE} to {maturity.MAX_SCORE} each quarter; "
                    f"{assessed} of {len(quarters)} quarters assessed.{summary}",
        series=SERIES, category_header="Fiscal quarter",
        categories=[charts.Category(str(q), str(q)) for q in quarters],
        values=values, top=maturity.MAX_SCORE, step=2,
    )


def quarters_up_to(current, *, count):
    """The ``count`` fiscal quarters ending with ``current`` (a ``FiscalQuarter``), oldest
    first."""
    index = fiscal.quarter_index(current.start)
    return [fiscal.quarter_by_index(i) for i in range(index - count + 1, index + 1)]
