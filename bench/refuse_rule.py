"""Benchmark: how long the schedule check takes to refuse a rule that never matches,
next to how long it takes to accept an ordinary one.

A never-matching rule (``BYMONTH=2;BYMONTHDAY=30``) would make dateutil walk to the
year 9999 — seconds of CPU inside a request — unless ``cadence.rules`` asks the
question close to that limit (see ``_yields_between``). This measures that it stays
quick. Pure Python: no database is touched.

    .venv/bin/python bench/refuse_rule.py [--repeat 50]
"""

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revops.settings")

import django  # noqa: E402

django.setup()

from cadence import rules  # noqa: E402

STARTS_AT = datetime(2026, 1, 1, tzinfo=UTC)
# (label, horizon, rule, refused?)
CASES = [
    ("never: 30 February, weekly", "weekly",
     "FREQ=WEEKLY;BYDAY=MO;BYMONTH=2;BYMONTHDAY=30;BYHOUR=9;BYMINUTE=0", True),
    ("never: 31 April, monthly", "monthly",
     "FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31;BYHOUR=9;BYMINUTE=0", True),
    ("never: Monday the 30th of February", "monthly",
     "FREQ=MONTHLY;BYDAY=MO;BYMONTH=2;BYMONTHDAY=30;BYHOUR=9;BYMINUTE=0", True),
    ("accepted: weekly Monday 09:00", "weekly",
     "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0", False),
    ("accepted: monthly first Tuesday", "monthly",
     "FREQ=MONTHLY;BYDAY=+1TU;BYHOUR=14;BYMINUTE=0", False),
]


def check(horizon, rule):
    rules.schedule(horizon=horizon, rrule=rule, timezone="America/New_York",
                   starts_at=STARTS_AT, start_month=1)


def timed(horizon, rule, refused):
    began = time.perf_counter()
    try:
        check(horizon, rule)
    except rules.ScheduleError as error:
        assert refused and error.field == "rrule", error
    else:
        assert not refused, f"{rule} was accepted"
    return time.perf_counter() - began


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    print(f"{'rule':<38} {'median':>9} {'max':>9}  ({args.repeat} runs each)")
    for label, horizon, rule, refused in CASES:
        times = [timed(horizon, rule, refused) for _ in range(args.repeat)]
        print(f"{label:<38} {statistics.median(times) * 1000:7.2f} ms "
              f"{max(times) * 1000:7.2f} ms")


if __name__ == "__main__":
    main()
