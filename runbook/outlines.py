"""What a new run book starts with: per section kind, a title, the default owner and
a short outline of headings and prompts to fill in. Written for this product.

Default owners follow the Accountable column of the layer RACI: the CRO answers for
strategy and planning, RevOps for every other layer and for the cadence and playbooks.
"""

from runbook.models import SectionKind

DEFAULT_OWNERS = {
    SectionKind.STRATEGY: "cro",
    SectionKind.PROCESS: "revops",
    SectionKind.SYSTEMS: "revops",
    SectionKind.INSIGHTS: "revops",
    SectionKind.CADENCE: "revops",
    SectionKind.PLAYBOOKS: "revops",
}

OUTLINES = {
    SectionKind.STRATEGY: """\
## Revenue plan for the year

State the bookings target and the assumptions behind it: how many sellers,
how long they take to ramp, expected win rate, typical deal size, and the
pipeline coverage we start each quarter with.

## Capacity

Explain how the plan turns into hiring: quota per seller, attainment we
expect, and when each hire must start to matter this year.

## Segments

List the segments we sell to and what differs between them (cycle length,
retention, cost to serve). Link to the sheet that holds the current cuts.
""",
    SectionKind.PROCESS: """\
## Routing

Who receives which lead, how fast they must respond, and what happens when
nobody picks it up.

## Opportunity stages

For each stage: what must be true to enter it and to leave it.

## Handoffs

The agreements between marketing, sales and customer success: what is
handed over, when, and who confirms it arrived.

## Deal desk

What goes to the deal desk, who sits on it and how quickly it answers.
""",
    SectionKind.SYSTEMS: """\
## The stack

Name each system (CRM, warehouse, marketing automation, CS platform, billing),
what it is the source of truth for, and who administers it.

## Data rules

Field ownership, naming, duplicate handling and the fields required at each
stage. Say who may change them and how a change is announced.

## Integrations

What syncs where, how often, and whom to call when a sync breaks.
""",
    SectionKind.INSIGHTS: """\
## Forecast

How the weekly forecast is built (commit, best case, pipeline) and how the
change since last week is reported.

## Attribution

The attribution model we use and why we chose it over the alternatives.

## Retention and leakage

How gross and net retention are measured by cohort, and where we look for
deals and contracts that slip away.
""",
    SectionKind.CADENCE: """\
## Daily

Short checks that keep the data usable. Keep each under half an hour.

## Weekly

The forecast call and the reviews that diagnose the pipeline.

## Monthly

The audits and retrospectives, and which section of this run book each updates.

## Quarterly

The business review, the segment and pricing refresh, the stack audit and the
refresh of this run book.
""",
    SectionKind.PLAYBOOKS: """\
## The forecast misses badly

Who notices, who is told, and the first three things we check.

## An integration breaks

How we stop bad data spreading, who fixes it, how we tell the field.

## A key customer escalates

Who takes the lead, who joins, and how we keep everyone informed.
""",
}
