"""Benchmark: the daily stale scan (``runbook.services.flag_stale_sections``), first run
and idempotent re-run, at 1k and 10k sections (``BENCH_SIZE=large``: 100k).
Statistics are refreshed after building the data and between the two runs (see
``analyze``).

A third of the sections were never reviewed, a third are stale, a third fresh; six
functions each with a head. No webhook is subscribed unless ``--webhook``. Each size
is built once; each repeat runs inside a savepoint that is rolled back, so every first
run starts with no flags. ``--explain`` prints PostgreSQL's EXPLAIN ANALYZE of each
statement of one first run (and of the re-run).

    .venv/bin/python bench/stale.py [--sizes 1000,10000] [--webhook] [--explain]
"""

import argparse
import datetime as dt

from common import REPEATS, SIZE, header, measure, median, rolled_back
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from revops.models import Door, Function, Webhook
from runbook import services
from runbook.models import Runbook, Section, SectionKind

TODAY = dt.date(2026, 10, 1)
STALE_ON = dt.date(2025, 1, 15)
FRESH_ON = dt.date(2026, 9, 1)
SLOWEST = 3


def build(n_sections):
    functions = list(Function.objects.order_by("position"))
    users = get_user_model().objects.bulk_create([
        get_user_model()(username=f"bench-head-{f.slug}", email=f"{f.slug}@bench.example")
        for f in functions
    ])
    for f, user in zip(functions, users, strict=True):
        f.head = user
    Function.objects.bulk_update(functions, ["head"])
    kinds = SectionKind.values
    runbooks = Runbook.objects.bulk_create(
        [Runbook(title=f"Bench run book {i}") for i in range(-(-n_sections // 6))],
        batch_size=5000,
    )
    reviewed = [None, STALE_ON, FRESH_ON]
    Section.objects.bulk_create(
        [
            Section(runbook_id=r.pk, kind=kind, position=p, title=SectionKind(kind).label,
                    owner=functions[(i + p) % len(functions)],
                    last_reviewed_on=reviewed[(i + p) % 3])
            for i, r in enumerate(runbooks)
            for p, kind in enumerate(kinds)
        ][:n_sections],
        batch_size=5000,
    )


def analyze():
    """Refresh PostgreSQL's statistics, as autovacuum does for tables this size between
    two daily scans: rows written inside this (never committed) transaction are
    otherwise invisible to it, and the planner would plan for empty tables."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE runbook_section, runbook_staleflag, runbook_runbook, "
                           "revops_auditentry")


def scan():
    return services.flag_stale_sections(door=Door.TASK, today=TODAY)


def explain(label):
    """Each statement of one scan is first run under EXPLAIN ANALYZE in a savepoint that
    is rolled back, then for real: every plan is of the state that statement really
    met. Prints the plans of the slowest few."""
    plans = []

    def explaining(execute, sql, params, many, context):
        if not many and sql.lstrip().startswith(("SELECT", "INSERT", "UPDATE", "DELETE")):
            raw = context["cursor"].cursor
            raw.execute("SAVEPOINT bench_explain")
            raw.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql, params)
            plan = [row[0] for row in raw.fetchall()]
            raw.execute("ROLLBACK TO SAVEPOINT bench_explain")
            took = float(plan[-1].split(":")[1].split()[0])
            plans.append((took, " ".join(sql.split()), plan))
        return execute(sql, params, many, context)

    print(f"-- EXPLAIN ANALYZE, {label}: the {SLOWEST} slowest statements")
    with connection.execute_wrapper(explaining):
        scan()
    print(f"   ({len(plans)} statements)")
    for took, sql, plan in sorted(plans, key=lambda p: -p[0])[:SLOWEST]:
        text = "\n".join(line if len(line) < 200 else line[:200] + "…" for line in plan)
        print(f"{sql[:200]}…  [{took:.1f} ms]\n{text}\n")


def run(n, *, webhook, show_plans):
    build(n)
    if webhook:
        Webhook.objects.create(url="https://hooks.example.com/bench", secret="s",
                               events=["section.stale"])
    analyze()
    firsts, reruns = [], []
    for _ in range(REPEATS):
        sid = transaction.savepoint()
        first, first_queries, result = measure(scan)
        analyze()
        again, again_queries, second = measure(scan)
        transaction.savepoint_rollback(sid)
        assert not second.newly_flagged
        assert second.already_flagged == result.already_flagged + len(result.newly_flagged)
        firsts.append(first)
        reruns.append(again)
    print(f"{n:>7,} sections  first run {median(firsts):7.2f} s  {first_queries:4d} queries"
          f"  ({len(result.newly_flagged):,} flagged)   re-run {median(reruns):6.2f} s"
          f"  {again_queries:3d} queries")
    if show_plans and connection.vendor == "postgresql":
        sid = transaction.savepoint()
        explain(f"first run, {n:,} sections")
        analyze()
        explain(f"re-run, {n:,} sections")
        transaction.savepoint_rollback(sid)


def main():
    default = "1000,10000,100000" if SIZE == "large" else "1000,10000"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=default)
    parser.add_argument("--webhook", action="store_true")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    header("stale scan" + (" (one section.stale webhook)" if args.webhook else ""))
    for n in (int(s) for s in args.sizes.split(",")):
        with rolled_back():
            run(n, webhook=args.webhook, show_plans=args.explain)


if __name__ == "__main__":
    main()
