"""The occurrence page with outcomes: the record form's decision and action rows, the
action items carried to the next meetings (and the ritual's agenda), closing them."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from cadence import services
from cadence.models import ActionItem, ActionState, Decision, Status
from revops.models import Door
from tests.cadence.factories import ritual as make_ritual
from tests.factories import UserFactory, function

pytestmark = pytest.mark.django_db

MADE = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
FIRST_MEETING_DONE = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)
SECOND_MEETING_DAY = datetime(2026, 3, 16, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(MADE, tick=False) as traveller:
        yield traveller


@pytest.fixture
def weekly(frozen):
    r = make_ritual(attendees=[function("marketing")], agenda="1. Commit\n2. Risks")
    frozen.move_to(FIRST_MEETING_DONE)
    return r


@pytest.fixture
def ann(db):
    return UserFactory(username="ann", first_name="Ann", last_name="Lee")


def nth(ritual, n):
    return ritual.occurrences.order_by("scheduled_for")[n]


def form_post(ann, **extra):
    rows = {
        "status": "held", "notes": "", "present": [function("sales").pk],
        "rating": "7",
        "decisions-TOTAL_FORMS": "2", "decisions-INITIAL_FORMS": "0",
        "decisions-0-text": "Commit at 2.1M", "decisions-0-owner": function("sales").pk,
        "decisions-0-revisit_on": "", "decisions-0-link": "",
        "decisions-1-text": "", "decisions-1-owner": "", "decisions-1-link": "",
        "actions-TOTAL_FORMS": "3", "actions-INITIAL_FORMS": "0",
        "actions-0-text": "Send the call sheet", "actions-0-owner": ann.pk,
        "actions-0-due": "2026-03-11",
        "actions-1-text": "Clean the pipeline", "actions-1-owner": ann.pk,
        "actions-1-due": "2026-03-20",
        "actions-2-text": "", "actions-2-owner": "", "actions-2-due": "",
    }
    rows.update(extra)
    return rows


def test_the_record_form_writes_the_outcome_and_the_page_shows_it(client, lead, weekly, ann):
    client.force_login(lead)
    occurrence = nth(weekly, 0)
    page = client.get(occurrence.get_absolute_url())
    assert page.status_code == 200 and b"decisions-TOTAL_FORMS" in page.content
    response = client.post(occurrence.get_absolute_url(), form_post(
        ann, **{"decisions-0-link": f"ritual:{weekly.pk}"}))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Decision.objects.get().linked_ritual == weekly
    assert [a.text for a in ActionItem.objects.order_by("id")] == [
        "Send the call sheet", "Clean the pipeline"]
    shown = client.get(occurrence.get_absolute_url()).content.decode()
    assert "Commit at 2.1M" in shown and "7 / 10" in shown


def test_a_bad_action_row_is_shown_on_that_row_and_nothing_is_written(
        client, lead, weekly, ann):
    client.force_login(lead)
    occurrence = nth(weekly, 0)
    response = client.post(occurrence.get_absolute_url(),
                           form_post(ann, **{"actions-1-due": "2026-03-01"}))
    assert response.status_code == 400
    row = response.context["action_forms"][1]
    assert "due" in row.errors
    assert not ActionItem.objects.exists() and not Decision.objects.exists()
    occurrence.refresh_from_db()
    assert occurrence.status == Status.SCHEDULED


def test_carried_items_lead_the_next_occurrence_and_the_agenda_until_closed(
        client, lead, weekly, ann, frozen):
    services.occurrence_record(
        occurrence=nth(weekly, 0), status="held", actor=None, door=Door.CLI,
        actions=[{"text": "Send the call sheet", "owner": ann, "due": date(2026, 3, 11)},
                 {"text": "Clean the pipeline", "owner": ann, "due": date(2026, 3, 20)}])
    frozen.move_to(SECOND_MEETING_DAY)
    client.force_login(ann)
    second = nth(weekly, 1)
    page = client.get(second.get_absolute_url()).content.decode()
    assert "Carried forward: 2 open, 1 overdue" in page
    assert page.index("Carried forward") < page.index("Send the call sheet")
    ritual_page = client.get(weekly.get_absolute_url()).content.decode()
    assert ritual_page.index("Carried forward: 2 open, 1 overdue") < ritual_page.index(
        "Agenda")
    sheet, pipeline = ActionItem.objects.order_by("id")
    done = client.post(f"/cadence/actions/{sheet.pk}/done/",
                       {"next": second.get_absolute_url()})
    assert done.status_code == 302 and done["Location"] == second.get_absolute_url()
    client.post(f"/cadence/actions/{pipeline.pk}/drop/",
                {"reason": "The CRM job cleans it", "next": "https://evil.example/"})
    pipeline.refresh_from_db()
    assert (pipeline.state, pipeline.drop_reason, pipeline.closed_by) == (
        ActionState.DROPPED, "The CRM job cleans it", ann)
    assert "Carried forward" not in client.get(second.get_absolute_url()).content.decode()


def test_a_viewer_sees_carried_items_without_buttons_and_cannot_close(
        client, viewer, weekly, ann, frozen):
    services.occurrence_record(
        occurrence=nth(weekly, 0), status="held", actor=None, door=Door.CLI,
        actions=[{"text": "Send the call sheet", "owner": ann, "due": date(2026, 3, 11)}])
    frozen.move_to(SECOND_MEETING_DAY)
    client.force_login(viewer)
    page = client.get(nth(weekly, 1).get_absolute_url()).content.decode()
    assert "Send the call sheet" in page and "/done/" not in page
    item = ActionItem.objects.get()
    assert client.post(f"/cadence/actions/{item.pk}/done/").status_code == 403
    assert ActionItem.objects.get().state == ActionState.OPEN


@pytest.mark.parametrize("n", [2, 30])
def test_occurrence_page_query_count_does_not_grow_with_carried_items(
        client, lead, weekly, n, frozen, django_assert_max_num_queries):
    people = [UserFactory(username=f"p{i}") for i in range(n)]
    first = nth(weekly, 0)
    first.status = Status.HELD
    first.save()
    ActionItem.objects.bulk_create([
        ActionItem(ritual=weekly, occurrence=first, text=f"Do {i}", owner=people[i],
                   due=date(2026, 3, 10 + i % 10)) for i in range(n)])
    Decision.objects.bulk_create([
        Decision(ritual=weekly, occurrence=first, text=f"Decide {i}",
                 owner=function("sales")) for i in range(n)])
    frozen.move_to(SECOND_MEETING_DAY)
    client.force_login(lead)
    for url in (first.get_absolute_url(), nth(weekly, 1).get_absolute_url()):
        # 27: the outcome and carried items (24), and the insights panel's metric inputs.
        with django_assert_max_num_queries(27):
            assert client.get(url).status_code == 200


def test_the_calendar_event_links_the_meeting_page(client, viewer, weekly, frozen):
    from cadence import ical, selectors
    from cadence.services import occurrence_record

    first, second = nth(weekly, 0), nth(weekly, 1)
    occurrence_record(occurrence=second, status="skipped", actor=None, door=Door.CLI)
    items, extra = selectors.feed_data(ritual_ids=[weekly.pk])
    body = ical.feed(items, extra, name="x", site_url="https://revops.example.com").decode()
    unfolded = body.replace("\r\n ", "")
    assert f"https://revops.example.com/cadence/rituals/{weekly.pk}/now/" in unfolded
    assert f"https://revops.example.com/cadence/occurrences/{second.pk}/" in unfolded
    client.force_login(viewer)
    frozen.move_to(datetime(2026, 3, 9, 12, 55, tzinfo=UTC))  # five minutes before
    response = client.get(f"/cadence/rituals/{weekly.pk}/now/")
    assert response.status_code == 302 and response["Location"] == first.get_absolute_url()


def test_the_console_lists_action_items_and_decisions_read_only(client, lead, weekly, ann):
    services.occurrence_record(
        occurrence=nth(weekly, 0), status="held", actor=None, door=Door.CLI,
        decisions=[{"text": "Commit at 2.1M", "owner": function("sales")}],
        actions=[{"text": "Send the call sheet", "owner": ann, "due": date(2026, 3, 11)}])
    client.force_login(lead)
    for model, text in (("actionitem", "Send the call sheet"), ("decision", "Commit at 2.1M")):
        listing = client.get(f"/admin/cadence/{model}/")
        assert listing.status_code == 200 and text in listing.content.decode()
    item = ActionItem.objects.get()
    page = client.get(f"/admin/cadence/actionitem/{item.pk}/change/")
    assert page.status_code == 200 and 'name="text"' not in page.content.decode()
