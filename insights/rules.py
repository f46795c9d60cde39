"""The scorecard's pure rules, no database: the period a value belongs to and how its key
is written, how a value reads against its target, and composite formulas.

A period's key is readable and means one thing for its cadence: ``2026-W49`` (an ISO
week, Monday to Sunday), ``2026-12`` (a calendar month), ``FY2027-Q1`` (a fiscal quarter,
written as ``revops.fiscal`` writes it everywhere else: with a fiscal year that starts
in February, "2026-Q4" would not say which quarter it is).
"""

import ast
import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.formats import number_format
from simpleeval import SimpleEval

from revops import fiscal

WEEKLY, MONTHLY, QUARTERLY = "weekly", "monthly", "quarterly"
WEEK_KEY = re.compile(r"^(\d{4})-W(\d{2})$", re.ASCII)
MONTH_KEY = re.compile(r"^(\d{4})-(\d{2})$", re.ASCII)
EXAMPLES = {WEEKLY: "2026-W49", MONTHLY: "2026-12", QUARTERLY: "FY2027-Q1"}


@dataclass(frozen=True)
class Period:
    key: str
    start: date
    end: date

    def __str__(self):
        return self.key


def _week(start):
    year, week, _ = start.isocalendar()
    return Period(f"{year}-W{week:02d}", start, start + timedelta(days=6))


def _month(year, month):
    start = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return Period(f"{year}-{month:02d}", start, following - timedelta(days=1))


def _quarter(quarter):
    return Period(quarter.code, quarter.start, quarter.end)


def parse_period(cadence, key, *, start_month=None):
    """The period of ``cadence`` named ``key``, or ValueError saying how to write one."""
    key = (key or "").strip().upper()
    wrong = ValueError(f"“{key}” is not a {cadence} period: write it like "
                       f"{EXAMPLES[cadence]}.")
    if cadence == WEEKLY:
        match = WEEK_KEY.match(key)
        if not match or int(match[1]) < fiscal.FIRST_YEAR:
            raise wrong
        try:
            return _week(date.fromisocalendar(int(match[1]), int(match[2]), 1))
        except ValueError:
            raise wrong from None
    if cadence == MONTHLY:
        match = MONTH_KEY.match(key)
        if not match or int(match[1]) < fiscal.FIRST_YEAR or not 1 <= int(match[2]) <= 12:
            raise wrong
        return _month(int(match[1]), int(match[2]))
    try:
        return _quarter(fiscal.parse_quarter(key, start_month))
    except ValueError:
        raise wrong from None


def period_of(cadence, day, *, start_month=None):
    """The period of ``cadence`` that contains ``day``."""
    if cadence == WEEKLY:
        return _week(day - timedelta(days=day.weekday()))
    if cadence == MONTHLY:
        return _month(day.year, day.month)
    return _quarter(fiscal.fiscal_quarter(day, start_month))


def last_closed(cadence, today, *, start_month=None):
    """The latest period of ``cadence`` that ended before ``today``."""
    current = period_of(cadence, today, start_month=start_month)
    return period_of(cadence, current.start - timedelta(days=1), start_month=start_month)


def closed_periods(cadence, today, count, *, start_month=None):
    """The last ``count`` closed periods of ``cadence``, oldest first."""
    periods = [last_closed(cadence, today, start_month=start_month)]
    while len(periods) < count:
        periods.append(period_of(cadence, periods[-1].start - timedelta(days=1),
                                 start_month=start_month))
    return periods[::-1]


# How a value reads against its target ---------------------------------------------------

ON_TRACK, WARNING, OFF_TRACK, MISSING, NO_TARGET = (
    "on_track", "warning", "off_track", "missing", "no_target")
STATUS_LABELS = {ON_TRACK: "On track", WARNING: "Warning", OFF_TRACK: "Off track",
                 MISSING: "Missing", NO_TARGET: "No target"}


def status(value, *, target, warning, higher_is_better):
    """On track when ``value`` reaches ``target``; a warning within ``warning`` of it (the
    band, in the metric's unit, on the bad side of the target); off track beyond that.
    A missing value is missing, never zero."""
    if value is None:
        return MISSING
    if target is None:
        return NO_TARGET
    short = (target - value) if higher_is_better else (value - target)
    if short <= 0:
        return ON_TRACK
    return WARNING if short <= (warning or 0) else OFF_TRACK


def off_track_streak(statuses):
    """How many of the latest ``statuses`` (oldest first) are off track in a row."""
    streak = 0
    for one in reversed(statuses):
        if one != OFF_TRACK:
            break
        streak += 1
    return streak


SUFFIX = {"percent": " %", "duration": " d", "hours": " h"}


def shown(value, unit):
    """``31.5 %``, ``25,000``, ``12 d``; "missing" for no value (never a zero)."""
    if value is None:
        return "missing"
    whole = value == value.to_integral()
    text = number_format(value.normalize() if whole else round(value, 2),
                         decimal_pos=0 if whole else None, use_l10n=True,
                         force_grouping=True)
    return f"{text}{SUFFIX.get(unit, '')}"


# Composite formulas --------------------------------------------------------------------

MAX_FORMULA_CHARS = 300
OPERATORS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
             ast.Mult: lambda a, b: a * b, ast.Div: lambda a, b: a / b,
             ast.USub: lambda a: -a, ast.UAdd: lambda a: +a}
ALLOWED_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Constant,
                 ast.Load, *OPERATORS)


class FormulaError(ValueError):
    pass


def variable(slug):
    """How a formula names the metric ``slug``: ``win-rate`` is ``win_rate``."""
    return slug.replace("-", "_")


def _evaluator(names):
    return SimpleEval(operators=OPERATORS, functions={}, names=names)


def formula_names(formula):
    """The metric names ``formula`` uses, in order of appearance; FormulaError when it
    is not arithmetic over names and numbers (+ − × ÷ and brackets)."""
    if len(formula) > MAX_FORMULA_CHARS:
        raise FormulaError(f"Keep the formula under {MAX_FORMULA_CHARS} characters.")
    try:
        tree = ast.parse(formula, mode="eval")
    except (SyntaxError, ValueError):
        raise FormulaError("The formula is not arithmetic: use metric names, numbers, "
                           "+ − * / and brackets.") from None
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.append(node.id)
        elif not isinstance(node, ALLOWED_NODES):
            raise FormulaError("Only metric names, numbers, + − * / and brackets may be "
                               "used in a formula.")
        if isinstance(node, ast.Constant) and not isinstance(node.value, int | float):
            raise FormulaError("Only numbers may be written in a formula.")
    if not names:
        raise FormulaError("A composite formula names at least one metric.")
    return list(dict.fromkeys(names))


def check_formula(formula, known):
    """FormulaError unless ``formula`` only names metrics in ``known`` and divides by
    nothing that is zero whatever the parts are (``x / 0``, ``x / (y - y)``): it is
    tried with every part at one."""
    names = formula_names(formula)
    unknown = [name for name in names if name not in known]
    if unknown:
        raise FormulaError(f"The formula names no metric called {', '.join(unknown)}.")
    try:
        evaluate(formula, dict.fromkeys(names, Decimal(1)))
    except ZeroDivisionError:
        raise FormulaError("The formula divides by zero.") from None
    return names


def evaluate(formula, values):
    """``formula`` over ``values`` (``{name: Decimal}``), or None when a part is missing
    or the result is not a number; ZeroDivisionError when a part it divides by is zero."""
    if any(v is None for v in values.values()):
        return None
    try:
        result = _evaluator({k: float(v) for k, v in values.items()}).eval(formula)
    except OverflowError:
        return None
    if not math.isfinite(result):
        return None
    return Decimal(repr(round(result, 4)))


# The system metrics: the model's own health, computed daily (services/system.py) -------

@dataclass(frozen=True)
class SystemMetric:
    key: str  # its slug too: no other metric may take it
    name: str
    layer: str
    target: int  # percent
    warning: int


SYSTEM = [
    SystemMetric("runbook-freshness", "Run-book freshness", "process", 90, 10),
    SystemMetric("ritual-adherence", "Ritual adherence", "strategy", 90, 10),
    SystemMetric("raci-signoff-coverage", "RACI sign-off coverage", "strategy", 100, 20),
    SystemMetric("seats-with-deputies", "Seats with deputies", "strategy", 100, 25),
    SystemMetric("acknowledged-changes", "Acknowledged changes", "strategy", 100, 20),
]
