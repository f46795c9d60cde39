"""The roll-up of outcomes: action items opened, done on time, dropped and overdue per
ritual, per owner and per owning function (the adherence API), and the rating over time
on the ritual's page."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from cadence import rollup, services
from cadence.models import ActionItem, Status
from revops.models import Door
from tests.cadence.factories import ritual as make_ritual
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MADE = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)


@pytest.fixture
def history():
    """Three held Mondays of a weekly ritual rated 5, 8 and 6; four action items: one done
    on time, one done late, one dropped, one overdue on 1 April."""
    with time_machine.travel(MADE, tick=False) as traveller:
        ann = UserFactory(username="ann", first_name="Ann", last_name="Lee")
        bob = UserFactory(username="bob")
        r = make_ritual()
        meetings = list(r.occurrences.order_by("scheduled_for")[:3])
        traveller.move_to(datetime(2026, 3, 9, 15, 0, tzinfo=UTC))
        services.occurrence_record(
            occurrence=meetings[0], status=Status.HELD, actor=None, door=Door.CLI, rating=5,
            actions=[{"text": "On time", "owner": ann, "due": date(2026, 3, 12)},
                     {"text": "Late", "owner": ann, "due": date(2026, 3, 12)},
                     {"text": "Dropped", "owner": bob, "due": date(2026, 3, 12)},
                     {"text": "Overdue", "owner": bob, "due": date(2026, 3, 20)}])
        on_time, late, dropped, _ = ActionItem.objects.order_by("id")
        traveller.move_to(datetime(2026, 3, 11, 15, 0, tzinfo=UTC))
        services.action_complete(action=on_time, actor=ann, door=Door.UI)
        services.action_drop(action=dropped, reason="Merged into another", actor=bob,
                             door=Door.UI)
        traveller.move_to(datetime(2026, 3, 16, 15, 0, tzinfo=UTC))
        services.action_complete(action=late, actor=ann, door=Door.UI)
        services.occurrence_record(occurrence=meetings[1], status=Status.HELD, actor=None,
                                   door=Door.CLI, rating=8)
        traveller.move_to(datetime(2026, 3, 23, 15, 0, tzinfo=UTC))
        services.occurrence_record(occurrence=meetings[2], status=Status.HELD, actor=None,
                                   door=Door.CLI, rating=6)
        traveller.move_to(datetime(2026, 4, 1, 15, 0, tzinfo=UTC))
        yield {"ritual": r, "traveller": traveller}


def test_a_ritual_counts_its_promises_in_all_and_per_owner(history):
    total, by_owner = rollup.for_ritual(history["ritual"], today=date(2026, 4, 1))
    assert (total.opened, total.done, total.done_on_time, total.dropped, total.overdue) == (
        4, 2, 1, 1, 1)
    assert total.completion_rate == round(2 / 3, 3)
    assert [(line.name, line.tally.opened, line.tally.done_on_time, line.tally.overdue)
            for line in by_owner] == [("Ann Lee", 2, 1, 0), ("bob", 2, 0, 1)]


def test_the_ritual_page_shows_the_rating_line_with_its_figures(client, viewer, history):
    client.force_login(viewer)
    page = client.get(history["ritual"].get_absolute_url()).content.decode()
    assert f'id="chart-rating-{history["ritual"].pk}"' in page and "<svg" in page
    assert "6.3 on average, 6 the last time" in page
    for tick in ("09 Mar", "16 Mar", "23 Mar"):
        assert tick in page
    assert "4 opened · 2 done (1 on time) · 1 dropped" in page


def test_adherence_api_gains_action_completion(api, viewer, history):
    data = api.as_user(viewer).get("/api/v1/adherence/?weeks=13").json()
    assert data["actions"] == {"opened": 4, "done": 2, "done_on_time": 1, "dropped": 1,
                               "overdue": 1, "completion_rate": round(2 / 3, 3)}
    (sales,) = [o for o in data["owners"] if o["owner"] == "sales"]
    assert sales["actions"]["opened"] == 4 and sales["held"] == 3


@pytest.mark.parametrize("n", [2, 30])
def test_ritual_page_query_count_does_not_grow_with_rated_meetings(
        client, viewer, n, django_assert_max_num_queries):
    with time_machine.travel(MADE, tick=False):
        r = make_ritual()
        people = [UserFactory(username=f"p{i}") for i in range(n)]
    meetings = list(r.occurrences.order_by("scheduled_for")[:n])
    for i, o in enumerate(meetings):
        o.status, o.rating = Status.HELD, 1 + i % 10
    r.occurrences.bulk_update(meetings, ["status", "rating"])
    ActionItem.objects.bulk_create([
        ActionItem(ritual=r, occurrence=meetings[0], text=f"Do {i}", owner=people[i],
                   due=date(2026, 4, 1)) for i in range(n)])
    with time_machine.travel(datetime(2026, 12, 1, tzinfo=UTC), tick=False):
        client.force_login(viewer)
        with django_assert_max_num_queries(14):
            assert client.get(r.get_absolute_url()).status_code == 200
