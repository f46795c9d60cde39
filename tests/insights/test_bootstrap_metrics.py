"""Each motion starts with its metrics, on definitions, with targets; the hybrid has
both motions' and the hand-off's; pipeline velocity is a composite of its four parts."""

from datetime import date

import pytest
import time_machine

from insights.models import Metric, Target
from overview import bootstrap

pytestmark = pytest.mark.django_db

SALES = {"speed-to-lead", "mql-to-sql-conversion", "stage-aging", "win-rate",
         "pipeline-coverage", "pipeline-velocity"}
PRODUCT = {"activation", "pql-to-paid", "expansion-revenue"}


@pytest.mark.parametrize("motion, wanted, unwanted", [
    ("sales-led", SALES, PRODUCT),
    ("product-led", PRODUCT, SALES),
    ("hybrid", SALES | PRODUCT | {"pql-handoff-acceptance"}, set()),
])
def test_each_motion_starts_with_its_metrics(lead, motion, wanted, unwanted):
    bootstrap.bootstrap(motion=motion, actor=lead, door="cli")
    slugs = set(Metric.objects.values_list("slug", flat=True))
    assert wanted <= slugs and not unwanted & slugs
    assert not Metric.objects.filter(definition__isnull=True).exists()
    assert Target.objects.filter(metric__slug__in=wanted).count() == len(wanted)


def test_velocity_is_a_composite_on_the_sales_velocity_definition(lead):
    bootstrap.bootstrap(motion="sales-led", actor=lead, door="cli")
    velocity = Metric.objects.get(slug="pipeline-velocity")
    assert velocity.definition.slug == "sales-velocity"
    assert all(part in velocity.formula for part in
               ["opportunities", "average_deal_size", "win_rate", "sales_cycle_length"])


def test_replacing_the_model_keeps_the_metrics_and_their_values(lead):
    from tests.insights.factories import send

    bootstrap.bootstrap(motion="sales-led", actor=lead, door="cli")
    send(Metric.objects.get(slug="win-rate"), "2026-W49", 20)
    bootstrap.bootstrap(motion="hybrid", actor=lead, door="cli", replace=True)
    assert Metric.objects.filter(slug="win-rate").count() == 1
    assert Metric.objects.get(slug="win-rate").values.count() == 1
    assert Metric.objects.filter(slug="activation").exists()


@time_machine.travel(date(2026, 12, 7), tick=False)
def test_the_seeds_velocity_is_computed_from_its_four_parts_pushed_by_the_api(api, lead):
    bootstrap.bootstrap(motion="sales-led", actor=lead, door="cli")
    lines = [{"metric": slug, "period": "2026-W49", "value": value} for slug, value in [
        ("opportunities", 40), ("average-deal-size", 25000), ("win-rate", 25),
        ("sales-cycle-length", 50)]]
    client = api.as_user(lead)
    assert client.post("/api/v1/metrics/values/", {"values": lines},
                       format="json").json()["created"] == 4
    rows = {r["metric"]: r for r in client.get("/api/v1/scorecard/", {"periods": 1}).json()}
    cell = rows["pipeline-velocity"]["values"][0]
    assert cell["value"] == "5000.0000"  # 40 × 25,000 × 25 % ÷ 50 days
    assert cell["status"] == "on_track"  # the seed's target is 4,000 a day
