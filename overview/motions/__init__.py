"""Motion templates: a complete starting operating model for a sales-led, product-led
or hybrid company — run books, the RACI by layer and a cadence at all four horizons.

The layers are the same for every motion; what changes is where the weight sits. A
sales-led model puts its extra rows and rituals in the process layer (routing, stage
discipline, the deal desk); a product-led model puts them in systems and insights
(product signal, scoring, the conversion threshold); a hybrid model runs one run book
per motion that share the systems and insights text and both state the hand-off rule.

The plans here are plain data; ``overview.bootstrap`` turns one into a model through
the apps' services.
"""

from dataclasses import dataclass

from overview.motions import content, definitions, metrics, rituals  # noqa: F401 — definitions, metrics: their own plans

SALES_LED, PRODUCT_LED, HYBRID = "sales-led", "product-led", "hybrid"
MOTIONS = (SALES_LED, PRODUCT_LED, HYBRID)


@dataclass(frozen=True)
class RunbookPlan:
    title: str
    motion: str
    sections: dict  # section kind -> Markdown


@dataclass(frozen=True)
class RowPlan:
    layer: str
    name: str
    cells: dict  # function slug -> letter
    description: str = ""


@dataclass(frozen=True)
class Template:
    motion: str
    label: str
    summary: str
    runbooks: tuple
    rows: tuple
    rituals: tuple


def _rows(extra):
    """The four layer rows of the reference table, each followed by its activities."""
    plans = []
    for layer, (name, description, cells) in content.LAYER_ROWS.items():
        plans.append(RowPlan(layer, name, cells, description))
        for activity, activity_cells, activity_description in (
            content.ACTIVITY_ROWS[layer] + extra.get(layer, [])
        ):
            plans.append(RowPlan(layer, activity, activity_cells, activity_description))
    return tuple(plans)


def template(motion):
    """The plan for ``motion`` (one of ``MOTIONS``); ValueError for anything else."""
    if motion == SALES_LED:
        return Template(
            motion, "Sales-led", "Reps close the revenue: the weight is on the process "
            "layer — routing, stage definitions and the deal desk.",
            (RunbookPlan("Sales-led run book", SALES_LED, content.sections(SALES_LED)),),
            _rows(content.SALES_ROWS),
            rituals.plan(SALES_LED),
        )
    if motion == PRODUCT_LED:
        return Template(
            motion, "Product-led", "The product makes the first sale: the weight is on "
            "systems and insights — product signal, scoring and the conversion threshold.",
            (RunbookPlan("Product-led run book", PRODUCT_LED, content.sections(PRODUCT_LED)),),
            _rows(content.PRODUCT_ROWS),
            rituals.plan(PRODUCT_LED),
        )
    if motion == HYBRID:
        return Template(
            motion, "Hybrid", "Two motions, two run books, one shared systems and "
            "insights layer, and a written hand-off rule between them.",
            (RunbookPlan("Sales-led run book", SALES_LED,
                         content.sections(SALES_LED, hybrid=True)),
             RunbookPlan("Product-led run book", PRODUCT_LED,
                         content.sections(PRODUCT_LED, hybrid=True))),
            _rows({layer: content.SALES_ROWS.get(layer, []) + content.PRODUCT_ROWS.get(layer, [])
                   + content.HYBRID_ROWS.get(layer, [])
                   for layer in content.LAYER_ROWS}),
            rituals.plan(HYBRID),
        )
    raise ValueError(f"Unknown motion {motion!r}: one of {', '.join(MOTIONS)}.")
