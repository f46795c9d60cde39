"""``/api/v1/metrics/…`` and ``/api/v1/scorecard/`` as an integration uses them: a
warehouse job with a ``metrics:write`` token sends values again and again, one at a time
or thousands at once; a bad line refuses the whole call naming it; nothing else takes
that token, and that endpoint takes no other."""

import json
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insights import services as insights_services
from insights.models import Metric, MetricValue, ReplacedValue
from revops import services
from revops.models import Door
from tests.insights.factories import make_metric, make_velocity

pytestmark = pytest.mark.django_db
BULK = "/api/v1/metrics/values/"


def value_url(slug, period):
    return f"/api/v1/metrics/{slug}/values/{period}/"


@pytest.fixture
def warehouse(api, lead):
    """The API client carrying a lead's ``metrics:write`` token."""
    _, raw = services.api_token_create(actor=lead, door=Door.CLI, user=lead, name="dwh",
                                       scope="metrics:write")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return api


def with_token(api, user, scope):
    _, raw = services.api_token_create(actor=user, door=Door.CLI, user=user, name=scope,
                                       scope=scope)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return api


def test_putting_a_value_again_is_idempotent_and_a_correction_keeps_the_old(warehouse):
    make_metric()
    first = warehouse.put(value_url("win-rate", "2026-W49"), {"value": "31.5",
                                                              "source": "dbt nightly"},
                          format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["result"] == "created" and first.json()["source"] == "dbt nightly"
    again = warehouse.put(value_url("win-rate", "2026-w49"), {"value": 31.5}, format="json")
    assert again.status_code == 200 and again.json()["result"] == "unchanged"
    fixed = warehouse.put(value_url("win-rate", "2026-W49"), {"value": 32}, format="json")
    assert fixed.json()["result"] == "updated" and fixed.json()["value"] == "32.0000"
    assert fixed.json()["sent_by"] == "lead" and fixed.json()["door"] == "api"
    assert MetricValue.objects.count() == 1
    assert list(ReplacedValue.objects.values_list("value", "source")) == [(31.5, "dbt nightly")]


@pytest.mark.parametrize("period", ["2026-12", "FY2026-Q4", "2026-W54", "week 49"])
def test_a_period_that_does_not_fit_the_cadence_is_a_400_naming_period(warehouse, period):
    make_metric()
    response = warehouse.put(value_url("win-rate", period), {"value": 1}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["period"]
    assert "2026-W49" in response.json()["period"][0]
    assert not MetricValue.objects.exists()


@pytest.mark.parametrize("value", ["lots", None, True, {"a": 1}, "1e400", "NaN"])
def test_a_value_that_is_not_a_number_is_a_400_naming_value(warehouse, value):
    make_metric()
    response = warehouse.put(value_url("win-rate", "2026-W49"), {"value": value},
                             format="json")
    assert response.status_code == 400 and "value" in response.json(), response.json()


def test_an_unknown_metric_is_a_404(warehouse):
    assert warehouse.put(value_url("nope", "2026-W49"), {"value": 1},
                         format="json").status_code == 404


def test_bulk_is_all_or_nothing_naming_each_bad_line(warehouse):
    make_metric()
    make_metric("bookings", unit="currency", period="monthly")
    lines = [{"metric": "win-rate", "period": f"2026-W{w}", "value": w} for w in range(40, 50)]
    bad = [*lines, {"metric": "bookings", "period": "2026-W49", "value": 1},
           {"metric": "win-rate", "period": "2026-W41", "value": "x"}]
    response = warehouse.post(BULK, {"values": bad}, format="json")
    assert response.status_code == 400
    assert response.json() == {"values": [
        {"line": 11, "period": [response.json()["values"][0]["period"][0]]},
        {"line": 12, "period": [response.json()["values"][1]["period"][0]],
         "value": ["Send a number, e.g. 42 or 0.35."]}]}
    assert "monthly" in response.json()["values"][0]["period"][0]
    assert not MetricValue.objects.exists()
    good = warehouse.post(BULK, {"values": lines, "source": "warehouse"}, format="json")
    assert good.json() == {"created": 10, "updated": 0, "unchanged": 0}
    resent = warehouse.post(BULK, {"values": lines}, format="json")
    assert resent.json() == {"created": 0, "updated": 0, "unchanged": 10}


@pytest.mark.parametrize("body", [{}, {"values": []}, {"values": "x"}, {"values": [1]},
                                  {"values": [{"metric": ["x"], "period": 3}]}])
def test_a_malformed_bulk_body_is_a_400_never_a_500(warehouse, body):
    make_metric()
    response = warehouse.post(BULK, body, format="json")
    assert response.status_code == 400 and "values" in response.json(), response.json()


@pytest.mark.parametrize("scope", ["read", "write"])
def test_a_token_without_the_metrics_scope_is_refused_on_the_value_endpoints(api, lead, scope):
    make_metric()
    client = with_token(api, lead, scope)
    put = client.put(value_url("win-rate", "2026-W49"), {"value": 1}, format="json")
    bulk = client.post(BULK, {"values": [{"metric": "win-rate", "period": "2026-W49",
                                          "value": 1}]}, format="json")
    assert put.status_code == bulk.status_code == 403
    assert "metrics:write" in put.json()["detail"]
    assert not MetricValue.objects.exists()


def test_the_metrics_token_works_nowhere_else(warehouse):
    for url in ["/api/v1/scorecard/", "/api/v1/runbooks/", "/api/v1/metrics/"]:
        response = warehouse.get(url)
        assert response.status_code == 403 and "metrics:write" in response.json()["detail"]


def test_a_metrics_token_of_a_viewer_sends_nothing(api, viewer):
    make_metric()
    client = with_token(api, viewer, "metrics:write")
    response = client.put(value_url("win-rate", "2026-W49"), {"value": 1}, format="json")
    assert response.status_code == 403 and not MetricValue.objects.exists()


def test_a_signed_in_lead_may_send_values_without_a_token(api, lead):
    make_metric()
    response = api.as_user(lead).put(value_url("win-rate", "2026-W49"), {"value": 3},
                                     format="json")
    assert response.status_code == 201


@time_machine.travel(date(2026, 12, 7), tick=False)
def test_the_scorecard_shows_velocity_from_four_pushed_parts_and_missing_as_null(warehouse,
                                                                                  api, viewer):
    make_velocity()
    lines = [{"metric": slug, "period": "2026-W49", "value": value} for slug, value in [
        ("opportunities", 40), ("average-deal-size", 25000), ("win-rate", 25),
        ("sales-cycle-length", 50)]]
    assert warehouse.post(BULK, {"values": lines}, format="json").status_code == 200
    api.credentials()
    rows = {r["metric"]: r for r in api.as_user(viewer).get(
        "/api/v1/scorecard/", {"periods": 3}).json()}
    velocity = rows["pipeline-velocity"]
    assert [c["period"] for c in velocity["values"]] == ["2026-W47", "2026-W48", "2026-W49"]
    assert [c["value"] for c in velocity["values"]] == [None, None, "5000.0000"]
    assert velocity["values"][0]["status"] == "missing"
    assert velocity["formula"].startswith("opportunities")


@pytest.mark.parametrize("periods", ["0", "53", "x", "-1"])
def test_the_scorecard_refuses_a_bad_number_of_periods(api, viewer, periods):
    response = api.as_user(viewer).get("/api/v1/scorecard/", {"periods": periods})
    assert response.status_code == 400 and "periods" in response.json()


def _bulk_metrics(count):
    Metric.objects.bulk_create([
        Metric(slug=f"system-{n}", name=f"System {n}", unit="count", system=f"test-{n}")
        for n in range(count)])


@time_machine.travel(date(2026, 12, 7), tick=False)
def test_the_scorecard_runs_the_same_queries_at_two_sizes(api, viewer):
    client = api.as_user(viewer)
    make_velocity()
    _bulk_metrics(3)
    client.get("/api/v1/scorecard/")
    with CaptureQueriesContext(connection) as small:
        assert client.get("/api/v1/scorecard/").status_code == 200
    _bulk_metrics_more = [Metric(slug=f"more-{n}", name=f"More {n}", unit="count",
                                 system=f"more-{n}") for n in range(30)]
    Metric.objects.bulk_create(_bulk_metrics_more)
    with CaptureQueriesContext(connection) as large:
        assert client.get("/api/v1/scorecard/").status_code == 200
    assert len(small) == len(large)


@pytest.mark.parametrize("path, body", [
    ("win-rate/values/2026-W49%00", {"value": 1}),
    ("win-rate/values/%F0%9F%92%A5", {"value": 1}),
    ("win-rate/values/2026-W49", {"value": "1\x00"}),
    ("win-rate/values/2026-W49", {"value": "\ud800"}),
    ("win-rate/values/2026-W49", {"value": [1, 2]}),
    ("win-rate/values/2026-W49", {"value": 1e308}),
    ("win-rate/values/2026-W49", {"value": "9" * 400}),
    ("win-rate/values/2026-W49", {"value": 1, "source": "x" * 500}),
    ("win-rate/values/2026-W49", {"value": 1, "source": "\x00"}),
    ("win-rate/values/9999999-W49", {"value": 1}),
    ("values", {"values": [{"metric": "win-rate", "period": "2026-W49\ud800", "value": 1}]}),
    ("values", {"values": [{"metric": {"a": 1}, "period": ["x"], "value": None}] * 3}),
    ("values", {"values": [[]], "source": 5}),
])
def test_odd_input_is_a_4xx_and_writes_nothing(api, lead, path, body):
    make_metric()
    client = api.as_user(lead)
    url = f"/api/v1/metrics/{path}/"
    send = client.post if path == "values" else client.put
    # json.dumps writes a lone surrogate escaped (\ud800), as a careless client sends it.
    response = send(url, json.dumps(body), content_type="application/json")
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert not MetricValue.objects.exists()


def test_a_system_metric_takes_no_values_a_400_naming_metric(warehouse):
    insights_services.record_system_metrics()
    response = warehouse.put(value_url("runbook-freshness", "2026-W49"), {"value": 99},
                             format="json")
    assert response.status_code == 400
    assert "takes no values" in response.json()["metric"][0]
