"""The demo's departure drill: Hannah Kowalski (``cs``), head of Customer Success, holds
a bit of everything — her function's section and ritual, A and R letters in the RACI, a
sign-off of the current version, two rituals that name her in person, an API token for the
customer-health sync and a calendar feed — and Jamie Osei (``jamie``), a CS team lead,
is her deputy and natural successor. Open ``/people/cs/`` as ``lead`` to run the drill.

The run book's stale Incident playbooks, flagged three weeks ago, is escalated as the
daily job would (``overview.escalation``), and the viewer says that Process and workflow
looks out of date (after the cadence's demo, whose held rituals review that section).

Three past quarters of maturity assessments give ``/maturity/`` lines to draw: data holds
the model back, then people; the last one was made at that quarter's held refresh.

The sales-led starting metrics hold thirteen weeks of figures as the warehouse would
have sent them: velocity computed from its parts, one week of speed to lead never sent
(shown missing), and the win rate below its band for the last two weeks, so the
scorecard raises it for its owner. The system metrics are recorded as the daily job does.

Idempotent: each piece is made only when it is missing.
"""

from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from cadence import selectors as cadence_selectors
from cadence import services as cadence_services
from changes import selectors as changes_selectors
from changes import services as changes_services
from insights import rules as insights_rules
from insights import selectors as insights_selectors
from insights import services as insights_services
from overview import bootstrap, escalation
from overview import services as overview_services
from overview.models import MaturityAssessment
from raci import selectors as raci_selectors
from raci import services as raci_services
from revops import demo as people_demo
from revops import fiscal
from revops import services as core_services
from revops.models import ApiToken, Door, Function
from runbook import demo as runbook_demo
from runbook import selectors as runbook_selectors
from runbook import services as runbook_services

DEPARTING = "cs"
SUCCESSOR = ("jamie", "Jamie", "Osei")
# Finance's leakage review names her as the person who runs it (lapsed renewals are its
# biggest item); her own Handoff audit names her already, as every demo ritual names its
# function's head.
LENT_RITUAL = ("Leakage review", "finance")
TOKEN_NAME = "Customer health sync"
CONCERN_ON = "process"
CONCERN = ("Inbound demo requests are answered within two hours now, not four; and since "
           "the spring, routing goes to the pod, not the rep.")


# Oldest first: (quarters ago, {pillar: (score, evidence)}).
ASSESSMENTS = [
    (3, {
        "people": (3, "RevOps is one analyst inside Sales; Marketing and CS escalate to "
                      "their own VPs."),
        "process": (4, "Routing and stages are written for new business; renewals and "
                       "expansion are not."),
        "data": (2, "Four lead-source fields that disagree, and a third of open "
                    "opportunities have no close date."),
        "technology": (5, "CRM and sequencer are connected; billing still arrives by "
                          "spreadsheet export."),
    }),
    (2, {
        "people": (4, "A RevOps manager now reports to the CRO and chairs the weekly "
                      "pipeline review."),
        "process": (6, "Hand-off from SDR to AE has a written rule and a two-hour "
                       "response target."),
        "data": (3, "Lead source cut to one required field; close dates still missing on "
                    "old deals."),
        "technology": (5, "Billing now syncs nightly; nobody yet owns the integrations."),
    }),
    (1, {
        "people": (4, "The analyst hire has not started; the manager covers reporting and "
                      "systems alone."),
        "process": (7, "Every hand-off has an SLA with an alert before it slips; the run "
                       "book is reviewed each quarter."),
        "data": (5, "Required fields enforced, duplicates merged weekly, stale deals "
                    "closed out."),
        "technology": (6, "One owner for integrations; the tool inventory is audited "
                          "quarterly."),
    }),
]


def _assessments(lead):
    """The past quarters' assessments, each dated a little before its quarter ended (as
    if recorded then), through the service so each is audited and tied like a real one."""
    today = timezone.localdate()
    now_index = fiscal.quarter_index(today)
    for ago, pillars in ASSESSMENTS:
        quarter = fiscal.quarter_by_index(now_index - ago)
        if MaturityAssessment.objects.filter(quarter_start=quarter.start).exists():
            continue
        scores = {p: score for p, (score, _) in pillars.items()}
        notes = {f"{p}_evidence": note for p, (_, note) in pillars.items()}
        assessment, _ = overview_services.maturity_assess(
            actor=lead, door=Door.CLI, quarter=quarter, today=today, **scores, **notes)
        at = (assessment.occurrence.scheduled_for if assessment.occurrence else
              timezone.make_aware(datetime.combine(quarter.end - timedelta(days=10),
                                                   time(16))))
        MaturityAssessment.objects.filter(pk=assessment.pk).update(recorded_at=at,
                                                                   updated_at=at)


# The weekly figures of the sales-led metrics over the last 13 closed weeks, oldest first
# (None: never sent).
WEEKLY_FIGURES = {
    "speed-to-lead": [5.5, 5, 4.5, 4.2, None, 3.6, 3.8, 3.2, 3, 3.4, 2.9, 3.1, 2.8],
    "mql-to-sql-conversion": [30, 31, 33, 32, 34, 36, 35, 37, 36, 38, 37, 36, 38],
    "stage-aging": [27, 26, 25, 24, 23, 22, 22, 21, 20, 21, 19, 20, 19],
    "win-rate": [26, 27, 25, 26, 24, 25, 26, 24, 23, 22, 21, 18, 17],
    "pipeline-coverage": [3.1, 3.2, 3.4, 3.5, 3.6, 3.8, 3.9, 4, 4.1, 4.2, 4, 4.1, 4.3],
    "opportunities": [34, 36, 38, 35, 40, 42, 41, 39, 43, 44, 42, 45, 46],
    "average-deal-size": [23500, 24000, 24800, 24200, 25100, 25600, 24900, 25300, 26000,
                          25800, 26400, 25900, 26200],
    "sales-cycle-length": [68, 66, 65, 64, 63, 62, 61, 60, 60, 59, 58, 58, 57],
}
WAREHOUSE = "Warehouse nightly sync"


def load(*, people):
    escalation.escalate_stale_sections(door=Door.CLI)
    _concern(people.get("viewer"))
    if people.get("lead") is not None:
        _assessments(people["lead"])
    _definitions(people)
    _departure_drill(people)
    _metrics(people)  # last: the system metrics count the drill's deputy and sign-off


def _departure_drill(people):
    departing, lead = people.get(DEPARTING), people.get("lead")
    if departing is None or lead is None:
        return
    username, first, last = SUCCESSOR
    successor, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@example.com"},
    )
    if created:
        successor.set_password(people_demo.PASSWORD)
        successor.save()
    people[username] = successor
    seat = Function.objects.get(slug=DEPARTING)
    if seat.head_id == departing.pk and seat.deputy_id is None:
        core_services.function_update(actor=lead, door=Door.CLI, function=seat,
                                      deputy=successor)

    name, lender = LENT_RITUAL
    for ritual in cadence_selectors.rituals_of_person(person=people.get(lender)).filter(
            name=name):
        cadence_services.ritual_update(ritual=ritual, actor=lead, door=Door.CLI,
                                       owner_person=departing)
    if not ApiToken.objects.filter(user=departing, name=TOKEN_NAME).exists():
        core_services.api_token_create(actor=departing, door=Door.CLI, user=departing,
                                       name=TOKEN_NAME, scope=ApiToken.Scope.WRITE)
    if not cadence_selectors.feed_tokens(user=departing, include_revoked=True).exists():
        cadence_services.feed_token_create(user=departing, actor=departing, door=Door.CLI)
    matrix = raci_selectors.current_matrix()
    function = Function.objects.filter(slug=DEPARTING, head=departing).first()
    if matrix is not None and function is not None:
        raci_services.signoff_create(matrix=matrix, function=function, actor=departing,
                                     door=Door.CLI)


def _definitions(people):
    """The core definitions, written a month ago and agreed by every agreeing head but
    Finance's; then Marketing tightened the MQL, so it reads "changed since agreed" until
    Sales confirms again."""
    lead = people.get("lead")
    if lead is None or runbook_selectors.has_definitions():
        return
    sections = {(s.runbook.motion, s.kind): s for s in
                runbook_selectors.sections_of_runbook_titled(title=runbook_demo.TITLE)}
    month_ago = timezone.now() - timedelta(days=30)
    made = bootstrap.add_core_definitions(sections=sections, default_motion="sales-led",
                                          actor=lead, door=Door.CLI, at=month_ago)
    for definition in made:
        for function in definition.agreeing.select_related("head"):
            if function.head is not None and function.slug != "finance":
                runbook_services.definition_agree(
                    definition=definition, function=function, actor=function.head,
                    door=Door.CLI, at=month_ago + timedelta(days=2))
    mql = next((d for d in made if d.slug == "mql"), None)
    author = people.get("marketing")
    if mql is not None and author is not None:
        # MQL is governed: its change is proposed and approved by its layer's Accountable.
        proposal = changes_services.proposal_open(
            item=mql, actor=author, door=Door.CLI, reason="Score threshold raised from 60 to 70",
            fields={"body": mql.revisions.get(number=mql.revision).body.replace(
                "a score above the agreed threshold", "a lead score of 70 or more")})
        changes_services.proposal_approve(
            proposal=proposal, actor=changes_selectors.approver_of(proposal), door=Door.CLI,
            note="Agreed at the revenue council.")
        mql.refresh_from_db()
        runbook_services.definition_agree(definition=mql, actor=author, door=Door.CLI)


def _metrics(people):
    """The sales-led metrics and their weeks of figures (see the module's docstring)."""
    lead = people.get("lead")
    if lead is None or insights_selectors.metric_slugs():
        return
    sections = {(s.runbook.motion, s.kind): s for s in
                runbook_selectors.sections_of_runbook_titled(title=runbook_demo.TITLE)}
    bootstrap.add_starting_metrics(motion="sales-led", sections=sections,
                                   default_motion="sales-led", actor=lead, door=Door.CLI)
    today = timezone.localdate()
    weeks = insights_rules.closed_periods(insights_rules.WEEKLY, today, 13)
    insights_services.values_record_many(lines=[
        {"metric": slug, "period": week.key, "value": figure}
        for slug, figures in WEEKLY_FIGURES.items()
        for week, figure in zip(weeks, figures, strict=True) if figure is not None],
        source=WAREHOUSE, actor=lead, door=Door.API)
    insights_services.raise_off_track(today=today)
    insights_services.record_system_metrics(today=today)


def _concern(viewer):
    section = runbook_selectors.sections_of_runbook_titled(title=runbook_demo.TITLE).filter(
        kind=CONCERN_ON).first()
    if viewer is None or section is None or runbook_selectors.concerns_for(section).filter(
            raised_by=viewer).exists():
        return
    runbook_services.concern_raise(section=section, reason=CONCERN, actor=viewer, door=Door.CLI)
