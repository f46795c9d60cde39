"""The SVG chart builder: the value axis, stacked geometry, gaps, and a template that
carries a title, a description, a legend and the figures as a table — with no inline
style or script for the CSP to refuse."""

import pytest
from django.template.loader import render_to_string

from revops import charts

SERIES = [charts.Series("held", "Held"), charts.Series("missed", "Missed")]


@pytest.mark.parametrize(("largest", "top", "step"), [
    (0, 4, 1), (1, 4, 1), (4, 4, 1), (5, 8, 2), (9, 20, 5), (20, 20, 5), (21, 40, 10),
    (39, 40, 10), (41, 80, 20), (170, 200, 50), (401, 800, 200),
])
def test_the_value_axis_is_four_round_steps_reaching_the_largest(largest, top, step):
    assert charts.axis_top(largest) == (top, step)


def chart(values):
    return charts.stacked_columns(
        id="chart-test", title="Test <chart>", description="Two weeks & a gap.",
        series=SERIES, category_header="Week",
        categories=[charts.Category(f"Week {i}", "W" if i == 0 else "")
                    for i in range(len(values))],
        values=values,
    )


def test_bars_stack_bottom_up_in_series_order_and_a_gap_draws_nothing():
    made = chart([[3, 1], None, [0, 4]])
    # A small chart's plot is 180 - 8 - 30 = 142 high, from y 8 to 150; the top is 4.
    first, gap, last = made.columns
    assert [(b.key, b.y, b.height) for b in first.bars] == [
        ("held", "43.5", "106.5"), ("missed", "8.0", "35.5")]
    assert gap.bars == [] and gap.values is None
    assert [(b.key, b.y, b.height) for b in last.bars] == [("missed", "8.0", "142.0")]
    assert first.bars[0].label == "Week 0: 3 held"
    assert [t[1] for t in made.ticks] == [0, 1, 2, 3, 4]
    assert not made.is_empty and chart([None, None]).is_empty


def test_the_template_has_title_desc_legend_and_the_figures_without_inline_style():
    html = render_to_string("charts/stacked_columns.html", {"chart": chart([[3, 1], None])})

    assert '<svg class="chart-svg" role="img"' in html
    assert '<title id="chart-test-title">Test &lt;chart&gt;</title>' in html
    assert '<desc id="chart-test-desc">Two weeks &amp; a gap.</desc>' in html
    assert 'aria-labelledby="chart-test-title chart-test-desc"' in html
    assert "<title>Week 0: 3 held</title>" in html
    assert "<details" in html and "<th scope=\"row\">Week 1</th><td colspan=\"2\">no data" in html
    assert "<td>3</td><td>1</td>" in html
    assert "style=" not in html and "<script" not in html


PILLARS = [charts.Series("people", "People"), charts.Series("data", "Data")]


def line_chart(values):
    return charts.lines(
        id="chart-lines", title="Scores <by quarter>", description="Two lines & a gap.",
        series=PILLARS, category_header="Quarter", top=8, step=2,
        categories=[charts.Category(f"Q{i}", f"Q{i}") for i in range(len(values))],
        values=values,
    )


def test_lines_join_each_series_on_a_fixed_axis_and_break_at_a_gap():
    made = line_chart([[2, 8], None, [4, None], [6, 0]])
    # A wide chart's plot is 260 - 8 - 30 = 222 high, from y 8 to 230; the top is 8.
    people, data = made.lines
    assert [(p.y, p.label) for p in people.points] == [
        ("174.5", "Q0: People 2"), ("119.0", "Q2: People 4"), ("63.5", "Q3: People 6")]
    assert people.path.count("M") == 2 and people.path.count("L") == 1  # broken at Q1
    assert [p.y for p in data.points] == ["8.0", "230.0"]
    assert data.path.count("M") == 2 and "L" not in data.path  # two lone dots
    assert [t[1] for t in made.ticks] == [0, 2, 4, 6, 8]
    assert [c.values for c in made.columns] == [[2, 8], None, [4, None], [6, 0]]


def test_the_line_template_has_title_desc_legend_and_figures_without_inline_style():
    html = render_to_string("charts/lines.html", {"chart": line_chart([[3, 1], None])})

    assert '<svg class="chart-svg" role="img"' in html
    assert '<title id="chart-lines-title">Scores &lt;by quarter&gt;</title>' in html
    assert '<desc id="chart-lines-desc">Two lines &amp; a gap.</desc>' in html
    assert "<title>Q0: People 3</title>" in html
    assert 'class="chart-line chart-stroke-people"' in html
    assert "<details" in html and "<th scope=\"row\">Q1</th><td colspan=\"2\">no data" in html
    assert "style=" not in html and "<script" not in html
