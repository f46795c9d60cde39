"""Fiscal-quarter arithmetic. Pure functions: no database, no settings lookups
unless a start month is not given.

A quarter is named by a running index: ``quarter_index(d)`` grows by one every
fiscal quarter, so the distance between two dates in quarters is a subtraction.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings


def _start_month(start_month):
    return settings.REVOPS_FISCAL_YEAR_START_MONTH if start_month is None else start_month


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
