"""Fiscal-quarter arithmetic. Pure functions of the start month: only when it is not
given do they read the organisation's setting (``start_month()``).

A quarter is named by a running index: ``quarter_index(d)`` grows by one every
fiscal quarter, so the distance between two dates in quarters is a subtraction.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from revops import organisation


def start_month():
    """The month the organisation's fiscal year starts in (1–12): its setting, which a
    lead changes on /settings/ (the environment's until then)."""
    return organisation.fiscal_year_start_month()


def _start_month(month):
    return start_month() if month is None else month


def quarter_index(d, start_month=None):
    """Running index of the fiscal quarter containing ``d``."""
    months_since_fy_start = d.year * 12 + (d.month - _start_month(start_month))
    return months_since_fy_start // 3


def quarter_start(index, start_month=None):
    """First day of the fiscal quarter with running index ``index``."""
    month0 = index * 3 + _start_month(start_month) - 1  # zero-based absolute month
    return date(month0 // 12, month0 % 12 + 1, 1)


def quarter_end(index, start_month=None):
    return quarter_start(index + 1, start_month) - timedelta(days=1)


@dataclass(frozen=True)
class FiscalQuarter:
    year: int  # the fiscal year is named by the calendar year it ends in
    number: int  # 1..4
    start: date
    end: date

    def __str__(self):
        return f"FY{self.year} Q{self.number}"

    @property
    def code(self):
        """The quarter as the API writes it: ``FY2027-Q1``."""
        return f"FY{self.year}-Q{self.number}"


QUARTER_CODE = re.compile(r"^FY(\d{4})-Q([1-4])$", re.ASCII)
FIRST_YEAR = 1900  # no team ran a RevOps model before; it keeps dates in range


def fiscal_quarter(d, start_month=None):
    """The fiscal quarter containing ``d``: its name, first and last day."""
    sm = _start_month(start_month)
    index = quarter_index(d, sm)
    start = quarter_start(index, sm)
    fy_start_year = start.year if start.month >= sm else start.year - 1
    return FiscalQuarter(
        year=fy_start_year if sm == 1 else fy_start_year + 1,
        number=(start.month - sm) % 12 // 3 + 1,
        start=start,
        end=quarter_end(index, sm),
    )


def quarter_by_index(index, start_month=None):
    """The fiscal quarter with running index ``index``."""
    return fiscal_quarter(quarter_start(index, start_month), start_month)


def parse_quarter(code, start_month=None):
    """The fiscal quarter named ``code`` (``FY2027-Q1``, as ``FiscalQuarter.code`` writes
    it), or ValueError. The fiscal year is named by the calendar year it ends in, so with
    a February start FY2027 Q1 begins in February 2026."""
    match = QUARTER_CODE.match((code or "").strip().upper())
    if not match or int(match[1]) < FIRST_YEAR:
        raise ValueError(f"“{code}” is not a fiscal quarter: write it like FY2027-Q1.")
    sm = _start_month(start_month)
    year, number = int(match[1]), int(match[2])
    first_year = year if sm == 1 else year - 1
    month0 = first_year * 12 + sm - 1 + (number - 1) * 3
    return fiscal_quarter(date(month0 // 12, month0 % 12 + 1, 1), sm)
