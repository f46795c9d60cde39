"""The scorecard's pure rules: periods, statuses, formulas."""

from datetime import date
from decimal import Decimal

import pytest

from insights import rules


@pytest.mark.parametrize("cadence, key, start, end", [
    ("weekly", "2026-W49", date(2026, 11, 30), date(2026, 12, 6)),
    ("weekly", "2026-w01", date(2025, 12, 29), date(2026, 1, 4)),
    ("weekly", "2026-W53", date(2026, 12, 28), date(2027, 1, 3)),
    ("monthly", "2026-12", date(2026, 12, 1), date(2026, 12, 31)),
    ("monthly", "2028-02", date(2028, 2, 1), date(2028, 2, 29)),
    ("quarterly", "FY2027-Q1", date(2027, 1, 1), date(2027, 3, 31)),
])
def test_a_period_key_names_one_period_of_its_cadence(cadence, key, start, end):
    period = rules.parse_period(cadence, key, start_month=1)
    assert (period.start, period.end) == (start, end)
    assert period.key == key.upper()


def test_a_fiscal_quarter_follows_the_fiscal_year():
    period = rules.parse_period("quarterly", "FY2027-Q1", start_month=2)
    assert (period.start, period.end) == (date(2026, 2, 1), date(2026, 4, 30))


@pytest.mark.parametrize("cadence, key", [
    ("weekly", "2026-12"), ("weekly", "2025-W53"), ("weekly", "2026-W00"),
    ("monthly", "2026-W49"), ("monthly", "2026-13"), ("monthly", "1899-01"),
    ("quarterly", "2026-Q4"), ("quarterly", "2026-12"), ("weekly", ""), ("monthly", "x\x00"),
])
def test_a_key_that_does_not_fit_the_cadence_is_refused_with_an_example(cadence, key):
    with pytest.raises(ValueError, match=rules.EXAMPLES[cadence]):
        rules.parse_period(cadence, key, start_month=1)


def test_closed_periods_end_with_the_last_one_that_ended_before_today():
    monday = date(2026, 12, 7)
    assert [p.key for p in rules.closed_periods("weekly", monday, 3)] == [
        "2026-W47", "2026-W48", "2026-W49"]
    assert [p.key for p in rules.closed_periods("monthly", monday, 2)] == ["2026-10", "2026-11"]
    assert rules.last_closed("quarterly", monday, start_month=1).key == "FY2026-Q3"


@pytest.mark.parametrize("value, higher, expected", [
    (None, True, rules.MISSING),
    (Decimal(0), True, rules.OFF_TRACK),
    (Decimal(30), True, rules.ON_TRACK),
    (Decimal(25), True, rules.WARNING),
    (Decimal(24), True, rules.OFF_TRACK),
    (Decimal(30), False, rules.ON_TRACK),
    (Decimal(35), False, rules.WARNING),
    (Decimal(36), False, rules.OFF_TRACK),
])
def test_status_against_target_and_band(value, higher, expected):
    assert rules.status(value, target=Decimal(30), warning=Decimal(5),
                        higher_is_better=higher) == expected


def test_without_a_target_a_value_has_no_status_but_is_not_missing():
    assert rules.status(Decimal(1), target=None, warning=None,
                        higher_is_better=True) == rules.NO_TARGET


@pytest.mark.parametrize("formula, message", [
    ("a / 0", "divides by zero"),
    ("a / (b - b)", "divides by zero"),
    ("a + c", "no metric called c"),
    ("a ** 2", "Only metric names"),
    ("__import__('os')", "Only metric names"),
    ("a.real", "Only metric names"),
    ("'x' + a", "Only numbers"),
    ("a +", "not arithmetic"),
    ("", "not arithmetic"),
    ("2 + 3", "at least one metric"),
])
def test_a_bad_formula_is_refused_saying_why(formula, message):
    with pytest.raises(rules.FormulaError, match=message):
        rules.check_formula(formula, {"a", "b"})


def test_a_formula_computes_and_a_missing_part_leaves_it_missing():
    assert rules.evaluate("(a + b) * 2 / c", {"a": Decimal(1), "b": Decimal(2),
                                              "c": Decimal(4)}) == Decimal("1.5")
    assert rules.evaluate("a + b", {"a": Decimal(1), "b": None}) is None
    with pytest.raises(ZeroDivisionError):
        rules.evaluate("a / b", {"a": Decimal(1), "b": Decimal(0)})


def test_an_off_track_streak_counts_back_from_the_latest():
    off, on = rules.OFF_TRACK, rules.ON_TRACK
    assert rules.off_track_streak([off, on, off, off]) == 2
    assert rules.off_track_streak([off, off, rules.MISSING]) == 0
