"""A small model with a RACI that routes the process layer: Sales Accountable,
Marketing Responsible, Customer Success Consulted, Finance Informed; the RevOps seat is
the lead's. "MQL" is a governed definition of the process layer owned by Marketing."""

import pytest

from revops.models import Door, Function
from tests.factories import LeadFactory, make_head
from tests.raci import factories as raci_factories
from tests.runbook.factories import make_definition


@pytest.fixture
def people(db):
    lead = LeadFactory(username="lead")
    Function.objects.filter(slug="revops").update(head=lead)
    return {"lead": lead, **{slug: make_head(slug) for slug in ("sales", "marketing", "cs",
                                                                   "finance")}}


@pytest.fixture
def matrix(people):
    matrix = raci_factories.matrix()
    raci_factories.row(matrix, "Process and workflow", {
        "sales": "A", "marketing": "R", "cs": "C", "finance": "I"})
    return matrix


@pytest.fixture
def mql(matrix, people):
    return make_definition("MQL", owner="marketing", layer="process", governed=True,
                           body="A lead with a **score** of 60 or more.", door=Door.CLI)
