"""Two proposals on one item approved at the same moment, on real PostgreSQL: one applies,
the other is refused as out of date with nothing of it written (its approval included),
and it applies once its proposer brings it up to date."""

import pytest
from django.db import connection

from changes import services
from changes.models import Proposal, State
from revops.errors import Conflict
from revops.models import Door
from tests.changes.helpers import propose
from tests.concurrency import run_concurrently

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


@pytest.mark.parametrize("attempt", range(3))
def test_two_approvals_at_once_apply_one_and_leave_the_other_to_rebase(mql, people, attempt):
    first = propose(mql, people["marketing"], body="First wording.")
    second = propose(mql, people["marketing"], body="Second wording.")

    def approve(proposal):
        return lambda: services.proposal_approve(proposal=proposal, actor=people["sales"],
                                                 door=Door.API).pk

    outcomes = run_concurrently(approve(first), approve(second))
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], Conflict), outcomes
    states = sorted(Proposal.objects.values_list("state", flat=True))
    assert states == [State.APPLIED, State.OPEN]
    mql.refresh_from_db()
    assert mql.revision == 2
    waiting = Proposal.objects.get(state=State.OPEN)
    services.proposal_update(proposal=waiting, actor=people["marketing"], door=Door.API)
    services.proposal_approve(proposal=waiting, actor=people["sales"], door=Door.API)
    mql.refresh_from_db()
    assert mql.revision == 3
