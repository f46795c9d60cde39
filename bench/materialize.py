"""Benchmark: materialize 12 months of occurrences for 500 rituals, then the idempotent
re-run (the daily roll-forward when nothing is new).

Uses whatever DATABASE_URL is set (SQLite by default). Everything happens inside one
transaction that is rolled back at the end: the database is left as it was.

    .venv/bin/python bench/materialize.py [--rituals 500]
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revops.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from cadence import services  # noqa: E402
from cadence.models import Occurrence, Ritual  # noqa: E402
from revops.models import Function  # noqa: E402

# (share of the rituals, horizon, rule) — a realistic mix, heavy on daily ones.
MIX = [
    (0.2, "daily", "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8;BYMINUTE=30"),
    (0.4, "weekly", "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0"),
    (0.3, "monthly", "FREQ=MONTHLY;BYDAY=+1TU;BYHOUR=14;BYMINUTE=0"),
    (0.1, "quarterly", "FREQ=MONTHLY;INTERVAL=3;BYDAY=+2WE;BYHOUR=10;BYMINUTE=0"),
]
ZONES = ["America/New_York", "Europe/London", "Australia/Sydney", "Asia/Kolkata"]


class Rollback(Exception):
    pass


def timed(label, func):
    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - began
    print(f"{label:<34} {elapsed:8.2f} s  {len(queries):6d} queries  result={result}")
    return result, elapsed, len(queries)


def run(count):
    now = timezone.now()
    owner = Function.objects.order_by("position").first()
    rituals = []
    for share, horizon, rule in MIX:
        for i in range(round(count * share)):
            rituals.append(Ritual(
                name=f"Bench {horizon} {i}", horizon=horizon, layer="process", owner=owner,
                duration_minutes=15 if horizon == "daily" else 45, output="bench",
                timezone=ZONES[i % len(ZONES)], rrule=rule, schedule_start=now,
                created_at=now, updated_at=now,
            ))
    Ritual.objects.bulk_create(rituals)
    rituals = list(Ritual.objects.filter(name__startswith="Bench "))
    print(f"database: {connection.vendor}; rituals: {len(rituals)}")
    created, first, _ = timed("materialize 12 months (first run)",
                              lambda: services.materialize_many(rituals=rituals, now=now))
    assert Occurrence.objects.filter(ritual__in=rituals).count() == created
    again, second, _ = timed("re-run (idempotent, nothing new)",
                             lambda: services.materialize_all(now=now))
    assert again == 0
    print(f"occurrences created: {created}; re-run created: {again}; "
          f"{created / first:,.0f} occurrences/s first run")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rituals", type=int, default=500)
    args = parser.parse_args()
    try:
        with transaction.atomic():
            run(args.rituals)
            raise Rollback
    except Rollback:
        print("rolled back: the database is unchanged")


if __name__ == "__main__":
    main()
