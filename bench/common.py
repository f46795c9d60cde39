"""What every benchmark shares: Django set up on whatever DATABASE_URL says (SQLite by
default), the size (``BENCH_SIZE=quick|large``), timing with a query count, medians.

Benchmarks build their data inside a transaction and roll it back, or on a scratch
database they drop (``scratch_database``): the database is left as it was. They are
scripts, never tests: no timing is asserted anywhere.
"""

import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revops.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# As in production: DEBUG=1 (the development default) logs every statement in memory.
settings.DEBUG = False

from django.db import connection, transaction  # noqa: E402

SIZE = os.environ.get("BENCH_SIZE", "quick")
if SIZE not in ("quick", "large"):
    sys.exit(f"BENCH_SIZE={SIZE!r}: expected quick or large")
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))


class Rollback(Exception):
    pass


@contextmanager
def rolled_back():
    """Run the body in a transaction and undo everything it wrote."""
    try:
        with transaction.atomic():
            yield
            raise Rollback
    except Rollback:
        pass


@contextmanager
def scratch_database(suffix=""):
    """Run the body on a new database of its own (migrated, dropped afterwards), where
    what it builds is committed: for timings that depend on committed, vacuumed rows as a
    running server reads them. Inside a rolled-back transaction PostgreSQL reads every
    row through its own transaction's bookkeeping and a GIN index through its pending
    list, which made searches two to three times slower than on committed data. Its name
    is the configured database's with ``_bench`` and ``suffix`` after it."""
    connection.settings_dict.setdefault("TEST", {})["NAME"] = (
        f"{connection.settings_dict['NAME']}_bench{suffix}" if connection.vendor == "postgresql"
        else None)  # SQLite: in memory
    original = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(original, verbosity=0)


def measure(func):
    """``(seconds, queries, result)`` of one call. Queries are counted, not logged (a
    log of 60,000 statements would cost more than the statements)."""
    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        began = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - began
    return elapsed, count, result


def median(values):
    return statistics.median(values)


def header(title, *, repeated=True):
    runs = f", median of {REPEATS}" if repeated else ""
    print(f"\n== {title} — {connection.vendor}, BENCH_SIZE={SIZE}{runs}")
