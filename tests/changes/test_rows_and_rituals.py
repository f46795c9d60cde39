"""Proposals to a governed matrix's row and to a governed ritual apply through the RACI's
and the cadence's own services, like any other write."""

import pytest

from changes import services
from changes.models import State
from raci.models import Row
from revops import governance
from revops.models import Door
from tests.cadence.factories import ritual
from tests.changes.helpers import propose
from tests.raci import factories as raci_factories

pytestmark = pytest.mark.django_db


def test_a_row_proposal_changes_its_letters_and_description(matrix, people):
    row = raci_factories.row(matrix, "Lead routing", {"sales": "A", "marketing": "R"})
    governance.governed_set(item=matrix, governed=True, actor=people["lead"], door=Door.UI)
    proposal = propose(row, people["lead"], fields={
        "description": "Round robin.", "letters": {"sales": "A", "marketing": "C"}})
    assert proposal.base["letters"] == {"marketing": "R", "sales": "A"}
    services.proposal_approve(proposal=proposal, actor=people["sales"], door=Door.UI)
    row = Row.objects.get(pk=row.pk)
    assert row.description == "Round robin."
    assert row.cells.get().letter == "C"
    proposal.refresh_from_db()
    assert proposal.state == State.APPLIED and proposal.meaningful


def test_a_description_only_row_change_keeps_acknowledgements(matrix, people):
    row = raci_factories.row(matrix, "Lead routing", {"sales": "A"})
    governance.governed_set(item=matrix, governed=True, actor=people["lead"], door=Door.UI)
    proposal = propose(row, people["lead"], fields={"description": "Cosmetic."})
    services.proposal_approve(proposal=proposal, actor=people["sales"], door=Door.UI)
    proposal.refresh_from_db()
    assert proposal.state == State.APPLIED and not proposal.meaningful


def test_a_ritual_proposal_applies_through_the_cadence(matrix, people):
    made = ritual(name="Pipeline review", layer="process", owner="sales")
    governance.governed_set(item=made, governed=True, actor=people["lead"], door=Door.UI)
    proposal = propose(made, people["sales"], fields={"output": "Forecast call sheet"})
    assert proposal.fields["name"] == "Pipeline review"
    services.proposal_approve(proposal=proposal, actor=people["lead"], door=Door.UI)
    made.refresh_from_db()
    assert made.output == "Forecast call sheet" and made.sequence == 1
