"""The Friday test: could the team run next quarter from what is written here if the
RevOps leader left on Friday? One report, composed from each app's selectors.

Each check says what passes, what does not, and where to fix it. The score is the
share of checks passed.
"""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from cadence import selectors as cadence_selectors
from insights import selectors as insights_selectors
from overview import departures, lint, selectors
from raci import selectors as raci_selectors
from revops import seats
from revops.models import Function, Layer
from revops.people import name_of
from revops.words import counted, plural
from runbook import selectors as runbook_selectors

# Recent occurrences count as "mostly held" from this share of held over held + missed.
HELD_SHARE = 0.8


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


def _people_checks():
    """A head deactivated by any door (console, ``manage.py``) without a hand-over leaves
    their function headless in all but name: point at the hand-over."""
    departed = list(Function.objects.filter(head__isnull=False, head__is_active=False)
                    .select_related("head").order_by("position", "slug"))
    if not departed:
        return [Check("departed_head", True, "Every function head can still sign in.")]
    return [Check(
        "departed_head", False,
        "Departed head: " + ", ".join(
            f"{f.name} ({f.head.get_full_name() or f.head.get_username()})" for f in departed
        ) + " can no longer sign in; hand over what they held.",
        reverse("person", args=[departed[0].head.get_username()]) + "#handover",
        [f.name for f in departed],
    )]


def _seat_checks():
    """Seats: someone besides the lead can run the install (a bus factor of two), every
    seat is held, every seat that is Accountable somewhere has a deputy, and successors
    have accepted what they received."""
    functions = list(Function.objects.ordered().select_related("head", "deputy"))
    revops = next((f for f in functions if f.is_revops_seat), None)
    leads = list(seats.active_leads().order_by("username")[:2])
    deputy = revops.deputy if revops is not None and revops.deputy_id else None
    backed_up = len(leads) >= 2 or (deputy is not None and deputy.is_active
                                    and revops.head_id != deputy.pk)
    seats_url = reverse("seats")
    vacant = seats.vacancies(functions)
    accountable_ids = raci_selectors.accountable_function_ids(raci_selectors.current_matrix())
    undeputised = [f for f in functions if f.pk in accountable_ids and f.deputy_id is None]
    waiting = list(departures.waiting_items().values_list(
        "handover__successor__username", flat=True).distinct())
    return [
        Check("lead_backup", backed_up,
              "Someone besides the lead can run the install: "
              + (f"{name_of(deputy)} deputises for the RevOps seat." if deputy and backed_up
                 else f"{len(leads)} people have lead rights.") if backed_up else
              (f"Only {name_of(leads[0])} can run the install" if leads else
               "Nobody can run the install")
              + ": name a deputy for the RevOps seat or grant lead rights to a second person.",
              seats_url),
        Check("seats_filled", not vacant,
              "Every seat has a holder." if not vacant else
              "Vacant: " + "; ".join(seats.vacancy_text(*v) for v in vacant) + ".",
              seats_url, [f.name for f, _ in vacant]),
        Check("accountable_deputies", not undeputised,
              "Every seat Accountable on the RACI has a deputy." if not undeputised else
              "Warning: no deputy for " + ", ".join(f.name for f in undeputised)
              + ", Accountable on the RACI.",
              seats_url, [f.name for f in undeputised]),
        Check("handovers_accepted", not waiting,
              "No hand-over waits for acceptance." if not waiting else
              "Hand-overs wait for acceptance by " + ", ".join(waiting) + ".",
              reverse("handover_inbox"), waiting),
    ]


def _listed(gaps):
    """A failing check's sections as the message names them: the first ``lint.PAGE_CAP``
    and how many more."""
    more = gaps.count - len(gaps.labels)
    return ", ".join(gaps.labels) + (f" and {more:,} more" if more else "") + "."


def _runbook_checks(today):
    """Over every run book of the live model (a hybrid model has two), each section named
    with its run book when there are several. Counted in SQL; a failing check names its
    first ``lint.PAGE_CAP`` sections (the page stays small at 100,000 sections)."""
    facts = runbook_selectors.section_readiness(today=today, shown=lint.PAGE_CAP)
    if not facts.runbooks:
        return [Check("runbook_written", False,
                      "There is no run book yet: start your model by choosing your motion.",
                      reverse("setup"))]
    unwritten, out_of_date, headless = facts.unwritten, facts.out_of_date, facts.headless
    url = reverse("runbook:index")
    every = "of every run book " if facts.runbooks > 1 else ""
    return [
        Check("runbook_written",
              not unwritten.count and facts.sections == 6 * facts.runbooks,
              f"All six sections {every}are written." if not unwritten.count else
              f"{counted(unwritten.count, 'section')} "
              f"{plural(unwritten.count, 'has', 'have')} no content: " + _listed(unwritten),
              url, unwritten.labels),
        Check("runbook_fresh", not out_of_date.count,
              f"No section {every}is stale or unreviewed." if not out_of_date.count else
              "Stale or never reviewed: " + _listed(out_of_date),
              url, out_of_date.labels),
        Check("sections_owned", not headless.count,
              "Every section is owned by a function with a head." if not headless.count else
              "Owned by a function with no head: " + _listed(headless),
              reverse("admin:revops_function_changelist"), headless.labels),
    ]


def _raci_checks():
    matrix = raci_selectors.current_matrix()
    url = reverse("raci:index")
    if matrix is None:
        return [Check("raci_exists", False, "There is no RACI matrix yet.", url)]
    no_r = raci_selectors.rows_without_responsible(matrix)
    missing = raci_selectors.missing_signoffs(matrix)
    unsigned = [s.function for s in missing]
    former = [s.function.name for s in missing if s.signed_by_former_head]
    return [
        Check("raci_responsible", not no_r,
              "Every RACI row has someone Responsible." if not no_r else
              "Rows with no R: " + ", ".join(r.name for r in no_r) + ".",
              url, [r.name for r in no_r]),
        Check("raci_signed_off", not unsigned,
              f"Version {matrix.version} is signed off by every head." if not unsigned else
              f"Version {matrix.version} is not signed off by: "
              + ", ".join(f.name for f in unsigned) + "."
              + (" Signed only by a former head (the new head has not signed): "
                 + ", ".join(former) + "." if former else ""),
              url, [f.name for f in unsigned]),
    ]


def _cadence_checks(today):
    facts = cadence_selectors.readiness(now=timezone.now(), today=today)
    url = reverse("cadence:index")
    incomplete = sorted(set(facts.rituals_missing_owner) | set(facts.rituals_missing_output))
    recorded = facts.recent_held + facts.recent_missed
    held_share = facts.recent_held / recorded if recorded else 0
    return [
        Check("cadence_horizons", not facts.horizons_missing,
              "Rituals cover the daily, weekly, monthly and quarterly horizons."
              if not facts.horizons_missing else
              "No active ritual at: " + ", ".join(facts.horizons_missing) + ".",
              url, list(facts.horizons_missing)),
        Check("rituals_complete", not incomplete and bool(facts.horizons_covered),
              "There are no rituals yet." if not facts.horizons_covered else
              "Every ritual has an owner and an output." if not incomplete else
              "Missing an owner or an output: " + ", ".join(incomplete) + ".",
              url, incomplete),
        Check("weekly_forecast", facts.has_weekly_forecast,
              "A weekly forecast ritual exists." if facts.has_weekly_forecast else
              "There is no weekly forecast ritual.", reverse("cadence:ritual_create")),
        Check("rituals_held", recorded > 0 and held_share >= HELD_SHARE,
              f"{facts.recent_held} of {recorded} recent occurrences were held."
              if recorded else "No ritual has been held or missed in the last eight weeks.",
              url),
        Check("refresh_held", facts.refresh_held_recently,
              "The quarterly operating-model refresh was held this quarter or last."
              if facts.refresh_held_recently else
              "The quarterly operating-model refresh was not held this quarter or last."
              if facts.refresh_exists else
              "There is no quarterly operating-model refresh ritual.", url),
    ]


def _maturity_checks(today):
    """A model nobody has assessed for two quarters is run on an unexamined picture of
    itself: the check asks for an assessment this fiscal quarter or the last."""
    recent = selectors.recent_assessment(today=today)
    return [Check(
        "maturity_assessed", recent is not None,
        f"Maturity was assessed for {recent.quarter}: {recent.stage.name}, held back by "
        + ", ".join(recent.constraint_pillars) + "." if recent else
        "Maturity has not been assessed this fiscal quarter or last.",
        reverse("maturity"),
    )]


def _insights_checks(today):
    """The numbers that say the model works must be measured: every insights-layer
    metric (a composite's parts included) has a value for its last closed period."""
    rows = [r for r in insights_selectors.rows(today=today, periods=1)
            if r.metric.layer == Layer.INSIGHTS and not r.metric.system]
    if not rows:
        return [Check("metrics_reported", False,
                      "There are no insights metrics yet: nothing says whether the model "
                      "works.", reverse("scorecard"))]
    missing = [r.metric.name for r in rows if r.latest.value is None]
    return [Check(
        "metrics_reported", not missing,
        f"Every insights metric has a value for its last closed period "
        f"({counted(len(rows), 'metric')})." if not missing else
        f"{counted(len(missing), 'insights metric')} without a value for the last closed "
        f"period: " + ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "") + ".",
        reverse("scorecard"), missing,
    )]


def _model_checks(checks):
    """The RACI, the cadence and the run book must tell the same story: whoever answers
    for a layer runs a ritual for it, and a layer's section is owned on that layer. Read
    from the lint's ``summary``: the count, and the first findings only (their subjects
    as the gaps, at most ``lint.PAGE_CAP``; the API lists them all)."""
    if not checks.checked:
        return [Check("model_consistent", False,
                      "Nothing to cross-check yet: there is no RACI matrix.",
                      reverse("raci:index"))]
    count = checks.total(lint.DISAGREEMENT_CODES)
    first = checks.first(lint.DISAGREEMENT_CODES)
    return [Check(
        "model_consistent", not count,
        "The RACI, the cadence and the run book agree on who holds each layer."
        if not count else
        f"{counted(count, 'cross-check warning')}: "
        + " ".join(f.message for f in first[:3])
        + (" …" if count > 3 else ""),
        reverse("raci:index") + "#cross-checks", [f.subject for f in first],
    )]


def report(*, today, checks=None):
    """``checks``: the lint's ``summary()`` when the page has it already (the dashboard
    shows it in a panel too); read here otherwise."""
    checks = checks if checks is not None else lint.summary()
    return Report(checks=[*_runbook_checks(today), *_raci_checks(), *_cadence_checks(today),
                          *_maturity_checks(today), *_insights_checks(today),
                          *_model_checks(checks), *_people_checks(),
                          *_seat_checks()])
