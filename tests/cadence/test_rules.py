"""The pure schedule rules: horizon agreement, fiscal anchoring, DST, pickers, lint."""

import zoneinfo
from datetime import UTC, datetime, time
from types import SimpleNamespace

import pytest

from cadence import rules

NY = zoneinfo.ZoneInfo("America/New_York")


def sched(rrule, *, horizon="weekly", tz="America/New_York", starts_at=None, start_month=1):
    return rules.schedule(horizon=horizon, rrule=rrule, timezone=tz,
                          starts_at=starts_at or datetime(2026, 1, 1, tzinfo=UTC),
                          start_month=start_month)


def local(times, tz=NY):
    return [t.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z") for t in times]


# --- DST --------------------------------------------------------------------------

def test_weekly_nine_am_in_new_york_stays_nine_am_across_spring_forward():
    s = sched("FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0")
    times = s.between(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 17, tzinfo=UTC))
    assert local(times) == ["2026-03-02 09:00 EST", "2026-03-09 09:00 EDT",
                            "2026-03-16 09:00 EDT"]
    assert [t.astimezone(UTC).hour for t in times] == [14, 13, 13]


def test_weekly_nine_am_in_new_york_stays_nine_am_across_fall_back():
    s = sched("FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0")
    times = s.between(datetime(2026, 10, 25, tzinfo=UTC), datetime(2026, 11, 10, tzinfo=UTC))
    assert local(times) == ["2026-10-26 09:00 EDT", "2026-11-02 09:00 EST",
                            "2026-11-09 09:00 EST"]
    assert [t.astimezone(UTC).hour for t in times] == [13, 14, 14]


def test_time_in_the_spring_forward_gap_is_read_with_the_offset_before_the_gap():
    # 2026-03-08 02:30 does not exist in New York: RFC 5545 reads it as 03:30 EDT.
    s = sched("FREQ=DAILY;BYHOUR=2;BYMINUTE=30", horizon="daily")
    times = s.between(datetime(2026, 3, 7, 12, tzinfo=UTC), datetime(2026, 3, 9, 12, tzinfo=UTC))
    assert local(times) == ["2026-03-08 03:30 EDT", "2026-03-09 02:30 EDT"]
    assert times[0].astimezone(UTC) == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


def test_ambiguous_time_on_fall_back_day_is_the_first_of_the_two():
    s = sched("FREQ=DAILY;BYHOUR=1;BYMINUTE=30", horizon="daily")
    times = s.between(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC))
    assert local(times) == ["2026-11-01 01:30 EDT"]
    assert times[0].astimezone(UTC) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


def test_southern_hemisphere_dst_keeps_wall_clock():
    syd = zoneinfo.ZoneInfo("Australia/Sydney")
    s = sched("FREQ=WEEKLY;BYDAY=TU;BYHOUR=8;BYMINUTE=15", tz="Australia/Sydney")
    times = s.between(datetime(2026, 3, 28, tzinfo=UTC), datetime(2026, 4, 15, tzinfo=UTC))
    assert {t.astimezone(syd).strftime("%H:%M") for t in times} == {"08:15"}
    assert {t.astimezone(syd).utcoffset().total_seconds() / 3600 for t in times} == {11, 10}


# --- Fiscal quarter anchoring ------------------------------------------------------

# (fiscal start month, the months a "week 2, Wednesday" quarterly ritual falls in)
FISCAL_CASES = [
    (1, [1, 4, 7, 10]), (2, [2, 5, 8, 11]), (3, [3, 6, 9, 12]), (4, [1, 4, 7, 10]),
    (5, [2, 5, 8, 11]), (6, [3, 6, 9, 12]), (7, [1, 4, 7, 10]), (8, [2, 5, 8, 11]),
    (9, [3, 6, 9, 12]), (10, [1, 4, 7, 10]), (11, [2, 5, 8, 11]), (12, [3, 6, 9, 12]),
]


@pytest.mark.parametrize(("start_month", "months"), FISCAL_CASES)
@pytest.mark.parametrize("created", [datetime(2026, 1, 5, tzinfo=UTC),
                                     datetime(2026, 6, 20, tzinfo=UTC),
                                     datetime(2026, 12, 30, tzinfo=UTC)])
def test_quarterly_week_two_wednesday_falls_in_first_month_of_each_fiscal_quarter(
    start_month, months, created
):
    s = sched("FREQ=MONTHLY;INTERVAL=3;BYDAY=+2WE;BYHOUR=10;BYMINUTE=0", horizon="quarterly",
              starts_at=created, start_month=start_month)
    times = s.upcoming(created, 8)
    assert sorted({t.month for t in times}) == months
    for t in times:
        local_t = t.astimezone(NY)
        assert local_t.weekday() == 2 and 8 <= local_t.day <= 14
        assert (local_t.hour, local_t.minute) == (10, 0)
        assert t >= created


def test_fiscal_year_from_february_week_two_wednesday_example():
    s = sched("FREQ=MONTHLY;INTERVAL=3;BYDAY=+2WE;BYHOUR=10;BYMINUTE=0", horizon="quarterly",
              starts_at=datetime(2026, 1, 10, tzinfo=UTC), start_month=2)
    assert [t.strftime("%Y-%m-%d") for t in s.upcoming(datetime(2026, 1, 10, tzinfo=UTC), 4)] \
        == ["2026-02-11", "2026-05-13", "2026-08-12", "2026-11-11"]


def test_explicit_yearly_bymonth_quarterly_form_is_accepted():
    s = sched("FREQ=YEARLY;BYMONTH=2,5,8,11;BYDAY=+2WE;BYHOUR=10;BYMINUTE=0",
              horizon="quarterly")
    assert [t.month for t in s.upcoming(datetime(2026, 1, 1, tzinfo=UTC), 4)] == [2, 5, 8, 11]


# --- Bad schedules ----------------------------------------------------------------

@pytest.mark.parametrize(("horizon", "rrule", "field", "words"), [
    ("weekly", "FREQ=DAILY;BYHOUR=9;BYMINUTE=0", "rrule", "FREQ=WEEKLY"),
    ("daily", "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0", "rrule", "FREQ=DAILY"),
    ("monthly", "FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO;BYHOUR=9;BYMINUTE=0", "rrule", "MONTHLY"),
    ("quarterly", "FREQ=MONTHLY;BYDAY=1MO;BYHOUR=9;BYMINUTE=0", "rrule", "quarterly"),
    ("quarterly", "FREQ=YEARLY;BYMONTH=1,2,3,4;BYDAY=1MO;BYHOUR=9;BYMINUTE=0", "rrule",
     "three apart"),
    ("weekly", "FREQ=WEEKLY;BYDAY=MO", "rrule", "BYHOUR"),
    ("weekly", "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9,14;BYMINUTE=0", "rrule", "one time"),
    ("weekly", "FREQ=WEEKLY;BYDAY=XX;BYHOUR=9;BYMINUTE=0", "rrule", "Cannot"),
    ("weekly", "not a rule", "rrule", "NAME=VALUE"),
    ("weekly", "", "rrule", "empty"),
    ("weekly", "FREQ=WEEKLY;COUNT=3;BYHOUR=9;BYMINUTE=0", "rrule", "COUNT"),
    ("weekly", "DTSTART:20260101T000000\nRRULE:FREQ=WEEKLY", "rrule", "DTSTART"),
    ("monthly", "FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=2;BYHOUR=9;BYMINUTE=0", "rrule",
     "no date"),
    ("fortnightly", "FREQ=WEEKLY;BYHOUR=9;BYMINUTE=0", "horizon", "Unknown horizon"),
])
def test_bad_schedule_is_refused_naming_the_field(horizon, rrule, field, words):
    with pytest.raises(rules.ScheduleError) as info:
        sched(rrule, horizon=horizon)
    assert info.value.field == field
    assert words in info.value.message


def test_unknown_zone_is_refused_naming_timezone():
    with pytest.raises(rules.ScheduleError) as info:
        sched("FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0", tz="Mars/Olympus_Mons")
    assert info.value.field == "timezone"


def test_rule_is_normalized_so_equal_schedules_compare_equal():
    s = sched("rrule:byminute=0;byhour=9;byday=mo;freq=weekly")
    assert s.rule == "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0"


@pytest.mark.parametrize("minutes", [0, -5, 481, None])
def test_absurd_duration_is_refused(minutes):
    with pytest.raises(rules.ScheduleError) as info:
        rules.check_duration(minutes)
    assert info.value.field == "duration_minutes"


# --- Pickers ----------------------------------------------------------------------

PICKS = [
    ("daily", {"weekdays": ["MO", "TU", "WE", "TH", "FR"]},
     "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8;BYMINUTE=30", "Every weekday at 08:30"),
    ("weekly", {"weekday": "MO"}, "FREQ=WEEKLY;BYDAY=MO;BYHOUR=8;BYMINUTE=30",
     "Every Monday at 08:30"),
    ("monthly", {"monthly_mode": "day", "month_day": 5},
     "FREQ=MONTHLY;BYMONTHDAY=5;BYHOUR=8;BYMINUTE=30", "Monthly on the 5th at 08:30"),
    ("monthly", {"monthly_mode": "weekday", "nth": 1, "weekday": "TU"},
     "FREQ=MONTHLY;BYDAY=+1TU;BYHOUR=8;BYMINUTE=30", "Monthly on the first Tuesday at 08:30"),
    ("monthly", {"monthly_mode": "weekday", "nth": -1, "weekday": "FR"},
     "FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=8;BYMINUTE=30", "Monthly on the last Friday at 08:30"),
    ("quarterly", {"nth": 2, "weekday": "WE", "quarter_month": 1},
     "FREQ=MONTHLY;INTERVAL=3;BYDAY=+2WE;BYHOUR=8;BYMINUTE=30",
     "Each fiscal quarter, second Wednesday of its first month at 08:30"),
    ("quarterly", {"nth": 1, "weekday": "MO", "quarter_month": 3},
     "FREQ=YEARLY;BYMONTH=3,6,9,12;BYDAY=+1MO;BYHOUR=8;BYMINUTE=30",
     "Each fiscal quarter, first Monday of its third month at 08:30"),
]


@pytest.mark.parametrize(("horizon", "values", "rule", "text"), PICKS)
def test_picker_makes_the_rule_and_reads_it_back(horizon, values, rule, text):
    made = rules.rule_from_picker(horizon, at=time(8, 30), **values)
    assert made == rule
    sched(made, horizon=horizon)  # and it is a valid schedule for its horizon
    back = rules.picker_from_rule(horizon, made)
    assert back == {"horizon": horizon, "at": time(8, 30), **values}
    assert rules.describe(horizon, made) == text


def test_quarterly_picker_second_month_follows_the_fiscal_start():
    rule = rules.rule_from_picker("quarterly", at=time(9, 0), nth=1, weekday="MO",
                                  quarter_month=2, start_month=2)
    assert "BYMONTH=3,6,9,12" in rule
    assert rules.picker_from_rule("quarterly", rule, start_month=2)["quarter_month"] == 2


def test_picker_refuses_daily_without_weekdays():
    with pytest.raises(rules.ScheduleError) as info:
        rules.rule_from_picker("daily", at=time(9, 0), weekdays=[])
    assert info.value.field == "weekdays"


def test_unusual_rule_only_shows_in_the_advanced_field():
    assert rules.picker_from_rule("weekly", "FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9;BYMINUTE=0") is None


# --- Lint -------------------------------------------------------------------------

def _r(**kw):
    base = {"id": 1, "name": "R", "horizon": "weekly", "duration_minutes": 30, "owner_id": 1,
            "output": "x", "output_section_id": 1, "purpose": "", "active": True}
    return SimpleNamespace(**{**base, **kw})


def test_lint_flags_long_daily_missing_owner_output_uncovered_horizons_and_no_forecast():
    found = rules.lint([
        _r(id=1, horizon="daily", duration_minutes=45),
        _r(id=2, owner_id=None, output=" "),
        _r(id=3, horizon="monthly", active=False),
    ])
    codes = sorted((f.code, f.ritual_id) for f in found)
    assert codes == sorted([
        ("daily_too_long", 1), ("no_owner", 2), ("no_output", 2),
        ("horizon_uncovered", None), ("horizon_uncovered", None), ("no_weekly_forecast", None),
    ])


def test_lint_is_quiet_for_a_complete_cadence():
    assert rules.lint([
        _r(horizon="daily", duration_minutes=15), _r(horizon="weekly", purpose="forecast"),
        _r(horizon="monthly"), _r(horizon="quarterly"),
    ]) == []


def test_grace_defaults_to_a_day_for_daily_and_two_days_otherwise():
    assert rules.grace_period("daily").days == 1
    assert rules.grace_period("weekly").days == 2
    assert rules.grace_period("quarterly").days == 2


def test_a_rule_that_never_matches_is_refused_naming_the_rule():
    # How quickly: bench/refuse_rule.py.
    with pytest.raises(rules.ScheduleError, match="no date") as info:
        sched("FREQ=WEEKLY;BYDAY=MO;BYMONTH=2;BYMONTHDAY=30;BYHOUR=9;BYMINUTE=0")
    assert info.value.field == "rrule"
