"""The metrics each motion starts with, on the scorecard from day one: the leading
indicators a RevOps team watches weekly for its motion, the parts of pipeline velocity
and velocity itself as a composite. Each stands on a definition: a core definition
(``definitions.CORE``) where one fits, else one of ``DEFINITIONS`` below, made with it.
Targets are a starting point to change at the first funnel review. Plain data:
``overview.bootstrap`` makes them through the services.
"""

from dataclasses import dataclass

from overview.motions.definitions import DefinitionPlan


@dataclass(frozen=True)
class MetricPlan:
    slug: str
    term: str  # the definition it stands on
    unit: str
    target: int
    warning: int
    direction: str = "higher"
    period: str = "weekly"
    formula: str = ""


DEFINITIONS = (
    DefinitionPlan(
        "Speed to lead", "process", "sales", ("marketing", "sales"), "process",
        "How long a new inbound lead waits before a person from Sales first reaches out, "
        "in hours, as the median of the week's leads. Buyers who ask for a conversation "
        "cool fast; the routing SLA is written against this number.",
        "median of (first sales touch − lead created), hours",
    ),
    DefinitionPlan(
        "MQL to SQL conversion", "insights", "revops", ("marketing", "sales"), "insights",
        "The share of the week's [[MQL]]s that Sales accepted as [[SQL]]s. A fall says "
        "either the scoring lets in the wrong people or Sales is not working the queue.",
        "SQLs accepted ÷ MQLs handed over × 100",
    ),
    DefinitionPlan(
        "Stage aging", "process", "sales", ("sales", "revops"), "process",
        "How many days open opportunities have sat in their current stage, as the median "
        "across the pipeline. Deals that stop moving rarely start again without help.",
        "median of (today − date the opportunity entered its stage), days",
    ),
    DefinitionPlan(
        "Win rate", "insights", "revops", ("sales", "cro"), "insights",
        "The share of opportunities closed in the period that were won, counted by number, "
        "not value.",
        "opportunities closed won ÷ opportunities closed × 100",
    ),
    DefinitionPlan(
        "Average deal size", "insights", "revops", ("sales", "finance"), "insights",
        "The mean first-year contract value of the deals won in the period.",
        "value won ÷ deals won",
    ),
    DefinitionPlan(
        "Sales cycle length", "insights", "revops", ("sales",), "insights",
        "How many days a won deal took from the day it became an [[Opportunity]] to the "
        "signature, as the mean of the period's wins.",
        "mean of (closed-won date − opportunity created), days",
    ),
    DefinitionPlan(
        "Activation", "insights", "revops", ("marketing", "cs"), "insights",
        "The share of the week's new sign-ups that reached the product's first moment of "
        "value (the action that predicts they stay) within seven days.",
        "sign-ups activated within 7 days ÷ sign-ups × 100",
    ),
    DefinitionPlan(
        "PQL to paid conversion", "insights", "revops", ("marketing", "sales"), "insights",
        "The share of product-qualified leads (users whose usage crossed the agreed "
        "threshold) that became paying accounts within the period.",
        "PQLs converted to paid ÷ PQLs × 100",
    ),
    DefinitionPlan(
        "Expansion revenue", "insights", "cs", ("cs", "finance"), "insights",
        "Recurring revenue added by existing customers in the month: more seats, a higher "
        "plan, another product.",
        "sum of upsell, cross-sell and upgrade ARR booked in the month",
    ),
    DefinitionPlan(
        "PQL hand-off acceptance", "process", "sales", ("marketing", "sales"), "process",
        "The share of product-qualified leads routed to Sales that a seller accepted "
        "within the hand-off SLA: the hinge between the two motions.",
        "PQLs accepted within SLA ÷ PQLs routed to Sales × 100",
    ),
)

VELOCITY = "opportunities * average_deal_size * win_rate / 100 / sales_cycle_length"

SALES_LED = (
    MetricPlan("speed-to-lead", "Speed to lead", "hours", 4, 4, direction="lower"),
    MetricPlan("mql-to-sql-conversion", "MQL to SQL conversion", "percent", 35, 10),
    MetricPlan("stage-aging", "Stage aging", "duration", 21, 7, direction="lower"),
    MetricPlan("win-rate", "Win rate", "percent", 25, 5),
    MetricPlan("pipeline-coverage", "Pipeline coverage", "count", 4, 1),
    MetricPlan("opportunities", "Opportunity", "count", 40, 10),
    MetricPlan("average-deal-size", "Average deal size", "currency", 25000, 5000),
    MetricPlan("sales-cycle-length", "Sales cycle length", "duration", 60, 15,
               direction="lower"),
    MetricPlan("pipeline-velocity", "Sales velocity", "currency", 4000, 1000,
               formula=VELOCITY),
)

PRODUCT_LED = (
    MetricPlan("activation", "Activation", "percent", 40, 10),
    MetricPlan("pql-to-paid", "PQL to paid conversion", "percent", 15, 5),
    MetricPlan("expansion-revenue", "Expansion revenue", "currency", 50000, 15000,
               period="monthly"),
)

HANDOFF = (
    MetricPlan("pql-handoff-acceptance", "PQL hand-off acceptance", "percent", 90, 10),
)


def plans(motion):
    """The metric plans of ``motion`` (hybrid: both motions' and the hand-off's)."""
    return {"sales-led": SALES_LED, "product-led": PRODUCT_LED,
            "hybrid": SALES_LED + PRODUCT_LED + HANDOFF}[motion]
