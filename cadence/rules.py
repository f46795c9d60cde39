"""Pure rules of the cadence: schedules as RFC 5545 recurrence rules, their agreement
with a ritual's horizon, fiscal-quarter anchoring, wall-clock expansion across DST,
the simple pickers and the lint. No database here.

Expansion follows RFC 5545 §3.3.5: the rule is expanded on *naive* local times in
the ritual's zone, then the zone is attached with ``fold=0``. That keeps 09:00 at
09:00 across DST, reads an ambiguous fall-back time as the first of the two, and a
time inside a spring-forward gap with the offset from before the gap (02:30 in New
York on the change day becomes 03:30 EDT). ``zoneinfo`` does exactly that; pytz
would not, which is why it is not used.
"""

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from dateutil.rrule import rrulestr

from revops import fiscal
from revops.zones import known_zones, unknown_zone_message

DAILY, WEEKLY, MONTHLY, QUARTERLY = "daily", "weekly", "monthly", "quarterly"
HORIZONS = (DAILY, WEEKLY, MONTHLY, QUARTERLY)

# How far ahead occurrences are materialized ("the next 12 months").
WINDOW = timedelta(days=365)
MAX_DURATION_MINUTES = 8 * 60
# The calendar pages and date filters stay within these days (no overflow at year 1 or 9999).
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)


def clamp_day(day):
    """``day`` moved into ``FIRST_DAY``..``LAST_DAY``."""
    return min(max(day, FIRST_DAY), LAST_DAY)


DAILY_LINT_MINUTES = 30

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WORKDAYS = WEEKDAYS[:5]
WEEKDAY_NAMES = dict(zip(WEEKDAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                    "Saturday", "Sunday"), strict=True))
NTH_NAMES = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}

# Rule parts written out in this order, so equal schedules compare equal as text.
PART_ORDER = ("FREQ", "INTERVAL", "BYMONTH", "BYWEEKNO", "BYYEARDAY", "BYMONTHDAY", "BYDAY",
              "BYSETPOS", "BYHOUR", "BYMINUTE", "BYSECOND", "WKST")
FORBIDDEN_PARTS = {
    "DTSTART": "Give the rule alone, without DTSTART: the product sets the start.",
    "COUNT": "COUNT is not supported: deactivate the ritual to stop it.",
    "UNTIL": "UNTIL is not supported: deactivate the ritual to stop it.",
}
FREQ_FOR_HORIZON = {DAILY: "DAILY", WEEKLY: "WEEKLY", MONTHLY: "MONTHLY"}
DEFAULT_GRACE = {DAILY: timedelta(days=1)}
OTHER_GRACE = timedelta(days=2)

# An occurrence's outcome: the rating's scale, a decision's or action's words, and how
# many of each one meeting may leave behind.
RATING_MIN, RATING_MAX = 1, 10
OUTCOME_TEXT_MAX = 2000
OUTCOME_ITEMS_MAX = 50


class ScheduleError(ValueError):
    """A schedule that cannot be used; ``field`` names the input at fault."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


# Files of the system's zone database that are not places: "localtime" is whatever zone
# this machine is set to, "Factory" a zone with no offset meaning "not configured".
def zone(name):
    """The ``ZoneInfo`` for an IANA name, or ScheduleError('timezone')."""
    if not name or name not in known_zones():
        raise ScheduleError(
            "timezone", unknown_zone_message(name)
        )
    return zoneinfo.ZoneInfo(name)


def parse_rule(text):
    """``{PART: value}`` of a recurrence rule given alone (``RRULE:`` prefix tolerated)."""
    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if not text:
        raise ScheduleError("rrule", "The schedule rule is empty.")
    if "\n" in text or "\r" in text:
        raise ScheduleError("rrule", "Give one RRULE line alone, without DTSTART.")
    parts = {}
    for chunk in text.split(";"):
        if not chunk:
            continue
        key, sep, value = chunk.partition("=")
        key, value = key.strip().upper(), value.strip().upper()
        if not sep or not key or not value:
            raise ScheduleError("rrule", f"Cannot read {chunk!r}: expected NAME=VALUE.")
        if key in FORBIDDEN_PARTS:
            raise ScheduleError("rrule", FORBIDDEN_PARTS[key])
        if key not in PART_ORDER:
            raise ScheduleError("rrule", f"Unknown rule part {key!r}.")
        if key in parts:
            raise ScheduleError("rrule", f"{key} is given twice.")
        parts[key] = value
    if "FREQ" not in parts:
        raise ScheduleError("rrule", "The rule needs a FREQ.")
    return parts


def format_rule(parts):
    return ";".join(f"{k}={parts[k]}" for k in PART_ORDER if k in parts)


def _ints(parts, key):
    try:
        return [int(v) for v in parts[key].split(",")]
    except ValueError as exc:
        raise ScheduleError("rrule", f"{key} must be a list of numbers.") from exc


def time_of_day(parts):
    """The one wall-clock time of day a rule names with BYHOUR and BYMINUTE."""
    if "BYHOUR" not in parts or "BYMINUTE" not in parts:
        raise ScheduleError("rrule", "Give the time of day as BYHOUR and BYMINUTE.")
    hours, minutes = _ints(parts, "BYHOUR"), _ints(parts, "BYMINUTE")
    if len(hours) != 1 or len(minutes) != 1:
        raise ScheduleError("rrule", "A ritual happens at one time of day: one BYHOUR, "
                                     "one BYMINUTE.")
    if "BYSECOND" in parts and _ints(parts, "BYSECOND") != [0]:
        raise ScheduleError("rrule", "BYSECOND, if given, must be 0.")
    if not (0 <= hours[0] <= 23 and 0 <= minutes[0] <= 59):
        raise ScheduleError("rrule", "BYHOUR must be 0-23 and BYMINUTE 0-59.")
    return time(hours[0], minutes[0])


def _interval(parts):
    value = _ints(parts, "INTERVAL")[0] if "INTERVAL" in parts else 1
    if value < 1:
        raise ScheduleError("rrule", "INTERVAL must be 1 or more.")
    return value


def is_fiscal_quarter_step(parts):
    """``FREQ=MONTHLY;INTERVAL=3``: the quarterly form whose start we anchor."""
    return parts["FREQ"] == "MONTHLY" and _interval(parts) == 3


def check_horizon(horizon, parts):
    """The horizon and the rule must agree (RFC 5545 has no quarterly frequency)."""
    if horizon not in HORIZONS:
        raise ScheduleError("horizon", f"Unknown horizon {horizon!r}: one of "
                                       f"{', '.join(HORIZONS)}.")
    freq, interval = parts["FREQ"], _interval(parts)
    if horizon in FREQ_FOR_HORIZON:
        wanted = FREQ_FOR_HORIZON[horizon]
        if freq != wanted or interval != 1:
            raise ScheduleError(
                "rrule", f"A {horizon} ritual needs FREQ={wanted} (every "
                         f"{wanted.lower()[:-2] if wanted != 'DAILY' else 'day'}), "
                         f"not FREQ={freq}" + (f";INTERVAL={interval}" if interval > 1 else "")
                         + ".",
            )
        return
    if is_fiscal_quarter_step(parts):
        if "BYMONTH" in parts:
            raise ScheduleError("rrule", "FREQ=MONTHLY;INTERVAL=3 is anchored on the fiscal "
                                         "quarter: leave BYMONTH out.")
        return
    if freq == "YEARLY" and "BYMONTH" in parts:
        months = sorted(set(_ints(parts, "BYMONTH")))
        if len(months) == 4 and all(1 <= m <= 12 for m in months) and len(
            {m % 3 for m in months}
        ) == 1:
            return
    raise ScheduleError(
        "rrule", "A quarterly ritual needs FREQ=MONTHLY;INTERVAL=3 (anchored on the fiscal "
                 "quarter) or FREQ=YEARLY;BYMONTH= four months three apart, e.g. 2,5,8,11.",
    )


def anchor(parts, local_day, start_month):
    """The naive local DTSTART the rule is expanded from.

    Every-third-month rules start on the first day of the fiscal quarter containing
    ``local_day`` so each step lands in the same month of every fiscal quarter; the
    other rules step by one period, so any start day gives the same dates.
    """
    if is_fiscal_quarter_step(parts):
        local_day = fiscal.quarter_start(fiscal.quarter_index(local_day, start_month),
                                         start_month)
    return datetime.combine(local_day, time(0, 0))


@dataclass(frozen=True)
class Schedule:
    """A checked schedule: the normalized rule, its zone and the time it starts from."""

    rule: str
    tz: zoneinfo.ZoneInfo
    dtstart: datetime  # naive, local
    starts_at: datetime  # aware: nothing is scheduled before it
    start_time: time

    def attach(self, naive):
        """The zone attached with ``fold=0``, then normalized through UTC so a time
        inside a spring-forward gap reads as the real wall clock after it (03:30 EDT)."""
        return naive.replace(tzinfo=self.tz, fold=0).astimezone(UTC).astimezone(self.tz)

    def _rrule(self):
        return rrulestr(self.rule, dtstart=self.dtstart, cache=False)

    def between(self, start, end):
        """Aware datetimes (in the ritual's zone) of the schedule in ``[start, end)``."""
        start = max(start, self.starts_at)
        if start >= end:
            return []
        # Widen the naive bounds by a day: an aware bound can map to either side of
        # a DST change; the exact filter happens on the aware times below.
        lo = start.astimezone(self.tz).replace(tzinfo=None) - timedelta(days=1)
        hi = end.astimezone(self.tz).replace(tzinfo=None) + timedelta(days=1)
        result = []
        for naive in self._rrule().between(max(lo, self.dtstart), hi, inc=True):
            aware = self.attach(naive)
            if start <= aware < end:
                result.append(aware)
        return result

    def upcoming(self, after, count):
        """The next ``count`` times at or after ``after``."""
        after = max(after, self.starts_at)
        naive_after = after.astimezone(self.tz).replace(tzinfo=None) - timedelta(days=1)
        result = []
        for naive in self._rrule().xafter(max(naive_after, self.dtstart), count=count + 4,
                                          inc=True):
            aware = self.attach(naive)
            if aware >= after:
                result.append(aware)
            if len(result) == count:
                break
        return result


def schedule(*, horizon, rrule, timezone, starts_at, start_month):
    """Check a schedule completely and return it, or raise ScheduleError naming the field.

    ``starts_at`` (aware) is when the schedule takes effect: the ritual's creation or
    the moment its schedule changed. A rule that yields nothing within a year of it is
    refused.
    """
    tz = zone(timezone)
    parts = parse_rule(rrule)
    check_horizon(horizon, parts)
    start_time = time_of_day(parts)
    rule = format_rule(parts)
    local_day = starts_at.astimezone(tz).date()
    dtstart = anchor(parts, local_day, start_month)
    try:
        rrulestr(rule, dtstart=dtstart)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise ScheduleError("rrule", f"Cannot read this rule: {exc}.") from exc
    local_start = starts_at.astimezone(tz).replace(tzinfo=None)
    if not _yields_between(rule, dtstart, local_start - timedelta(days=1),
                           local_start + WINDOW + timedelta(days=1)):
        raise ScheduleError("rrule", "This rule yields no date in the next year.")
    result = Schedule(rule=rule, tz=tz, dtstart=dtstart, starts_at=starts_at,
                      start_time=start_time)
    first = result.upcoming(starts_at, 1)
    if not first or first[0] >= starts_at + WINDOW:
        raise ScheduleError("rrule", "This rule yields no date in the next year.")
    return result


# The Gregorian calendar repeats exactly every 400 years (weekdays and leap days alike).
CALENDAR_CYCLE_YEARS = 400


def _yields_between(rule, dtstart, start, end):
    """Whether the rule has a date in ``[start, end]`` (naive, local).

    A rule that never matches (``BYMONTH=2;BYMONTHDAY=30``) makes dateutil walk period
    by period up to the year 9999 before it gives up: seconds of CPU per request. So
    the question is asked of the same dates moved whole 400-year cycles forward, close
    to that limit, where the walk ends within a few years.
    """
    shift = (datetime.max.year - 2 - end.year) // CALENDAR_CYCLE_YEARS * CALENDAR_CYCLE_YEARS

    def moved(moment):
        return moment.replace(year=moment.year + shift)

    found = rrulestr(rule, dtstart=moved(dtstart), cache=False).after(moved(start), inc=True)
    return found is not None and found <= moved(end)


def grace_period(horizon, override=None):
    """How long after its time an occurrence may still be recorded before it is missed."""
    if override is not None:
        return override
    return DEFAULT_GRACE.get(horizon, OTHER_GRACE)


def check_duration(minutes):
    if minutes is None or not (1 <= minutes <= MAX_DURATION_MINUTES):
        raise ScheduleError("duration_minutes", f"The duration must be between 1 and "
                                                f"{MAX_DURATION_MINUTES} minutes.")


# --- Pickers: the simple forms of the UI, and back.

def _time_parts(at):
    return f"BYHOUR={at.hour};BYMINUTE={at.minute}"


def _check_weekday(day):
    if day not in WEEKDAYS:
        raise ScheduleError("weekday", "Choose a weekday.")


def _check_nth(nth):
    if nth not in NTH_NAMES:
        raise ScheduleError("nth", "Choose first, second, third, fourth or last.")


def rule_from_picker(horizon, *, at, weekdays=(), weekday="", monthly_mode="day",
                     month_day=1, nth=1, quarter_month=1, start_month=1):
    """The rule a picker describes. ``at`` is a ``time``.

    daily: the chosen weekdays; weekly: one weekday; monthly: day N (``-1`` for the last
    day) or the nth weekday; quarterly: the nth weekday of the first, second or third
    month of each fiscal quarter.
    """
    if at is None:
        raise ScheduleError("at", "Choose a time of day.")
    if horizon == DAILY:
        days = [d for d in WEEKDAYS if d in set(weekdays)]
        if not days:
            raise ScheduleError("weekdays", "Choose at least one weekday.")
        return f"FREQ=DAILY;BYDAY={','.join(days)};{_time_parts(at)}"
    if horizon == WEEKLY:
        _check_weekday(weekday)
        return f"FREQ=WEEKLY;BYDAY={weekday};{_time_parts(at)}"
    if horizon == MONTHLY:
        if monthly_mode == "day":
            if month_day != -1 and not (1 <= month_day <= 28):
                raise ScheduleError("month_day", "Choose a day from 1 to 28, or the last day.")
            return f"FREQ=MONTHLY;BYMONTHDAY={month_day};{_time_parts(at)}"
        _check_weekday(weekday)
        _check_nth(nth)
        return f"FREQ=MONTHLY;BYDAY={nth:+d}{weekday};{_time_parts(at)}"
    if horizon == QUARTERLY:
        _check_weekday(weekday)
        _check_nth(nth)
        if quarter_month not in (1, 2, 3):
            raise ScheduleError("quarter_month", "Choose the first, second or third month.")
        if quarter_month == 1:
            return f"FREQ=MONTHLY;INTERVAL=3;BYDAY={nth:+d}{weekday};{_time_parts(at)}"
        first = (start_month - 1 + quarter_month - 1) % 12
        months = sorted((first + 3 * k) % 12 + 1 for k in range(4))
        return (f"FREQ=YEARLY;BYMONTH={','.join(map(str, months))};BYDAY={nth:+d}{weekday};"
                f"{_time_parts(at)}")
    raise ScheduleError("horizon", f"Unknown horizon {horizon!r}.")


def _nth_weekday(value):
    """``+2WE`` → (2, "WE"); None when it is not one nth weekday."""
    if len(value) < 3 or value[-2:] not in WEEKDAYS or "," in value:
        return None
    try:
        nth = int(value[:-2])
    except ValueError:
        return None
    return (nth, value[-2:]) if nth in NTH_NAMES else None


def picker_from_rule(horizon, rule, start_month=1):
    """The picker values that produce ``rule``, or None when only the advanced field can
    show it. ``rule_from_picker(**picker_from_rule(...))`` gives the rule back."""
    try:
        parts = parse_rule(rule)
        check_horizon(horizon, parts)
        at = time_of_day(parts)
    except ScheduleError:
        return None
    values = {"at": at}
    keys = set(parts) - {"BYHOUR", "BYMINUTE", "BYSECOND"}
    if horizon == DAILY and keys == {"FREQ", "BYDAY"}:
        days = parts["BYDAY"].split(",")
        if set(days) <= set(WEEKDAYS):
            values["weekdays"] = [d for d in WEEKDAYS if d in days]
    elif horizon == DAILY and keys == {"FREQ"}:
        values["weekdays"] = list(WEEKDAYS)
    elif horizon == WEEKLY and keys == {"FREQ", "BYDAY"} and parts["BYDAY"] in WEEKDAYS:
        values["weekday"] = parts["BYDAY"]
    elif horizon == MONTHLY and keys == {"FREQ", "BYMONTHDAY"}:
        day = int(parts["BYMONTHDAY"]) if parts["BYMONTHDAY"].lstrip("-").isdigit() else 0
        if day == -1 or 1 <= day <= 28:
            values.update(monthly_mode="day", month_day=day)
    elif horizon == MONTHLY and keys == {"FREQ", "BYDAY"} and _nth_weekday(parts["BYDAY"]):
        nth, day = _nth_weekday(parts["BYDAY"])
        values.update(monthly_mode="weekday", nth=nth, weekday=day)
    elif horizon == QUARTERLY and _nth_weekday(parts.get("BYDAY", "")):
        nth, day = _nth_weekday(parts["BYDAY"])
        if keys == {"FREQ", "INTERVAL", "BYDAY"}:
            values.update(nth=nth, weekday=day, quarter_month=1)
        elif keys == {"FREQ", "BYMONTH", "BYDAY"}:
            first = min(_ints(parts, "BYMONTH"))
            values.update(nth=nth, weekday=day,
                          quarter_month=(first - start_month) % 3 + 1)
    if len(values) == 1:
        return None
    values["horizon"] = horizon
    if rule_from_picker(start_month=start_month, **values) != format_rule(parts):
        return None
    return values


@lru_cache(maxsize=4096)
def describe(horizon, rule, start_month=1):
    """A sentence for people: "Every Monday at 09:00". Cached: a list of rituals repeats
    a handful of rules, and parsing one is most of the cost of a ritual in the API."""
    picked = picker_from_rule(horizon, rule, start_month)
    if picked is None:
        return rule
    at = picked["at"].strftime("%H:%M")
    if horizon == DAILY:
        days = picked["weekdays"]
        if days == list(WORKDAYS):
            return f"Every weekday at {at}"
        if days == list(WEEKDAYS):
            return f"Every day at {at}"
        return f"Every {', '.join(WEEKDAY_NAMES[d] for d in days)} at {at}"
    if horizon == WEEKLY:
        return f"Every {WEEKDAY_NAMES[picked['weekday']]} at {at}"
    if horizon == MONTHLY:
        if picked.get("monthly_mode") == "day":
            day = picked["month_day"]
            return f"Monthly on the {'last day' if day == -1 else _ordinal(day)} at {at}"
        return (f"Monthly on the {NTH_NAMES[picked['nth']]} "
                f"{WEEKDAY_NAMES[picked['weekday']]} at {at}")
    month = ("first", "second", "third")[picked["quarter_month"] - 1]
    return (f"Each fiscal quarter, {NTH_NAMES[picked['nth']]} "
            f"{WEEKDAY_NAMES[picked['weekday']]} of its {month} month at {at}")


def _ordinal(n):
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


# --- Lint: warnings about the shape of the cadence, never errors.

@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    ritual_id: int | None = None
    severity: str = "warning"


FORECAST = "forecast"
REFRESH = "refresh"


def lint(rituals):
    """Warnings for the active rituals. Each ritual needs ``id, name, horizon,
    duration_minutes, owner_id, output, output_section_id, purpose, active``."""
    active = [r for r in rituals if r.active]
    findings = []
    for r in active:
        if r.horizon == DAILY and r.duration_minutes > DAILY_LINT_MINUTES:
            findings.append(Finding(
                "daily_too_long",
                f"“{r.name}” is a daily ritual of {r.duration_minutes} minutes: keep daily "
                f"rituals to {DAILY_LINT_MINUTES} minutes a person.", r.id))
        if r.owner_id is None:
            findings.append(Finding("no_owner", f"“{r.name}” has no owner function.", r.id))
        if not (r.output or "").strip():
            findings.append(Finding("no_output", f"“{r.name}” produces no stated output.",
                                    r.id))
    covered = {r.horizon for r in active}
    for horizon in HORIZONS:
        if horizon not in covered:
            findings.append(Finding("horizon_uncovered",
                                    f"No active {horizon} ritual: the {horizon} horizon "
                                    f"is uncovered."))
    if not any(r.horizon == WEEKLY and r.purpose == FORECAST for r in active):
        findings.append(Finding("no_weekly_forecast",
                                "No weekly forecast ritual: the number is never called "
                                "together."))
    return findings
