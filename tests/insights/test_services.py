"""Metrics, targets and values on the database: the policy first, all or nothing, the
audit trail and the history of corrections."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from insights import selectors, services
from insights.models import Metric, MetricValue, ReplacedValue, Target
from revops.errors import LineErrors, Refused
from revops.models import AuditEntry, Door
from tests.insights.factories import make_metric, make_velocity, send
from tests.raci import factories as raci

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 12, 7)


def velocity_row(velocity, *, periods):
    return next(r for r in selectors.rows(today=MONDAY, periods=periods)
                if r.metric == velocity)


def test_pipeline_velocity_is_computed_from_its_four_pushed_parts():
    velocity, parts = make_velocity()
    for slug, value in [("opportunities", 40), ("average-deal-size", 25000),
                        ("win-rate", 25), ("sales-cycle-length", 50)]:
        send(parts[slug], "2026-W49", value)
    row = velocity_row(velocity, periods=2)
    assert row.cells[-1].value == Decimal(40 * 25000 * 25 / 100 / 50)  # 5,000 a day
    assert row.cells[0].value is None and "waiting for" in row.cells[0].note


def test_a_zero_part_leaves_the_composite_missing_saying_why():
    velocity, parts = make_velocity()
    for slug, value in [("opportunities", 40), ("average-deal-size", 1), ("win-rate", 1),
                        ("sales-cycle-length", 0)]:
        send(parts[slug], "2026-W49", value)
    cell = velocity_row(velocity, periods=1).cells[0]
    assert cell.value is None and cell.status == "missing" and "zero" in cell.note


@pytest.mark.parametrize("formula, words", [
    ("opportunities / 0", "divides by zero"),
    ("opportunities * bookings", "no metric called bookings"),
    ("opportunities / (win_rate - win_rate)", "divides by zero"),
])
def test_a_bad_composite_formula_is_refused_at_save_time(formula, words):
    make_velocity()
    with pytest.raises(ValidationError) as refused:
        make_metric("broken", formula=formula)
    assert words in refused.value.message_dict["formula"][0]
    assert not Metric.objects.filter(slug="broken").exists()


def test_a_composite_cannot_mix_periods_or_be_sent_values():
    make_metric("opportunities", unit="count", period="monthly")
    with pytest.raises(ValidationError, match="not measured weekly"):
        make_metric("velocity", formula="opportunities * 2")
    velocity = make_metric("monthly-velocity", period="monthly", formula="opportunities * 2")
    with pytest.raises(ValidationError, match="computed from its formula"):
        send(velocity, "2026-11", 3)


def test_resending_the_same_value_changes_nothing_and_a_correction_keeps_the_old_one(lead):
    metric = make_metric()
    assert send(metric, "2026-W49", "31.5", actor=lead, source="warehouse") == "created"
    assert send(metric, "2026-w49", 31.5, actor=lead) == "unchanged"
    assert send(metric, "2026-W49", 33, actor=lead, door=Door.UI) == "updated"
    current = MetricValue.objects.get(metric=metric)
    assert current.value == 33 and current.door == Door.UI and current.source == ""
    old = ReplacedValue.objects.get(current=current)
    assert old.value == Decimal("31.5") and old.source == "warehouse"
    assert old.sent_by == lead and old.door == Door.API
    entries = AuditEntry.objects.filter(object_type="insights.metric", action="value")
    assert [e.changes["value"] for e in entries.order_by("id")] == [
        [None, "31.5000"], ["31.5000", "33.0000"]]


def test_many_values_are_all_or_nothing_with_each_bad_line_named(lead):
    metric = make_metric()
    monthly = make_metric("bookings", unit="currency", period="monthly")
    with pytest.raises(LineErrors) as refused:
        services.values_record_many(lines=[
            {"metric": "win-rate", "period": "2026-W48", "value": 30},
            {"metric": "bookings", "period": "2026-W48", "value": 10},
            {"metric": "nope", "period": "2026-W48", "value": 1},
            {"metric": "win-rate", "period": "2026-W48", "value": "many"},
            {"metric": "win-rate", "period": "2026-W48", "value": 31},
        ], actor=lead, door=Door.API)
    assert [n for n, _ in refused.value.bad_lines()] == [2, 3, 4, 5]
    problems = dict(refused.value.bad_lines())
    assert "period" in problems[2] and "monthly" in problems[2]["period"][0]
    assert "metric" in problems[3] and "value" in problems[4]
    assert "twice" in problems[5]["period"][0]
    assert not MetricValue.objects.filter(metric__in=[metric, monthly]).exists()


def test_a_viewer_may_not_send_values_nor_a_head_for_another_function(viewer, sales_head):
    metric = make_metric()
    for person in (viewer, sales_head):
        with pytest.raises(Refused):
            send(metric, "2026-W49", 1, actor=person)
    owned = make_metric("sales-calls", unit="count", owner="sales")
    send(owned, "2026-W49", 1, actor=sales_head)
    assert MetricValue.objects.filter(metric=owned).count() == 1


def test_a_target_applies_from_its_period_until_a_later_one(lead):
    metric = make_metric(target=20, warning=5)
    services.target_set(metric=metric, period="2026-W49", target=30, warning=2, actor=lead,
                        door=Door.UI)
    send(metric, "2026-W48", 21)
    send(metric, "2026-W49", 29)
    cells = selectors.rows(today=MONDAY, periods=2)[0].cells
    assert [(c.target, c.status) for c in cells] == [(20, "on_track"), (30, "warning")]
    assert Target.objects.filter(metric=metric).count() == 2
    with pytest.raises(ValidationError, match="weekly"):
        services.target_set(metric=metric, period="2026-12", target=1, actor=lead,
                            door=Door.UI)


def test_the_insights_accountable_owns_a_metric_without_an_owner(marketing_head):
    metric = make_metric()
    with pytest.raises(Refused):
        send(metric, "2026-W49", 1, actor=marketing_head)
    raci.row(raci.matrix(), "Insights and analytics", {"marketing": "A"}, layer="insights")
    assert selectors.rows(today=MONDAY, periods=1)[0].owner.slug == "marketing"
    send(metric, "2026-W49", 1, actor=marketing_head)
    assert MetricValue.objects.get(metric=metric).sent_by == marketing_head


def test_search_finds_a_metric_by_name_and_by_a_part_of_its_formula(api, viewer):
    make_velocity()
    client = api.as_user(viewer)
    found = client.get("/api/v1/search/", {"q": "win rate", "type": "metric"}).json()
    assert found["results"][0]["title"] == "Win rate"  # the title match first
    assert found["results"][0]["url"] == "/scorecard/#metric-win-rate"
    by_formula = client.get("/api/v1/search/", {"q": "sales_cycle_length"}).json()
    assert "Pipeline velocity" in [hit["title"] for hit in by_formula["results"]]
