from datetime import date, timedelta

import pytest

from revops import fiscal


@pytest.mark.parametrize("start_month", range(1, 13))
def test_quarters_tile_every_day_of_several_years_for_every_start_month(start_month):
    day = date(2023, 1, 1)
    previous = fiscal.quarter_index(day, start_month)
    seen_starts = set()
    while day < date(2029, 1, 1):
        index = fiscal.quarter_index(day, start_month)
        assert index in (previous, previous + 1), "quarter index moves by at most one a day"
        start = fiscal.quarter_start(index, start_month)
        end = fiscal.quarter_end(index, start_month)
        assert start <= day <= end
        assert start.day == 1 and (end + timedelta(days=1)).day == 1
        assert (start.month - start_month) % 3 == 0, "quarters start on the fiscal grid"
        if index != previous:
            assert day == start, "a new quarter begins on its first day"
        seen_starts.add(start)
        previous = index
        day += timedelta(days=1)
    aligned = start_month % 3 == 1  # quarters line up with calendar years
    assert len(seen_starts) == (24 if aligned else 25)


@pytest.mark.parametrize(
    ("d", "start_month", "expected"),
    [
        (date(2026, 2, 10), 1, ("FY2026 Q1", date(2026, 1, 1), date(2026, 3, 31))),
        (date(2026, 7, 1), 1, ("FY2026 Q3", date(2026, 7, 1), date(2026, 9, 30))),
        (date(2026, 1, 31), 2, ("FY2026 Q4", date(2025, 11, 1), date(2026, 1, 31))),
        (date(2026, 2, 1), 2, ("FY2027 Q1", date(2026, 2, 1), date(2026, 4, 30))),
        (date(2026, 10, 15), 10, ("FY2027 Q1", date(2026, 10, 1), date(2026, 12, 31))),
        (date(2026, 9, 30), 10, ("FY2026 Q4", date(2026, 7, 1), date(2026, 9, 30))),
        (date(2026, 12, 31), 12, ("FY2027 Q1", date(2026, 12, 1), date(2027, 2, 28))),
    ],
)
def test_fiscal_quarter_names_and_bounds(d, start_month, expected):
    quarter = fiscal.fiscal_quarter(d, start_month)
    assert (str(quarter), quarter.start, quarter.end) == expected


def test_quarter_distance_is_a_subtraction():
    reviewed = fiscal.quarter_index(date(2026, 2, 10), 1)
    assert fiscal.quarter_index(date(2026, 6, 30), 1) - reviewed == 1
    assert fiscal.quarter_index(date(2026, 7, 1), 1) - reviewed == 2
    assert fiscal.quarter_index(date(2026, 10, 1), 1) - reviewed == 3


@pytest.mark.django_db  # the organisation settings row, absent: the environment's
def test_start_month_defaults_to_the_setting(settings):
    settings.REVOPS_FISCAL_YEAR_START_MONTH = 2
    assert fiscal.fiscal_quarter(date(2026, 1, 31)).start == date(2025, 11, 1)


@pytest.mark.parametrize(("code", "start_month", "start", "end"), [
    ("FY2026-Q1", 1, date(2026, 1, 1), date(2026, 3, 31)),
    ("FY2026-Q4", 1, date(2026, 10, 1), date(2026, 12, 31)),
    ("fy2027-q1", 2, date(2026, 2, 1), date(2026, 4, 30)),
    ("FY2026-Q4", 2, date(2025, 11, 1), date(2026, 1, 31)),
    (" FY2027-Q1 ", 10, date(2026, 10, 1), date(2026, 12, 31)),
    ("FY2027-Q1", 12, date(2026, 12, 1), date(2027, 2, 28)),
])
def test_a_quarter_code_reads_back_to_the_quarter_that_writes_it(code, start_month, start,
                                                                  end):
    quarter = fiscal.parse_quarter(code, start_month)
    assert (quarter.start, quarter.end) == (start, end)
    assert quarter.code == code.strip().upper()
    assert fiscal.fiscal_quarter(start, start_month) == quarter


@pytest.mark.parametrize("code", ["", "2027-Q1", "FY2027-Q5", "FY2027 Q1", "FY27-Q1", None,
                                  "FY0000-Q1", "FY0001-Q1"])
def test_a_malformed_quarter_code_is_refused_with_an_example(code):
    with pytest.raises(ValueError, match="FY2027-Q1"):
        fiscal.parse_quarter(code, 1)


def test_quarters_by_index_step_one_fiscal_quarter_at_a_time():
    index = fiscal.quarter_index(date(2026, 12, 2), 2)
    assert [fiscal.quarter_by_index(i, 2).code for i in range(index - 2, index + 2)] == [
        "FY2027-Q2", "FY2027-Q3", "FY2027-Q4", "FY2028-Q1"]
