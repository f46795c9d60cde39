"""The daily freshness snapshot the stale scan records: the counts of fresh, due, stale
and never-reviewed sections, one row per day however often the scan runs."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from revops import organisation
from revops.models import Door
from runbook import selectors, services, tasks
from runbook.models import FreshnessSnapshot, Section
from tests.demo import load as load_demo
from tests.runbook.factories import make_sections, section, stamp_review

pytestmark = pytest.mark.django_db
D = dt.date


def snapshot_of(day):
    s = FreshnessSnapshot.objects.get(day=day)
    return {"fresh": s.fresh, "due": s.due, "stale": s.stale, "never": s.never}


def test_scan_records_the_days_counts_of_each_state(runbook, lead):
    stamp_review(section(runbook, "strategy"), D(2026, 2, 10), by=lead)  # stale on 2026-10-01
    stamp_review(section(runbook, "process"), D(2026, 4, 1), by=lead)  # due
    stamp_review(section(runbook, "systems"), D(2026, 9, 30), by=lead)  # fresh
    stamp_review(section(runbook, "insights"), D(2026, 8, 1), by=lead)  # fresh

    services.flag_stale_sections(door=Door.TASK, today=D(2026, 10, 1), threshold=2,
                                 start_month=1)

    assert snapshot_of(D(2026, 10, 1)) == {"fresh": 2, "due": 1, "stale": 1, "never": 2}


def test_a_second_scan_the_same_day_keeps_one_row_with_the_new_counts(runbook, lead):
    tasks.flag_stale_sections.delay(today="2026-10-01")
    assert snapshot_of(D(2026, 10, 1))["never"] == 6

    stamp_review(section(runbook, "strategy"), D(2026, 10, 1), by=lead)
    call_command("flag_stale_sections", "--today", "2026-10-01")

    assert FreshnessSnapshot.objects.count() == 1
    assert snapshot_of(D(2026, 10, 1)) == {"fresh": 1, "due": 0, "stale": 0, "never": 5}


def test_each_day_gets_its_own_row_and_the_history_reads_oldest_first(runbook, lead):
    stamp_review(section(runbook, "strategy"), D(2026, 5, 10), by=lead)
    for day in (D(2026, 10, 1), D(2026, 6, 30), D(2026, 7, 1)):
        services.flag_stale_sections(door=Door.TASK, today=day, threshold=2, start_month=1)

    history = list(selectors.freshness_history(since=D(2026, 7, 1)))

    assert [s.day for s in history] == [D(2026, 7, 1), D(2026, 10, 1)]
    assert [(s.fresh, s.due, s.stale) for s in history] == [(1, 0, 0), (0, 1, 0)]  # Q2 → Q4
    assert snapshot_of(D(2026, 6, 30))["fresh"] == 1


def test_the_snapshot_counts_every_run_book_in_a_fixed_number_of_queries(runbook):
    counts = []
    for more in (0, 20):
        make_sections(more)
        organisation.forget()  # as each task does: the settings are read once per run
        with CaptureQueriesContext(connection) as queries:
            services.freshness_snapshot_record(today=D(2026, 10, 1))
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
    assert snapshot_of(D(2026, 10, 1))["never"] == Section.objects.count() == 126


def test_the_demo_has_a_year_of_weekly_history_telling_the_sections_story():
    load_demo()
    history = list(FreshnessSnapshot.objects.order_by("day"))

    assert len(history) == 53  # 52 past weeks and today's scan
    counted = [s for s in history if s.fresh + s.due + s.stale + s.never]
    assert len(counted) >= 40  # months of history: the chart is not empty
    assert any(s.stale for s in counted) and any(s.due for s in counted)
    assert {s.fresh + s.due + s.stale + s.never for s in counted[-8:]} == {
        Section.objects.count()}
