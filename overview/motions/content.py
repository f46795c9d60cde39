"""The words of the motion templates: run-book drafts and RACI rows.

Written for this product from the domain reading's facts (four layers, one Accountable
per row, RevOps accountable for process, systems and insights while the CRO answers for
the plan). Every draft says what belongs in the section and leaves ``TODO`` prompts
where only the team knows the answer.
"""

from runbook.choices import SectionKind

R, A, C, I, AR = "R", "A", "C", "I", "A/R"  # noqa: E741 (the RACI letters)


def _cells(revops="", cro="", marketing="", sales="", cs="", finance=""):
    letters = {"revops": revops, "cro": cro, "marketing": marketing, "sales": sales,
               "cs": cs, "finance": finance}
    return {slug: letter for slug, letter in letters.items() if letter}


# The layer rows of the reference table: the whole layer, who answers for it.
LAYER_ROWS = {
    "strategy": ("Strategy and planning",
                 "The annual plan, the capacity model and the segments.",
                 _cells(revops=R, cro=A, marketing=C, sales=C, cs=C, finance=C)),
    "process": ("Process and workflow",
                "Routing, stage definitions, hand-offs and the deal desk.",
                _cells(revops=A, cro=C, marketing=R, sales=R, cs=R, finance=I)),
    "systems": ("Systems and data",
                "The CRM, the warehouse and the rules that keep their data trustworthy.",
                _cells(revops=A, cro=I, marketing=R, sales=R, cs=R, finance=C)),
    "insights": ("Insights and analytics",
                 "Forecast, attribution, retention and leakage reporting.",
                 _cells(revops=A, cro=C, marketing=C, sales=R, cs=C, finance=C)),
}

# (name, cells, description) under each layer, for every motion.
ACTIVITY_ROWS = {
    "strategy": [
        ("Annual revenue plan", _cells(revops=R, cro=A, sales=C, finance=C),
         "Bookings target tied to headcount, ramp, win rate, deal size and coverage."),
        ("Capacity model", _cells(revops=R, cro=A, sales=C, finance=C),
         "How many ramped sellers the target needs, and when they must start."),
        ("Segmentation", _cells(revops=R, cro=A, marketing=C, sales=C, cs=C),
         "The segments we sell to and the rules that place an account in one."),
    ],
    "process": [
        ("Lead routing and response times", _cells(revops=A, marketing=R, sales=R, cro=I),
         "Who gets which lead, how fast they answer, and the fallback."),
        ("Opportunity stage definitions", _cells(revops=A, sales=R, cro=C, cs=I),
         "What must be true to enter and to leave each stage."),
        ("Hand-offs between marketing, sales and CS",
         _cells(revops=A, marketing=R, sales=R, cs=R),
         "What passes from one team to the next, when, and who confirms it."),
        ("Deal desk charter", _cells(revops=A, sales=R, finance=C, cro=C),
         "Which deals need approval, who approves, how fast."),
    ],
    "systems": [
        ("CRM administration", _cells(revops=AR, sales=C, marketing=C, cs=C),
         "Configuration, access and release of changes to the CRM."),
        ("Warehouse and data pipelines", _cells(revops=AR, finance=C, marketing=I),
         "What lands in the warehouse, how often, and who fixes a broken load."),
        ("Data governance", _cells(revops=A, marketing=R, sales=R, cs=R, finance=I),
         "Field ownership, naming, duplicate rules and fields required by stage."),
    ],
    "insights": [
        ("Weekly forecast", _cells(revops=A, sales=R, cro=C, finance=C),
         "Commit, best case and pipeline, with the change since last week."),
        ("Attribution", _cells(revops=A, marketing=R, sales=C),
         "Which sources get credit for pipeline, and by which model."),
        ("Retention by cohort", _cells(revops=A, cs=R, finance=C),
         "Gross and net retention, cohort by cohort."),
        ("Revenue leakage", _cells(revops=A, cs=R, finance=R, sales=C),
         "Where deals die in the funnel and where contracts churn early."),
    ],
}

# Sales-led: more rows where the rep's work is decided.
SALES_ROWS = {
    "process": [
        ("Territory and account assignment", _cells(revops=A, sales=R, cro=C, marketing=I),
         "Which seller owns which accounts, and how a disputed account is settled."),
        ("Discount approval thresholds", _cells(revops=A, sales=R, finance=C, cro=I),
         "How deep a seller may discount alone, and who signs beyond that."),
    ],
}

# Product-led: more rows where the product's signal is turned into revenue.
PRODUCT_ROWS = {
    "systems": [
        ("Product usage events in the warehouse", _cells(revops=AR, marketing=C, cs=C),
         "Which product events are captured, named and joined to accounts."),
    ],
    "insights": [
        ("Buying-intent scoring model", _cells(revops=A, marketing=R, sales=C, cs=C),
         "How usage becomes a score, and when the model is recalibrated."),
        ("Conversion threshold", _cells(revops=A, marketing=R, sales=C, cro=C),
         "The usage level at which a self-serve account is offered a sales conversation."),
    ],
}

# Hybrid: the rule between the two motions gets a row of its own.
HYBRID_ROWS = {
    "process": [
        ("Hand-off rule between the motions", _cells(revops=A, marketing=R, sales=R, cro=C),
         "When a product-led account passes to the sales-led motion, and how."),
    ],
}


STRATEGY = """\
## The revenue plan

This section holds the year's bookings target and every assumption under it:
sellers and their ramp, win rate, average deal size and the pipeline coverage we
want at the start of each quarter. When the plan and the capacity model disagree,
say here which one we trust and why.

- TODO: bookings target for this fiscal year, and who signed it off.
- TODO: link to the live plan and capacity model (this page explains them; it does
  not replace them).

## Segments

Name each segment, the rule that puts an account in it, and what differs between
segments: cycle length, retention, cost to serve.

- TODO: segment definitions and the date they were last re-cut.
{motion}"""

STRATEGY_MOTION = {
    "sales-led": """
## Where the weight is

We are sales-led: revenue is closed by people, so the plan is a headcount plan
first. Each segment needs its own playbook, and the capacity model decides hiring.

- TODO: quota per seller and expected attainment, by segment.
""",
    "product-led": """
## Where the weight is

We are product-led: the product makes the first sale, so the plan starts from
sign-ups, activation and conversion rates rather than seller headcount. Sales
capacity is planned for the accounts that cross the conversion threshold.

- TODO: sign-up, activation and self-serve conversion assumptions in the plan.
""",
}

PROCESS = """\
## Routing

Who receives which lead, how fast they must answer, and what happens when nobody
picks it up. Write the rule in a sentence a new hire can follow without opening
the CRM.

- TODO: routing rules by source and segment, with the response time for each.

## Opportunity stages

For each stage: what must be true to enter it and what must be true to leave it.
Subjective stages make a subjective forecast.

- TODO: entry and exit criteria per stage.

## Hand-offs

What marketing hands to sales and sales hands to customer success: the fields,
the meeting, and who confirms the hand-off arrived.

- TODO: the hand-off checklist, and how a bad hand-off is reported.
{motion}"""

PROCESS_MOTION = {
    "sales-led": """
## Deal desk

Most weekly work in a sales-led model happens here and in routing. The deal desk
decides non-standard terms: what goes to it, who sits on it, how fast it answers.

- TODO: discount thresholds a seller may use alone, and who approves beyond them.
- TODO: the deal desk's answer time, and where its decisions are logged.

## Territories

- TODO: how accounts are assigned to sellers and how a dispute is settled.
""",
    "product-led": """
## Self-serve to sales

Most accounts buy without talking to anyone. Sales joins only when an account
crosses the conversion threshold (see Insights). A small deal desk still handles
enterprise-tier terms.

- TODO: what a seller does in the first week after an account is handed over.
- TODO: which enterprise terms need the deal desk.
""",
}

HANDOFF_RULE = """
## Hand-off between the motions

We run two motions that share one warehouse and one set of reports. The product
team owns an account until it reaches the conversion threshold; from then on the
sales-led motion owns the relationship. The rule, written down:

- An account moves to the sales-led motion when its buying-intent score reaches
  the threshold defined in Insights and analytics. TODO: the threshold value.
- The account's owner in the CRM changes the same day, and the product team is
  told. TODO: who makes the change, and by when.
- An account is never worked by both motions at once; a disputed account goes to
  the RevOps lead, who decides within two working days.
"""

SYSTEMS = """\
## The stack

Each system, what it is the source of truth for, and who administers it. Keep
this list short and current: the CRM, the warehouse, marketing automation, the
CS platform, billing and contracts.

- TODO: one line per system: purpose, source of truth for, administrator.

## Data governance

Field ownership, naming conventions, duplicate rules and the fields required at
each stage. Bad CRM data costs real revenue through misrouted leads, duplicate
accounts and wrong forecasts; this is where we prevent it.

- TODO: the fields each function owns, and how a field change is announced.

## Integrations

What syncs where and how often, and who to call when a sync breaks.
{motion}"""

SYSTEMS_MOTION = {
    "sales-led": """
- TODO: the integrations the forecast depends on, and their owners.
""",
    "product-led": """
## Product signal

The product produces the signal, the warehouse stores it. Most of our RevOps
effort sits here and in Insights.

- TODO: the product events we capture, how they are named, and how they join to
  accounts in the CRM.
- TODO: how fresh the usage data must be for scoring, and who is paged when it is late.
""",
}

INSIGHTS = """\
## Forecast

How the weekly forecast is built — commit, best case and pipeline — and how the
change since last week is reported. Forecast accuracy comes mostly from stage
discipline, not from the tool.

- TODO: forecast categories and who may move a deal between them.

## Attribution

The model we use and why. With long sales cycles a simple single-source model is
often more useful than a multi-touch one.

- TODO: the attribution model and its known blind spots.

## Retention and leakage

Gross and net retention by cohort, and where revenue leaks: deals dying at a
stage, contracts churning early.

- TODO: links to the retention and leakage reports.
{motion}"""

INSIGHTS_MOTION = {
    "sales-led": "",
    "product-led": """
## Scoring and the conversion threshold

Usage turns into a buying-intent score; above the conversion threshold an
account is offered a sales conversation.

- TODO: the inputs of the score and when it was last calibrated.
- TODO: the threshold, and the conversion rate it has produced since.
""",
}

CADENCE = """\
## How the cadence keeps this run book alive

Every ritual has a layer, an owner and an output that updates one section of this
run book. The schedules live on the Cadence page; this section explains why each
ritual exists.

## Daily

Short operational checks; none should take anyone more than half an hour.

## Weekly

The forecast call (sales managers walk the deals, RevOps walks the math), the
funnel review and the systems standup.

## Monthly

The hand-off audit, the leakage review, plan against actual on capacity, and the
deal desk retrospective.

## Quarterly

The business review, the segment and pricing refresh, the stack audit — and the
refresh of this run book, section by section. The quarter, not the year, is when
the operating model is updated.

- TODO: anything the team does that is not on the Cadence page yet.
"""

PLAYBOOKS = """\
## The forecast misses badly

Who notices first, who is told, and the first three things we check (stage
changes, slipped close dates, the snapshot job).

- TODO: the threshold that counts as a bad miss, and the first call to make.

## An integration breaks

How we stop bad data spreading, who fixes the sync, how the field is told.

- TODO: the on-call owner per integration.

## A key customer escalates

Who leads, who joins, and how everyone else is kept informed.

- TODO: the escalation path and the people on it.
"""


def sections(motion, *, hybrid=False):
    """The six drafts of a run book for ``motion`` ("sales-led" or "product-led").

    In a hybrid model both run books get the same systems and insights text (the
    shared layer, product signal included) and both state the hand-off rule."""
    shared_motion = "product-led" if hybrid else motion
    process = PROCESS.format(motion=PROCESS_MOTION[motion] + (HANDOFF_RULE if hybrid else ""))
    return {
        SectionKind.STRATEGY: STRATEGY.format(motion=STRATEGY_MOTION[motion]),
        SectionKind.PROCESS: process,
        SectionKind.SYSTEMS: SYSTEMS.format(motion=SYSTEMS_MOTION[shared_motion]),
        SectionKind.INSIGHTS: INSIGHTS.format(motion=INSIGHTS_MOTION[shared_motion]),
        SectionKind.CADENCE: CADENCE,
        SectionKind.PLAYBOOKS: PLAYBOOKS,
    }
