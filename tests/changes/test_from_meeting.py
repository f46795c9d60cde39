"""End to end across the two apps: a meeting's decision linked to a governed definition
opens its proposal, with the decision as the reason; the same decision on an ungoverned
item records the meeting and opens nothing."""

from datetime import UTC, datetime

import time_machine

from cadence import services as cadence_services
from cadence.choices import Status
from changes import selectors
from revops.models import Door
from tests.cadence.factories import ritual as make_ritual
from tests.factories import function
from tests.runbook.factories import make_definition

MONDAY = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)


def _hold_with_decision(people, item):
    with time_machine.travel(datetime(2026, 3, 4, 15, 0, tzinfo=UTC), tick=False) as clock:
        ritual = make_ritual(attendees=[function("marketing")])
        clock.move_to(MONDAY)
        occurrence = ritual.occurrences.order_by("scheduled_for").first()
        cadence_services.occurrence_record(
            occurrence=occurrence, status=Status.HELD, actor=people["lead"],
            door=Door.UI, decisions=[{
                "text": "An MQL now needs a demo request.", "owner": function("marketing"),
                "link": ("definition", item)}])
    return occurrence


def test_a_decision_linked_to_a_governed_definition_opens_its_proposal(mql, people):
    _hold_with_decision(people, mql)
    proposal = selectors.proposals().get(kind="definition", item_id=mql.pk)
    assert proposal.reason == "An MQL now needs a demo request."
    assert proposal.proposer == people["lead"] and proposal.state == "open"
    assert proposal.fields == proposal.base  # a draft its proposer completes


def test_the_same_decision_on_an_ungoverned_definition_opens_nothing(people):
    free = make_definition("SQL", owner="marketing", layer="process", governed=False,
                           door=Door.CLI)
    occurrence = _hold_with_decision(people, free)
    occurrence.refresh_from_db()
    assert occurrence.status == Status.HELD
    assert not selectors.proposals().filter(kind="definition", item_id=free.pk).exists()
