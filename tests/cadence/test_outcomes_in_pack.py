"""The hand-over pack carries each ritual's open action items and recent decisions, in
the page and the Markdown file, at the same queries however many there are."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadence import services
from cadence.models import ActionItem, Decision, Status
from revops.models import Door
from tests.cadence.factories import ritual as make_ritual
from tests.factories import UserFactory, function

pytestmark = pytest.mark.django_db

MADE = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)


@pytest.fixture
def recorded():
    with time_machine.travel(MADE, tick=False) as traveller:
        ann = UserFactory(username="ann", first_name="Ann", last_name="Lee")
        r = make_ritual()
        traveller.move_to(datetime(2026, 3, 9, 15, 0, tzinfo=UTC))
        services.occurrence_record(
            occurrence=r.occurrences.order_by("scheduled_for").first(), status=Status.HELD,
            actor=None, door=Door.CLI,
            decisions=[{"text": "Forecast in\ntwo stages", "owner": function("sales"),
                        "revisit_on": date(2026, 6, 1)}],
            actions=[{"text": "Send the call sheet", "owner": ann, "due": date(2026, 3, 11)},
                     {"text": "Done already", "owner": ann, "due": date(2026, 3, 11)}])
        services.action_complete(action=ActionItem.objects.get(text="Done already"),
                                 actor=None, door=Door.CLI)
        traveller.move_to(datetime(2026, 3, 16, 15, 0, tzinfo=UTC))
        yield r


def test_the_pack_lists_what_each_ritual_still_owes_and_decided(client, lead, recorded):
    client.force_login(lead)
    markdown = client.get("/handover.md").content.decode()
    assert "- Send the call sheet — Ann Lee, due 2026-03-11 (overdue)" in markdown
    assert "- Forecast in two stages — Sales, 2026-03-09; revisit 2026-06-01" in markdown
    assert "Done already" not in markdown
    page = client.get("/handover/").content.decode()
    assert "Send the call sheet" in page and "Forecast in" in page


def test_the_pack_runs_the_same_queries_with_more_outcomes(client, lead, recorded):
    client.force_login(lead)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/handover.md").status_code == 200
    occurrence = recorded.occurrences.filter(status=Status.HELD).get()
    people = [UserFactory(username=f"p{i}") for i in range(20)]
    ActionItem.objects.bulk_create([
        ActionItem(ritual=recorded, occurrence=occurrence, text=f"Do {i}", owner=people[i],
                   due=date(2026, 4, 1)) for i in range(20)])
    Decision.objects.bulk_create([
        Decision(ritual=recorded, occurrence=occurrence, text=f"Decide {i}",
                 owner=function("sales"), created_at=MADE) for i in range(20)])
    with CaptureQueriesContext(connection) as large:
        assert client.get("/handover.md").status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
