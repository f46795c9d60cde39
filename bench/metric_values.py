"""Benchmark: ``POST /api/v1/metrics/values/`` with 10,000 values in one call (100
weekly metrics × 100 weeks), through the whole stack with a ``metrics:write`` token:
the first send (every value new), the same body again (every value unchanged: the
idempotent re-send an integration makes after a timeout) and a body where every value
differs (every value corrected, the old ones kept in history). Target on PostgreSQL:
each under 5 s on this shared 2-core machine.

    DATABASE_URL=postgres://… .venv/bin/python bench/metric_values.py
"""

import json
from datetime import date, timedelta

from common import REPEATS, header, measure, median, rolled_back
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from insights.models import Metric
from revops import services
from revops.defaults import LEADS_GROUP
from revops.models import Door, Function
from runbook import services as runbook_services

METRICS, WEEKS = 100, 100


def build():
    lead = get_user_model().objects.create_user("bench-lead")
    lead.groups.add(Group.objects.get_or_create(name=LEADS_GROUP)[0])
    definition = runbook_services.definition_create(
        term="Bench metric", body="A number measured for the benchmark.", layer="insights",
        owner=Function.objects.get(slug="revops"), actor=None, door=Door.CLI)
    Metric.objects.bulk_create([
        Metric(slug=f"bench-{n}", name=f"Bench {n}", definition=definition, unit="count")
        for n in range(METRICS)])
    _, raw = services.api_token_create(actor=lead, door=Door.CLI, user=lead, name="dwh",
                                       scope="metrics:write")
    return raw


def body(offset):
    first = date(2024, 1, 1)
    weeks = [(first + timedelta(weeks=w)).isocalendar() for w in range(WEEKS)]
    return json.dumps({"source": "bench", "values": [
        {"metric": f"bench-{n}", "period": f"{y}-W{w:02d}", "value": n * 1000 + i + offset}
        for n in range(METRICS) for i, (y, w, _) in enumerate(weeks)]})


def post(client, raw, payload):
    response = client.post("/api/v1/metrics/values/", payload,
                           content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200, response.content[:500]
    return response.json()


def main():
    header(f"POST /api/v1/metrics/values/, {METRICS * WEEKS:,} values in one call")
    client = Client()
    runs = {"first send (created)": [], "same body again (unchanged)": [],
            "every value changed (updated)": []}
    queries = {}
    for _ in range(REPEATS):
        with rolled_back():
            raw = build()
            first, again = body(0), body(1)
            for label, payload in zip(runs, [first, first, again], strict=True):
                seconds, count, result = measure(lambda p=payload, r=raw: post(client, r, p))
                runs[label].append(seconds)
                queries[label] = (count, result)
    for label, seconds in runs.items():
        count, result = queries[label]
        print(f"{label:32} {median(seconds):6.2f} s  {count:4} queries  {result}")


if __name__ == "__main__":
    main()
