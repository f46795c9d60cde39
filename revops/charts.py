"""Charts drawn on the server as SVG: stacked columns, one per category (a week, say),
one stacked bar per series; or lines, one per series across the categories (a quarter,
say), on a fixed scale.

This module computes the geometry; ``templates/charts/stacked_columns.html`` and
``templates/charts/lines.html`` draw it with no script and no inline style (our CSP
allows neither): colours come from the ``chart-fill-<series key>`` and
``chart-stroke-<series key>`` classes in ``static/css/app.css``. Every chart carries an
SVG ``<title>`` and ``<desc>``, a tooltip per bar, a legend in HTML and the same
figures as a table, so it reads without sight and without the picture.
"""

import math
from dataclasses import dataclass, field

LEFT, RIGHT, TOP, BOTTOM = 40, 18, 8, 30  # room for the value axis and the category labels


SIZES = {"wide": (960, 260), "small": (360, 180)}  # the viewBox


@dataclass(frozen=True)
class Series:
    key: str  # the CSS class suffix
    label: str


@dataclass(frozen=True)
class Category:
    label: str  # in tooltips and the table, e.g. "week of 2 Mar 2026"
    tick: str = ""  # under the column, or "" to leave it unlabelled


@dataclass(frozen=True)
class Bar:
    key: str
    x: str
    y: str
    width: str
    height: str
    label: str


@dataclass
class Column:
    category: Category
    values: list  # one per series, or None where nothing was measured
    bars: list = field(default_factory=list)
    tick_x: str = ""


@dataclass(frozen=True)
class Point:
    x: str
    y: str
    label: str


@dataclass(frozen=True)
class Line:
    """One series drawn across the categories: ``path`` joins its points, broken where a
    category has no value."""

    key: str
    label: str
    path: str
    points: tuple


@dataclass
class Chart:
    id: str
    title: str
    description: str
    series: list
    columns: list
    category_header: str
    width: int
    height: int
    size: str  # "wide" (a full-width panel) or "small": the CSS sizes the labels to match
    ticks: list  # (y, value) of the value axis
    baseline: str = ""
    plot_left: int = LEFT
    plot_right: str = ""
    lines: list = field(default_factory=list)  # a line chart's; empty for columns

    @property
    def is_empty(self):
        return all(c.values is None for c in self.columns)


def _px(value):
    return f"{value:.1f}"


def axis_top(largest):
    """The value axis for counts: four whole steps of 1, 2 or 5 × 10ⁿ reaching
    ``largest``. Returns (top, step)."""
    magnitude = 10 ** max(math.floor(math.log10(largest / 4)), 0) if largest > 0 else 1
    for multiple in (1, 2, 5):
        if multiple * magnitude * 4 >= largest:
            return multiple * magnitude * 4, multiple * magnitude
    return 40 * magnitude, 10 * magnitude


def stacked_columns(*, id, title, description, series, categories, values,  # noqa: A002
                    category_header, size="small"):
    """A stacked-column chart, ``size`` "wide" (for a full-width panel) or "small" (for
    a grid of several). ``values[i]`` holds category ``i``'s number per series (in
    ``series`` order, stacked bottom up), or None for a category with no data (drawn as a
    gap and written "no data" in the table)."""
    width, height = SIZES[size]
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    top, step = axis_top(max((sum(v) for v in values if v is not None), default=0))
    scale = plot_h / top
    slot = plot_w / max(len(categories), 1)
    bar_w = max(slot * 0.78, 1)
    baseline = TOP + plot_h
    columns = []
    for i, (category, numbers) in enumerate(zip(categories, values, strict=True)):
        x = LEFT + i * slot + (slot - bar_w) / 2
        column = Column(category, numbers, tick_x=_px(LEFT + (i + 0.5) * slot))
        y = baseline
        for one, n in zip(series, numbers or [0] * len(series), strict=True):
            if n:
                h = n * scale
                y -= h
                column.bars.append(Bar(one.key, _px(x), _px(y), _px(bar_w), _px(h),
                                       f"{category.label}: {n} {one.label.lower()}"))
        columns.append(column)
    ticks = [(_px(baseline - k * step * scale), k * step) for k in range(5)]
    return Chart(id=id, title=title, description=description, series=series,
                 columns=columns, category_header=category_header, width=width,
                 height=height, size=size, ticks=ticks, baseline=_px(baseline),
                 plot_right=_px(width - RIGHT))


def lines(*, id, title, description, series, categories, values,  # noqa: A002
          category_header, top, step, size="wide"):
    """A line chart on a fixed value axis from 0 to ``top`` (ticks every ``step``): one
    line per series across the categories, a dot with a tooltip at every value.
    ``values[i]`` holds category ``i``'s number per series (in ``series`` order), or None
    for a category with no data (the lines break there; "no data" in the table)."""
    width, height = SIZES[size]
    plot_w, plot_h = width - LEFT - RIGHT, height - TOP - BOTTOM
    scale = plot_h / top
    slot = plot_w / max(len(categories), 1)
    baseline = TOP + plot_h
    columns = [Column(category, numbers, tick_x=_px(LEFT + (i + 0.5) * slot))
               for i, (category, numbers) in enumerate(zip(categories, values, strict=True))]
    drawn = []
    for n, one in enumerate(series):
        path, points, pen_down = [], [], False
        for column in columns:
            if column.values is None or column.values[n] is None:
                pen_down = False
                continue
            value = column.values[n]
            x, y = column.tick_x, _px(baseline - value * scale)
            path.append(f"{'L' if pen_down else 'M'}{x} {y}")
            points.append(Point(x, y, f"{column.category.label}: {one.label} {value}"))
            pen_down = True
        drawn.append(Line(one.key, one.label, " ".join(path), tuple(points)))
    ticks = [(_px(baseline - k * step * scale), k * step) for k in range(top // step + 1)]
    return Chart(id=id, title=title, description=description, series=series,
                 columns=columns, category_header=category_header, width=width,
                 height=height, size=size, ticks=ticks, baseline=_px(baseline),
                 plot_right=_px(width - RIGHT), lines=drawn)
