"""The demo run book: a year of history for a sales-led, mid-market company.

Dates are laid out around today's fiscal quarter so the demo looks right on any day:
four sections are fresh, Insights and analytics is due this quarter, and Incident
playbooks is stale (flagged three weeks ago, so the overview's demo can escalate it).
Idempotent: if the run book exists, nothing happens.
"""

import datetime as dt
from collections import Counter, defaultdict

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from revops import fiscal
from revops.models import Door, Function
from runbook import rules, services
from runbook.models import FreshnessSnapshot, Review, Revision, Runbook

TITLE = "Sales-led run book"

# kind -> (owner slug, [(summary, body), …]) — each body is a whole revision.
HISTORY = {
    "strategy": ("cro", [
        ("First plan for the year", """\
## Revenue plan for the year

New bookings target: **$14M**, of which 70% from new logos and 30% from expansion.

- 22 account executives at full ramp by the end of Q2; ramp takes five months.
- Win rate on qualified opportunities: 24% (trailing four quarters).
- Average first-year deal: $48k mid-market, $160k enterprise.
- We start each quarter needing pipeline worth 3.5 times the quarter's target.

## Capacity

Quota per ramped seller is $720k; we plan on 80% attainment. Hiring dates are in the
[capacity sheet](https://sheets.example.com/capacity-fy).

## Segments

Mid-market (100–999 employees) and enterprise (1,000+). SMB is served online only.
"""),
        ("Raised coverage target after Q2 slippage", """\
## Revenue plan for the year

New bookings target: **$14M**, of which 70% from new logos and 30% from expansion.

- 22 account executives at full ramp by the end of Q2; ramp takes five months.
- Win rate on qualified opportunities: 24% (trailing four quarters).
- Average first-year deal: $48k mid-market, $160k enterprise.
- We start each quarter needing pipeline worth **four times** the quarter's target:
  too many enterprise deals slipped a quarter at 3.5×.

## Capacity

Quota per ramped seller is $720k; we plan on 80% attainment. Hiring dates are in the
[capacity sheet](https://sheets.example.com/capacity-fy). Finance checks the sheet
against actual start dates on the first Monday of each month.

## Segments

Mid-market (100–999 employees) and enterprise (1,000+). SMB is served online only.
Segment lines are revisited at the quarterly refresh using actual cycle length and
net retention per segment.
"""),
    ]),
    "process": ("sales", [
        ("Routing and stages written down", """\
## Routing

Inbound demo requests go to the mid-market SDR pod within **five minutes** during
working hours. If nobody accepts within that time, the lead goes round-robin to the
whole pod and the SDR manager is told.

## Opportunity stages

| Stage | To enter | To leave |
|---|---|---|
| Discover | a meeting held with a named buyer | pain and budget owner confirmed |
| Evaluate | pain and budget owner confirmed | technical fit signed off |
| Propose | technical fit signed off | proposal sent with pricing |
| Commit | verbal yes from the budget owner | order form signed |

## Handoffs

Marketing hands a lead over once it is qualified; sales accepts or rejects it within
one working day, with a reason.
"""),
        ("Two-minute SLA and CS handoff", """\
## Routing

Inbound demo requests go to the mid-market SDR pod within **two minutes** during
working hours. If nobody accepts within that time, the lead goes round-robin to the
whole pod and the SDR manager is told.

## Opportunity stages

| Stage | To enter | To leave |
|---|---|---|
| Discover | a meeting held with a named buyer | pain and budget owner confirmed |
| Evaluate | pain and budget owner confirmed | technical fit signed off |
| Propose | technical fit signed off | proposal sent with pricing |
| Commit | verbal yes from the budget owner | order form signed |

## Handoffs

Marketing hands a lead over once it is qualified; sales accepts or rejects it within
one working day, with a reason. Sales hands a closed deal to customer success with the
success plan filled in; CS confirms the kickoff date within three working days.

## Deal desk

Discounts above 20%, non-standard terms and multi-year deals go to the deal desk
(RevOps, Finance, the sales VP). It answers within one working day.
"""),
        ("Deal desk answers same day for quarter-end deals", """\
## Routing

Inbound demo requests go to the mid-market SDR pod within **two minutes** during
working hours. If nobody accepts within that time, the lead goes round-robin to the
whole pod and the SDR manager is told.

## Opportunity stages

| Stage | To enter | To leave |
|---|---|---|
| Discover | a meeting held with a named buyer | pain and budget owner confirmed |
| Evaluate | pain and budget owner confirmed | technical fit signed off |
| Propose | technical fit signed off | proposal sent with pricing |
| Commit | verbal yes from the budget owner | order form signed |

## Handoffs

Marketing hands a lead over once it is qualified; sales accepts or rejects it within
one working day, with a reason. Sales hands a closed deal to customer success with the
success plan filled in; CS confirms the kickoff date within three working days.

## Deal desk

Discounts above 20%, non-standard terms and multi-year deals go to the deal desk
(RevOps, Finance, the sales VP). It answers within one working day, and the **same
day** in the last two weeks of a quarter.
"""),
    ]),
    "systems": ("revops", [
        ("Stack listed with owners", """\
## The stack

- **CRM** — source of truth for accounts, contacts and opportunities. Admin: RevOps.
- **Warehouse** — source of truth for product usage and finance actuals. Admin: Data.
- **Marketing automation** — campaigns and lead scoring. Admin: Marketing ops.
- **CS platform** — health scores and renewals. Admin: CS ops.

## Data rules

Every CRM field has one owning team, listed in the
[field register](https://wiki.example.com/crm-field-register).
"""),
        ("Duplicate rules and required fields per stage", """\
## The stack

- **CRM** — source of truth for accounts, contacts and opportunities. Admin: RevOps.
- **Warehouse** — source of truth for product usage and finance actuals. Admin: Data.
- **Marketing automation** — campaigns and lead scoring. Admin: Marketing ops.
- **CS platform** — health scores and renewals. Admin: CS ops.
- **Billing** — invoices and contract values. Admin: Finance.

## Data rules

Every CRM field has one owning team, listed in the
[field register](https://wiki.example.com/crm-field-register). Accounts are matched on
web domain; a suspected duplicate is merged by RevOps within a week. Close date,
amount and next step are required from Evaluate onwards.

## Integrations

CRM → warehouse every hour; billing → CRM nightly. A failed sync pages the RevOps
on-call through the #revops-alerts channel.
"""),
    ]),
    "insights": ("revops", [
        ("Weekly forecast method", """\
## Forecast

Every Monday by 10:00 the forecast shows commit, best case and open pipeline for the
quarter, each with the change since last Monday. Sellers update their calls by
Friday 17:00.

## Attribution

We credit the first sourced touch and report influenced pipeline separately.
"""),
        ("Retention and leakage reports added", """\
## Forecast

Every Monday by 10:00 the forecast shows commit, best case and open pipeline for the
quarter, each with the change since last Monday. Sellers update their calls by
Friday 17:00.

## Attribution

We credit the first sourced touch and report influenced pipeline separately. Our
cycles run well past ninety days, where multi-touch models stop telling us much.

## Retention and leakage

Gross and net retention by quarterly signing cohort, refreshed on the first working
day of the month. The leakage report shows the stage where lost deals stalled and
contracts that churn inside their first year.
"""),
    ]),
    "cadence": ("revops", [
        ("Rituals agreed with the field", """\
## Daily

Pipeline hygiene check (15 minutes, SDR and AE managers) and a snapshot of the
forecast into the warehouse at 18:00.

## Weekly

Monday forecast call: the CRO and sales managers go through the deals, RevOps
through the numbers. Wednesday funnel review.

## Monthly

Handoff audit and deal desk retrospective.

## Quarterly

Business review, segment and pricing refresh, stack audit, and the refresh of this
run book.
"""),
        ("Systems stand-up moved to weekly", """\
## Daily

Pipeline hygiene check (15 minutes, SDR and AE managers) and a snapshot of the
forecast into the warehouse at 18:00.

## Weekly

Monday forecast call: the CRO and sales managers go through the deals, RevOps
through the numbers. Wednesday funnel review. Thursday systems stand-up (was daily;
daily was a job, not a ritual).

## Monthly

Handoff audit, leakage review, capacity plan against actuals, and deal desk
retrospective. Each updates the section it names.

## Quarterly

Business review, segment and pricing refresh, stack audit, and the refresh of this
run book: every section owner marks their section reviewed or revises it.
"""),
    ]),
    "playbooks": ("cs", [
        ("Three playbooks drafted", """\
## The forecast misses by more than 10%

RevOps posts the gap and its three biggest causes in #forecast within a day. The CRO
decides whether to re-plan hiring.

## A CRM integration breaks

Pause the failing sync, post in #revops-alerts, fix forward. Sales is told which
fields to distrust until it is fixed.

## A key customer escalates

The account's CSM leads; the AE and a CS director join. Updates every day in the
account channel until closed.
"""),
    ]),
}

DUE = "insights"
STALE = "playbooks"


def _moment(day, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _fresh_day(today, q, start_month, offset):
    """A day in the current quarter, ``offset`` days before today if that stays inside it."""
    return max(today - dt.timedelta(days=offset), fiscal.quarter_start(q, start_month))


def load(*, people):
    """Create the demo run book once. Later runs change nothing."""
    if Runbook.objects.filter(title=TITLE).exists():
        return Runbook.objects.get(title=TITLE)
    start_month = fiscal.start_month()
    threshold = settings.REVOPS_STALE_AFTER_QUARTERS
    today = timezone.localdate()
    q = fiscal.quarter_index(today, start_month)
    lead = people["lead"]
    first_day = fiscal.quarter_start(q - threshold - 2, start_month) + dt.timedelta(days=9)

    runbook = services.runbook_create(
        title=TITLE,
        motion="sales-led",
        is_default=not Runbook.objects.filter(is_default=True).exists(),
        actor=lead,
        door=Door.CLI,
        at=_moment(first_day),
    )
    owners = {f.slug: f for f in Function.objects.all()}
    for offset, section in enumerate(runbook.sections.order_by("position")):
        owner_slug, versions = HISTORY[section.kind]
        if owner_slug != section.owner.slug and owner_slug in owners:
            services.section_update(
                section=section, owner=owners[owner_slug], actor=lead, door=Door.CLI
            )
        author = people.get(owner_slug, lead) if owner_slug != "revops" else lead
        _write_history(section, versions, author, today, q, start_month, threshold, offset)

    flagged_on = today - dt.timedelta(days=settings.REVOPS_ESCALATE_AFTER_DAYS + 7)
    services.flag_stale_sections(door=Door.CLI, today=flagged_on, at=_moment(flagged_on))
    services.flag_stale_sections(door=Door.CLI, today=today)
    _freshness_history(today)
    services.release_create(
        runbook=runbook,
        name=f"{fiscal.fiscal_quarter(today, start_month)} refresh",
        note="Taken during the quarterly refresh; playbooks still waiting for CS.",
        actor=lead,
        door=Door.CLI,
        today=today,
    )
    return runbook


def _freshness_history(today, weeks=52):
    """A year of weekly freshness snapshots, as the daily scan would have recorded them,
    worked out from the back-dated revisions and reviews just written (so the chart tells
    the same story as the sections' stamps); a section counts from its first revision."""
    reviewed = defaultdict(list)
    for section_id, day in Review.objects.order_by("reviewed_on").values_list(
            "section_id", "reviewed_on"):
        reviewed[section_id].append(day)
    written = list(Revision.objects.values_list("section_id").annotate(first=Min("created_at"))
                   .values_list("section_id", "first"))
    snapshots = []
    for k in range(weeks, 0, -1):
        day = today - dt.timedelta(weeks=k)
        states = Counter(
            rules.review_state(max((d for d in reviewed[pk] if d <= day), default=None), day)
            for pk, first in written if timezone.localdate(first) <= day
        )
        snapshots.append(FreshnessSnapshot(day=day, **{s: states[s] for s in
                                                       ("fresh", "due", "stale", "never")}))
    FreshnessSnapshot.objects.bulk_create(snapshots, ignore_conflicts=True)


def _write_history(section, versions, author, today, q, start_month, threshold, offset):
    """Spread the revisions over past quarters; the last review sets the section's state."""
    if section.kind == STALE:  # stale since before last quarter began
        last_quarter = q - threshold - 2
    elif section.kind == DUE:
        last_quarter = q - threshold
    else:
        last_quarter = q
    # Earlier revisions one quarter apart, ending in the quarter of the last review.
    quarters = [last_quarter - (len(versions) - 1 - i) for i in range(len(versions))]
    for number, ((summary, body), quarter) in enumerate(zip(versions, quarters, strict=True)):
        if quarter == q:
            day = _fresh_day(today, q, start_month, 3 + offset)
        else:
            day = fiscal.quarter_start(quarter, start_month) + dt.timedelta(days=20 + offset)
        services.section_revise(
            section=section,
            body=body,
            summary=summary,
            base_revision=number + 1,
            mark_reviewed=True,
            actor=author,
            door=Door.CLI,
            at=_moment(day, 10 + offset),
        )
