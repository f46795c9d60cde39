"""The cadence of each motion template: rituals at all four horizons, each with a
layer, an owner, the functions attending, an output and the run-book section the
output updates.

Rules are built with the cadence's own pickers, so each agrees with its horizon;
quarterly ones use the first month of the fiscal quarter (``FREQ=MONTHLY;INTERVAL=3``,
anchored by the cadence on the configured fiscal year).
"""

from dataclasses import dataclass
from datetime import time

from cadence import rules

EVERYONE = ("revops", "cro", "marketing", "sales", "cs", "finance")


@dataclass(frozen=True)
class RitualPlan:
    name: str
    horizon: str
    layer: str
    owner: str
    attendees: tuple
    minutes: int
    rrule: str
    output: str
    section: str  # the section kind its output updates
    agenda: str
    purpose: str = ""
    runbook: str = ""  # motion of the run book holding that section ("" = the default)


def _daily(hour, minute=0):
    return rules.rule_from_picker(rules.DAILY, at=time(hour, minute), weekdays=rules.WORKDAYS)


def _weekly(weekday, hour, minute=0):
    return rules.rule_from_picker(rules.WEEKLY, at=time(hour, minute), weekday=weekday)


def _monthly(nth, weekday, hour):
    return rules.rule_from_picker(rules.MONTHLY, at=time(hour, 0), monthly_mode="weekday",
                                  nth=nth, weekday=weekday)


def _quarterly(nth, weekday, hour):
    return rules.rule_from_picker(rules.QUARTERLY, at=time(hour, 0), nth=nth,
                                  weekday=weekday, quarter_month=1)


COMMON = (
    RitualPlan("Pipeline hygiene check", "daily", "process", "sales", ("sales", "revops"), 15,
               _daily(8, 30), "Deals with a past close date or no next step, fixed by their "
               "owners", "process", "- Close dates in the past\n- Deals without a next step\n"
               "- Stage moves with no note"),
    RitualPlan("Routing exception triage", "daily", "process", "revops",
               ("revops", "marketing"), 15, _daily(9), "Every lead in the fallback queue "
               "assigned; broken rules noted for the systems standup", "process",
               "1. Leads that missed their rule\n2. Why\n3. Fixes to queue"),
    RitualPlan("End-of-day forecast snapshot", "daily", "insights", "revops", ("revops",),
               10, _daily(17, 30), "Forecast snapshot stored in the warehouse for trend "
               "lines", "insights", "Confirm the snapshot ran and its totals match the CRM."),
    RitualPlan("Monday forecast call", "weekly", "insights", "cro",
               ("cro", "sales", "finance", "revops"), 45, _weekly("MO", 9),
               "Commit and best case for the quarter, with deals at risk", "insights",
               "1. Managers walk their committed deals\n2. RevOps walks the math: coverage, "
               "slippage, conversion\n3. Finance confirms the call\n4. Risks and asks",
               purpose="forecast"),
    RitualPlan("Funnel review", "weekly", "insights", "marketing",
               ("marketing", "sales", "revops"), 45, _weekly("WE", 11),
               "Stage conversion against plan and one fix to try next week", "insights",
               "- Volume and conversion per stage\n- Gaps to plan\n- One experiment, one owner"),
    RitualPlan("Systems standup", "weekly", "systems", "revops",
               ("revops", "sales", "marketing"), 30, _weekly("TH", 10),
               "Integration health and a ranked change queue", "systems",
               "1. Sync errors this week\n2. Changes shipped\n3. Requests, ranked"),
    RitualPlan("Hand-off audit", "monthly", "process", "cs", ("cs", "sales", "revops"), 60,
               _monthly(1, "TU", 14), "A sample of last month's hand-offs scored, gaps "
               "assigned", "process", "Score sampled hand-offs against the checklist; "
               "agree fixes."),
    RitualPlan("Leakage review", "monthly", "insights", "finance",
               ("finance", "cs", "revops"), 60, _monthly(2, "TH", 13),
               "Revenue leaking through early churn, discounts and lapsed renewals, each "
               "with an owner", "insights", "- Early churn\n- Discounts beyond policy\n"
               "- Renewals that lapsed"),
    RitualPlan("Capacity plan against actual", "monthly", "strategy", "finance",
               ("finance", "sales", "revops"), 60, _monthly(1, "MO", 15),
               "Capacity model updated with actual hires, ramp and attainment", "strategy",
               "Compare planned and actual hires, ramp and attainment; adjust the model."),
    RitualPlan("Deal desk retrospective", "monthly", "process", "sales",
               ("sales", "finance", "revops"), 45, _monthly(-1, "FR", 15),
               "Last month's exceptions reviewed, rule changes agreed", "process",
               "1. Exceptions approved and why\n2. Which should become rules\n"
               "3. Approval times"),
    RitualPlan("Quarterly business review", "quarterly", "strategy", "cro", EVERYONE, 180,
               _quarterly(2, "TU", 13), "Results against plan and next quarter's priorities, "
               "in writing", "strategy", "1. The quarter in numbers\n2. What worked and what "
               "did not\n3. Priorities and owners"),
    RitualPlan("Segmentation refresh", "quarterly", "strategy", "marketing",
               ("marketing", "sales", "revops"), 90, _quarterly(3, "WE", 14),
               "Segments re-cut on the quarter's win rates and deal sizes", "strategy",
               "Re-cut the segments; move accounts that changed shape."),
    RitualPlan("Pricing and packaging review", "quarterly", "strategy", "finance",
               ("finance", "cro", "marketing"), 90, _quarterly(3, "TH", 15),
               "Pricing and packaging decisions with their effective dates", "strategy",
               "- Discount depth by segment\n- Packages that stall deals\n- Proposals"),
    RitualPlan("Tech stack audit", "quarterly", "systems", "revops", ("revops", "finance"),
               120, _quarterly(2, "TH", 10), "Every tool with its owner, use, spend and "
               "renewal decision", "systems", "1. Inventory\n2. Renewals ahead\n"
               "3. Tools to cut or merge"),
    RitualPlan("Operating-model refresh", "quarterly", "strategy", "revops", EVERYONE, 180,
               _quarterly(1, "TH", 13), "Run book revised and all six sections reviewed",
               "cadence", "Walk the run book section by section: is it still true? Review "
               "each one, fix what drifted, re-sign the RACI where it changed.",
               purpose="refresh"),
)

SALES = (
    RitualPlan("Deal desk", "weekly", "process", "sales", ("sales", "finance", "revops"), 30,
               _weekly("TU", 14), "Decisions on every non-standard deal waiting, logged",
               "process", "1. Deals waiting for a decision\n2. Terms beyond the thresholds\n"
               "3. Decisions and who tells the seller", runbook="sales-led"),
    RitualPlan("Stage discipline review", "weekly", "process", "sales", ("sales", "revops"),
               30, _weekly("FR", 10), "Deals whose stage does not meet its exit criteria, "
               "corrected", "process", "- Deals that skipped a stage\n- Stages held too long\n"
               "- Criteria to clarify", runbook="sales-led"),
)

PRODUCT = (
    RitualPlan("Product signal check", "daily", "systems", "revops", ("revops",), 10,
               _daily(8), "Yesterday's usage events loaded and joined to accounts",
               "systems", "Check the usage load ran, volumes look normal and no account "
               "lost its join.", runbook="product-led"),
    RitualPlan("Product-qualified accounts review", "weekly", "insights", "marketing",
               ("marketing", "sales", "revops"), 30, _weekly("TU", 11),
               "Accounts above the conversion threshold, each with a next step",
               "insights", "1. New accounts over the threshold\n2. Who contacts each\n"
               "3. Accounts that stalled after contact", runbook="product-led"),
    RitualPlan("Scoring calibration", "monthly", "insights", "revops",
               ("revops", "marketing", "sales"), 60, _monthly(2, "WE", 14),
               "Buying-intent score checked against last month's conversions", "insights",
               "Compare scores with who actually converted; adjust weights or inputs.",
               runbook="product-led"),
    RitualPlan("Conversion threshold review", "quarterly", "insights", "revops",
               ("revops", "marketing", "sales", "cro"), 60, _quarterly(2, "WE", 15),
               "The conversion threshold confirmed or moved, with the reason", "insights",
               "- Conversion rate above and below the threshold\n- Sales capacity for the "
               "accounts it sends\n- Decision", runbook="product-led"),
)

HYBRID = (
    RitualPlan("Motion hand-off review", "weekly", "process", "revops",
               ("revops", "marketing", "sales"), 30, _weekly("WE", 15),
               "Accounts moved between the motions this week, disputes settled", "process",
               "1. Accounts handed from product-led to sales-led\n2. Any worked by both\n"
               "3. Disputes and decisions", runbook="product-led"),
)


def plan(motion):
    """Every ritual of ``motion``'s template, in the order they are created."""
    extra = {"sales-led": SALES, "product-led": PRODUCT, "hybrid": SALES + PRODUCT + HYBRID}
    return COMMON + extra[motion]
