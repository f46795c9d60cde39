"""Acknowledgement: the heads of the layer's R, A and C read the version a change made;
a cosmetic change keeps what they acknowledged, a change of meaning asks again."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from changes import selectors, services
from revops.errors import Refused
from revops.models import Door
from tests.changes.helpers import propose

pytestmark = pytest.mark.django_db


def applied(mql, people, body):
    proposal = propose(mql, people["marketing"], body=body)
    services.proposal_approve(proposal=proposal, actor=people["sales"], door=Door.UI)
    mql.refresh_from_db()
    proposal.refresh_from_db()
    return proposal


def coverage(mql):
    return selectors.coverage(kind="definition", item_id=mql.pk, layer="process")


def acknowledge(mql, person, **kwargs):
    return services.acknowledge(item=mql, actor=person, door=Door.UI, **kwargs)


def test_nothing_asks_for_acknowledgement_before_a_change(mql):
    assert coverage(mql).version is None and coverage(mql).expected == 0


def test_the_responsible_accountable_and_consulted_heads_are_asked_and_the_informed_not(
        mql, people):
    applied(mql, people, "A lead that asked for a demo.")
    acknowledge(mql, people["cs"], version="2")
    shown = coverage(mql)
    assert shown.version == "2"
    assert [p.username for p in shown.acknowledged] == ["head-cs"]
    assert sorted(p.username for p in shown.waiting) == ["head-marketing", "head-sales"]
    assert f"{len(shown.acknowledged)} of {shown.expected}" == "1 of 3"
    with pytest.raises(Refused):
        acknowledge(mql, people["finance"])
    with pytest.raises(ValidationError):
        acknowledge(mql, people["cs"])


def test_a_cosmetic_change_keeps_acknowledgements_and_a_meaningful_one_asks_again(mql,
                                                                                   people):
    applied(mql, people, "A lead that asked for a demo.")
    acknowledge(mql, people["cs"])
    cosmetic = applied(mql, people, "A lead that   asked for a demo.\n")
    assert not cosmetic.meaningful
    assert [p.username for p in coverage(mql).acknowledged] == ["head-cs"]
    with pytest.raises(ValidationError, match="version to read is 2"):
        acknowledge(mql, people["sales"], version="3")
    applied(mql, people, "A lead that booked a demo.")
    assert coverage(mql).version == "4" and coverage(mql).acknowledged == ()


def test_those_who_have_not_acknowledged_are_overdue_after_three_working_days(mql, people):
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, tzinfo=dt.UTC)):  # a Thursday
        applied(mql, people, "A lead that asked for a demo.")
    assert selectors.acknowledgements_overdue(today=dt.date(2026, 3, 10)) == []  # day three
    ((proposal, waiting),) = selectors.acknowledgements_overdue(today=dt.date(2026, 3, 11))
    assert proposal.item_id == mql.pk and len(waiting) == 3


def test_the_monday_brief_names_who_has_not_acknowledged_and_what_waits_for_a_decision(
        mql, people):
    from overview import brief

    with time_machine.travel(dt.datetime(2026, 3, 5, 9, tzinfo=dt.UTC)):
        applied(mql, people, "A lead that asked for a demo.")
        acknowledge(mql, people["cs"])
        propose(mql, people["marketing"], body="A lead that booked a demo.")
    briefs = {b.user.username: b for b in brief.compose(today=dt.date(2026, 3, 11))}
    (line,) = briefs["head-cs"].acknowledgements
    assert line.text.endswith("not yet acknowledged by head-sales, head-marketing")
    assert [d.text for d in briefs["head-sales"].decisions] == [
        "Decide the change to “MQL” proposed by head-marketing"]
    assert brief.compose(today=dt.date(2026, 3, 10))[0].acknowledgements == []
    (told,) = briefs["head-finance"].changes  # Informed: told in the brief of the week after
    assert told.text.startswith("“MQL” changed on 05 Mar 2026: Sales only works demo")
