"""The staleness rule (docs/design.md, "Staleness"), table-driven, exhaustive over fiscal starts."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from revops import fiscal
from runbook import rules

D = dt.date


# The worked example: calendar fiscal year, N = 2, reviewed 2026-02-10 (Q1).
DESIGN_EXAMPLE = [
    ("2026-02-10", "fresh"),
    ("2026-03-31", "fresh"),
    ("2026-04-01", "fresh"),
    ("2026-06-30", "fresh"),
    ("2026-07-01", "due"),
    ("2026-09-30", "due"),
    ("2026-10-01", "stale"),
    ("2027-02-10", "stale"),
]


@pytest.mark.parametrize("today, expected", DESIGN_EXAMPLE)
def test_design_example_calendar_year(today, expected):
    with time_machine.travel(dt.datetime.fromisoformat(today + "T12:00Z"), tick=False):
        state = rules.review_state(D(2026, 2, 10), timezone.localdate(), threshold=2,
                                   start_month=1)
    assert state == expected


def test_february_fiscal_year_puts_january_31_in_nov_to_jan_quarter():
    # With the fiscal year starting in February, 2026-01-31 is in the quarter Nov–Jan.
    q = fiscal.quarter_index(D(2026, 1, 31), 2)
    assert fiscal.quarter_start(q, 2) == D(2025, 11, 1)
    assert rules.review_state(D(2026, 1, 31), D(2026, 2, 1), threshold=1, start_month=2) == "due"
    assert rules.review_state(D(2025, 11, 1), D(2026, 1, 31), threshold=1, start_month=2) == (
        "fresh"
    )


def test_never_reviewed_is_never_and_counts_as_stale():
    assert rules.review_state(None, D(2026, 5, 5), threshold=2, start_month=1) == "never"
    assert rules.counts_as_stale("never") and rules.counts_as_stale("stale")
    assert not rules.counts_as_stale("due") and not rules.counts_as_stale("fresh")


def _expected(elapsed, threshold):
    return "fresh" if elapsed < threshold else "due" if elapsed == threshold else "stale"


def _boundaries(start_month, threshold):
    """For a review on the first and last day of a fiscal quarter, every date on both
    sides of each later quarter boundary, with the state the table says."""
    base = fiscal.quarter_index(D(2026, 5, 17), start_month)
    cases = []
    first, last = fiscal.quarter_start(base, start_month), fiscal.quarter_end(base, start_month)
    for reviewed in (first, last):
        for later in range(0, threshold + 3):
            start = fiscal.quarter_start(base + later, start_month)
            end = fiscal.quarter_end(base + later, start_month)
            for today in (start, start + dt.timedelta(days=40), end):
                if today >= reviewed:
                    cases.append((reviewed, today, _expected(later, threshold)))
    return cases


CASES = [
    (start_month, threshold, reviewed, today, expected)
    for start_month in range(1, 13)
    for threshold in (1, 2, 3)
    for reviewed, today, expected in _boundaries(start_month, threshold)
]


@pytest.mark.parametrize("start_month, threshold, reviewed, today, expected", CASES)
def test_state_at_every_quarter_boundary_for_every_start_month(
    start_month, threshold, reviewed, today, expected
):
    # Noon of ``today`` in the configured zone: the local date is ``today``.
    moment = timezone.make_aware(dt.datetime.combine(today, dt.time(12)))
    with time_machine.travel(moment, tick=False):
        assert rules.review_state(reviewed, timezone.localdate(), threshold=threshold,
                                  start_month=start_month) == expected


@pytest.mark.parametrize("start_month", range(1, 13))
@pytest.mark.parametrize("threshold", [1, 2, 4])
def test_cutoffs_agree_with_the_rule_on_every_day_of_three_years(start_month, threshold):
    """The SQL scan uses cut-off dates; they must say exactly what the rule says."""
    today = D(2026, 8, 14)
    stale_before = rules.stale_cutoff(today, threshold=threshold, start_month=start_month)
    due_before = rules.due_cutoff(today, threshold=threshold, start_month=start_month)
    day = today - dt.timedelta(days=3 * 366)
    while day <= today:
        expected = rules.review_state(day, today, threshold=threshold, start_month=start_month)
        by_cutoff = "stale" if day < stale_before else "due" if day < due_before else "fresh"
        assert by_cutoff == expected, day
        day += dt.timedelta(days=1)


@pytest.mark.django_db  # the organisation settings row, absent: the environment's
def test_defaults_come_from_settings(settings):
    settings.REVOPS_FISCAL_YEAR_START_MONTH = 4
    settings.REVOPS_STALE_AFTER_QUARTERS = 1
    # Fiscal Q starting April: 2026-03-31 is in Jan–Mar, 2026-04-01 starts the next one.
    assert rules.review_state(D(2026, 3, 31), D(2026, 4, 1)) == "due"
    assert rules.review_state(D(2026, 3, 31), D(2026, 7, 1)) == "stale"
    assert rules.review_state(D(2026, 4, 1), D(2026, 6, 30)) == "fresh"


A, B, REVOPS = 1, 2, 9


@pytest.mark.parametrize(("kind", "owner", "accountable", "expected"), [
    ("process", B, {"process": A}, A),  # to the layer's Accountable
    ("process", A, {"process": A}, REVOPS),  # the owner is the Accountable: to the leads
    ("process", B, {}, REVOPS),  # nobody is Accountable for the layer
    ("cadence", A, {"cadence": REVOPS}, REVOPS),
    ("cadence", REVOPS, {"cadence": REVOPS}, REVOPS),  # RevOps' own: still the leads
])
def test_escalation_target(kind, owner, accountable, expected):
    assert rules.escalation_target(kind=kind, owner_id=owner, accountable=accountable,
                                   fallback=REVOPS) == expected


def test_escalation_cutoff_is_after_days_before_today(settings):
    settings.REVOPS_ESCALATE_AFTER_DAYS = 14
    assert rules.escalation_cutoff(dt.date(2026, 10, 15)) == dt.date(2026, 10, 1)
    assert rules.escalation_cutoff(dt.date(2026, 3, 1), after_days=1) == dt.date(2026, 2, 28)
