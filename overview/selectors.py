"""Reads of what the model as a whole keeps of its own, shared by pages and endpoints."""

import calendar
from dataclasses import dataclass

from cadence import selectors as cadence_selectors
from overview.models import MaturityAssessment
from revops import fiscal
from revops.words import counted, plural
from runbook import selectors as runbook_selectors


def assessments():
    """Maturity assessments, newest quarter first, with who recorded each and the refresh
    it was tied to joined: one query whatever their number."""
    return (MaturityAssessment.objects
            .select_related("recorded_by", "occurrence", "occurrence__ritual")
            .order_by("-quarter_start"))


def assessment_for(quarter):
    """The assessment of ``quarter`` (a ``FiscalQuarter``), or None."""
    return assessments().filter(quarter_start=quarter.start).first()


def recent_assessment(*, today):
    """The assessment of this fiscal quarter or, failing that, of the last one; or None.
    The readiness report asks for one of the two."""
    this = fiscal.quarter_index(today)
    since = fiscal.quarter_start(this - 1)
    return assessments().filter(quarter_start__gte=since, quarter_start__lte=today).first()


@dataclass
class FiscalYearChange:
    """What moving the fiscal year's first month from ``before`` to ``after`` does today:
    the sections and definitions whose review state changes (each with
    ``review_state`` and ``review_state_after``) and the rituals whose times move."""

    before: int
    after: int
    sections: list
    definitions: list
    moves: list

    @property
    def changes_anything(self):
        return bool(self.sections or self.definitions or self.moves)

    @property
    def month_before(self):
        return calendar.month_name[self.before]

    @property
    def month_after(self):
        return calendar.month_name[self.after]

    @property
    def summary(self):
        """In words: "3 sections change state, 1 definition changes state, 2 quarterly
        rituals move", or that nothing changes."""
        parts = []
        if self.sections:
            parts.append(f"{counted(len(self.sections), 'section')} "
                         f"{plural(len(self.sections), 'changes', 'change')} state")
        if self.definitions:
            parts.append(f"{counted(len(self.definitions), 'definition')} "
                         f"{plural(len(self.definitions), 'changes', 'change')} state")
        if self.moves:
            parts.append(f"{counted(len(self.moves), 'quarterly ritual')} "
                         f"{plural(len(self.moves), 'moves', 'move')}")
        return ", ".join(parts) if parts else "No review state changes and no ritual moves"


def fiscal_year_change(*, start_month, today, now):
    """The preview of a new fiscal start month (``FiscalYearChange``): a fixed number of
    queries however many sections, definitions and rituals there are."""
    sections, definitions = runbook_selectors.review_state_changes(today=today,
                                                                   start_month=start_month)
    return FiscalYearChange(
        before=fiscal.start_month(), after=start_month, sections=sections,
        definitions=definitions,
        moves=cadence_selectors.rituals_moved_by_fiscal_year(start_month=start_month, now=now))
