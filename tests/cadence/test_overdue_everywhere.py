"""An overdue action item reaches its owner's start page, the Monday brief of the head
whose ritual it came from, and the dashboard; a done one leaves all three."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail

from cadence import services
from overview import brief
from revops import outbox
from revops.models import Door
from tests.cadence.factories import ritual as make_ritual
from tests.factories import UserFactory, make_head

pytestmark = pytest.mark.django_db

MADE = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
MEETING_DONE = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
NEXT_MONDAY = datetime(2026, 3, 16, 6, 0, tzinfo=UTC)


@pytest.fixture
def overdue(db):
    with time_machine.travel(MADE, tick=False) as traveller:
        head = make_head("sales", "sales-head")
        ann = UserFactory(username="ann", first_name="Ann", last_name="Lee")
        r = make_ritual()
        traveller.move_to(MEETING_DONE)
        services.occurrence_record(
            occurrence=r.occurrences.order_by("scheduled_for").first(), status="held",
            actor=None, door=Door.CLI,
            actions=[{"text": "Send the call sheet", "owner": ann, "due": date(2026, 3, 11)},
                     {"text": "Plan the offsite", "owner": ann, "due": date(2026, 4, 30)}])
        traveller.move_to(NEXT_MONDAY)
        yield {"head": head, "ann": ann, "traveller": traveller}


def test_the_owner_sees_it_on_start(client, overdue):
    client.force_login(overdue["ann"])
    page = client.get("/start/").content.decode()
    assert "Send the call sheet" in page and "Plan the offsite" not in page


def test_the_ritual_head_reads_it_in_the_monday_brief(overdue):
    outbox.drain()
    mail.outbox.clear()
    assert brief.send_monday_briefs() == 1
    outbox.drain()
    (sent,) = [m for m in mail.outbox if "Monday brief" in m.subject]
    assert sent.to == ["sales-head@example.com"]
    assert "OVERDUE ACTION ITEMS" in sent.body and "Send the call sheet" in sent.body
    assert "Plan the offsite" not in sent.body


def test_the_dashboard_lists_it_until_it_is_done(client, overdue, lead):
    client.force_login(lead)
    page = client.get("/").content.decode()
    assert "Overdue action items" in page and "Send the call sheet" in page
    item = overdue["ann"].action_items.get(text="Send the call sheet")
    services.action_complete(action=item, actor=overdue["ann"], door=Door.UI)
    page = client.get("/").content.decode()
    assert "Overdue action items" not in page
    client.force_login(overdue["ann"])
    assert "Send the call sheet" not in client.get("/start/").content.decode()


def test_a_raised_revisit_of_an_unlinked_decision_is_a_step_on_the_head_start(
        client, overdue):
    from tests.factories import function

    occurrence = overdue["ann"].action_items.first().occurrence
    with time_machine.travel(MEETING_DONE, tick=False):
        services.occurrence_record(
            occurrence=occurrence, status="held", actor=None, door=Door.CLI,
            decisions=[{"text": "Rename the pipeline metric", "owner": function("sales"),
                        "revisit_on": date(2026, 3, 16)}])
    assert services.raise_due_revisits() == 1
    client.force_login(overdue["head"])
    page = client.get("/start/").content.decode()
    assert "Revisit “Rename the pipeline metric”" in page
