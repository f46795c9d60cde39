"""The core definitions every motion starts with (and the demo shows): the terms
Marketing, Sales and Customer Success must mean the same thing by, in our own words.
Each names its layer, the function that owns the wording, the functions whose heads
must agree to it, the run-book section that relies on it, and a formula where there is
one. Plain data: ``overview.bootstrap`` and the demo make them through the services.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class DefinitionPlan:
    term: str
    layer: str
    owner: str
    agreeing: tuple
    section: str  # the kind of the section that uses it
    body: str
    formula: str = ""


GTM = ("marketing", "sales", "cs")

CORE = (
    DefinitionPlan(
        "MQL", "process", "marketing", ("marketing", "sales"), "process",
        "A **marketing-qualified lead**: a person at a company inside our ideal customer "
        "profile who has shown enough buying intent (a demo request, a pricing-page visit "
        "with a second touch, a score above the agreed threshold) that Sales should look "
        "at them.\n\n- Counts: one person, once per quarter, however many forms they fill.\n"
        "- Does not count: students, competitors, or people at existing customers (that "
        "interest is expansion, and goes to Customer Success).\n\n"
        "Sales accepts or rejects an MQL within the routing SLA; a rejection needs a reason "
        "code.",
    ),
    DefinitionPlan(
        "SQL", "process", "sales", ("marketing", "sales"), "process",
        "A **sales-qualified lead**: an [[MQL]] a seller has spoken to and accepted — a "
        "real problem we solve, someone who can buy or lead us to who can, and a reason to "
        "act within two quarters. Accepting it creates an [[Opportunity]] at the first "
        "stage.",
    ),
    DefinitionPlan(
        "Opportunity", "process", "sales", ("sales", "cs"), "process",
        "A deal we are actively working, with an amount, a close date and a named buyer. "
        "It lives in exactly one stage at a time and moves forward only when that stage's "
        "[[Stage exit criteria]] are met. Renewals and expansions are opportunities too, "
        "owned by Customer Success.",
    ),
    DefinitionPlan(
        "Stage exit criteria", "process", "sales", GTM, "process",
        "What must be true, and written in the CRM, before a deal leaves a stage:\n\n"
        "1. **Discovery → Solution**: the pain, its cost and the buying process are noted.\n"
        "2. **Solution → Proposal**: the economic buyer has seen the solution.\n"
        "3. **Proposal → Commit**: pricing is agreed in principle and the paper process "
        "is known.\n4. **Commit → Closed won**: signed order form.\n\n"
        "A deal that skips a stage goes back to the last one whose criteria it meets.",
    ),
    DefinitionPlan(
        "Pipeline coverage", "insights", "revops", ("sales", "cro"), "insights",
        "How much open pipeline we hold for the quarter against what is left to book. "
        "We aim to start a quarter with about four times the target covered, because "
        "deals slip and some are lost; below three times the forecast call says so.",
        "open pipeline closing this quarter ÷ (quarter target − booked so far)",
    ),
    DefinitionPlan(
        "Sales velocity", "insights", "revops", ("sales", "cro"), "insights",
        "How much revenue the pipeline turns out per day: the pipeline's value spread over "
        "how long a deal usually takes to close. A pipeline of 1.5 million with a "
        "120-day cycle moves about 12,500 a day. Faster is better only if win rate and "
        "deal size hold.",
        "pipeline value ÷ average sales cycle length (days)",
    ),
    DefinitionPlan(
        "Weighted pipeline", "insights", "revops", ("sales", "cro", "finance"), "insights",
        "Open pipeline discounted by how often we actually win: what the pipeline is "
        "likely to be worth, as opposed to its face value. Uses the trailing four "
        "quarters' win rate for the segment.",
        "number of deals × average contract value × win rate",
    ),
    DefinitionPlan(
        "Gross revenue retention", "insights", "cs", ("cs", "finance", "cro"), "insights",
        "The share of the recurring revenue we had a year ago that we still have from "
        "the same customers, counting losses (churn and downgrades) but not growth. It "
        "can never be above 100 %.",
        "(starting ARR − churned ARR − contracted ARR) ÷ starting ARR",
    ),
    DefinitionPlan(
        "Net revenue retention", "insights", "cs", ("cs", "finance", "cro"), "insights",
        "[[Gross revenue retention]] plus what existing customers added: upsells, "
        "cross-sells and price increases over the same twelve months. Above 100 % means "
        "the customer base grows on its own.",
        "(starting ARR + expansion ARR − churned ARR − contracted ARR) ÷ starting ARR",
    ),
)
