"""The Friday test: could the team run next quarter from what is written here if the
RevOps leader left on Friday? One report, composed from each app's selectors.

Each check says what passes, what does not, and where to fix it. The score is the
share of checks passed.
"""

from dataclasses import dataclass, field

from django.urls import reverse


@dataclass
class Check:
    code: str
    passed: bool
    message: str
    fix_url: str = ""
    gaps: list = field(default_factory=list)


@dataclass
class Report:
    checks: list

    @property
    def score(self):
        if not self.checks:
            return 0
        return round(100 * sum(c.passed for c in self.checks) / len(self.checks))

    @property
    def gaps(self):
        return [c for c in self.checks if not c.passed]


def _runbook_checks(today):
    from runbook import selectors as runbook_selectors
    from runbook.models import ReviewState

    runbook = runbook_selectors.default_runbook()
    if runbook is None:
        return [Check("runbook_written", False, "There is no run book yet.",
                      reverse("runbook:index"))]
    sections = list(runbook_selectors.sections_with_state(today=today, runbook=runbook))
    current = runbook_selectors.current_revisions(sections)
    unwritten = [s for s in sections if not (current.get(s.pk) and current[s.pk].body.strip())]
    out_of_date = [s for s in sections
                   if s.review_state in (ReviewState.STALE, ReviewState.NEVER)]
    headless = [s for s in sections if s.owner is None or s.owner.head_id is None]
    url = reverse("runbook:index")
    return [
        Check("runbook_written", not unwritten and len(sections) == 6,
              "All six run-book sections are written." if not unwritten else
              f"{len(unwritten)} section(s) have no content: "
              + ", ".join(s.title for s in unwritten) + ".",
              url, [s.title for s in unwritten]),
        Check("runbook_fresh", not out_of_date,
              "No section is stale or unreviewed." if not out_of_date else
              "Stale or never reviewed: " + ", ".join(s.title for s in out_of_date) + ".",
              url, [s.title for s in out_of_date]),
        Check("sections_owned", not headless,
              "Every section is owned by a function with a head." if not headless else
              "Owned by a function with no head: " + ", ".join(s.title for s in headless) + ".",
              reverse("admin:revops_function_changelist"), [s.title for s in headless]),
    ]


def _raci_checks():
    from raci import selectors as raci_selectors

    matrix = raci_selectors.current_matrix()
    url = reverse("raci:index")
    if matrix is None:
        return [Check("raci_exists", False, "There is no RACI matrix yet.", url)]
    no_r = raci_selectors.rows_without_responsible(matrix)
    unsigned = [s.function for s in raci_selectors.missing_signoffs(matrix)
                if s.function.head_id is not None]
    return [
        Check("raci_responsible", not no_r,
              "Every RACI row has someone Responsible." if not no_r else
              "Rows with no R: " + ", ".join(r.name for r in no_r) + ".",
              url, [r.name for r in no_r]),
        Check("raci_signed_off", not unsigned,
              f"Version {matrix.version} is signed off by every head." if not unsigned else
              f"Version {matrix.version} is not signed off by: "
              + ", ".join(f.name for f in unsigned) + ".",
              url, [f.name for f in unsigned]),
    ]


def report(*, today):
    return Report(checks=[*_runbook_checks(today), *_raci_checks()])
