"""An occurrence's outcome on the database: recorded whole or not at all, action items
carried to the ritual's next occurrences until done or dropped (whatever becomes of the
schedule), decisions told to the layers above, revisits raised on their day."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from cadence import selectors, services
from cadence.models import ActionItem, ActionState, Decision, Occurrence, Status
from revops import registry
from revops.errors import Refused
from revops.models import AuditEntry, Door
from runbook.models import Concern
from tests.cadence.factories import ritual as make_ritual
from tests.factories import UserFactory, function, make_head

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # a Wednesday


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def weekly(frozen):
    """A weekly Monday ritual of Sales attended by Marketing, made on Wednesday 4 March;
    its first occurrence is Monday 9 March, 09:00 New York."""
    r = make_ritual(attendees=[function("marketing")])
    return r


def nth(ritual, n):
    return ritual.occurrences.order_by("scheduled_for")[n]


def hold(occurrence, *, actor=None, **outcome):
    return services.occurrence_record(occurrence=occurrence, status=Status.HELD,
                                      actor=actor, door=Door.CLI, **outcome)


def action(text, owner, due):
    return {"text": text, "owner": owner, "due": due}


def test_a_held_occurrence_keeps_its_whole_outcome(frozen, weekly):
    ann = UserFactory(username="ann")
    frozen.move_to(datetime(2026, 3, 9, 15, 0, tzinfo=UTC))
    occurrence = hold(nth(weekly, 0), notes="Good call.", rating=8,
                      present=[function("sales"), function("marketing")],
                      decisions=[{"text": "Commit at 2.1M", "owner": function("sales"),
                                  "revisit_on": date(2026, 4, 1)}],
                      actions=[action("Send the call sheet", ann, date(2026, 3, 12))])
    occurrence.refresh_from_db()
    assert occurrence.rating == 8
    assert sorted(occurrence.present.values_list("slug", flat=True)) == ["marketing", "sales"]
    decision = Decision.objects.get()
    assert (decision.ritual, decision.occurrence, decision.owner.slug, decision.revisit_on) == (
        weekly, occurrence, "sales", date(2026, 4, 1))
    item = ActionItem.objects.get()
    assert (item.ritual, item.owner, item.due, item.state) == (
        weekly, ann, date(2026, 3, 12), ActionState.OPEN)
    assert set(AuditEntry.objects.values_list("action", flat=True)) >= {
        "record", "decide", "assign"}


@pytest.mark.parametrize(("outcome", "field"), [
    ({"rating": 11}, "rating"),
    ({"rating": 0}, "rating"),
    ({"present": ["cs"]}, "present"),
    ({"actions": [{"text": "", "owner": "ann", "due": date(2026, 3, 12)}]}, "actions[1].text"),
    ({"actions": [{"text": "Call", "owner": None, "due": date(2026, 3, 12)}]},
     "actions[1].owner"),
    ({"actions": [{"text": "Call", "owner": "ann", "due": date(2026, 3, 1)}]},
     "actions[1].due"),
    ({"decisions": [{"text": "Yes", "owner": None}]}, "decisions[0].owner"),
    ({"decisions": [{"text": "Yes", "owner": "sales", "revisit_on": date(2026, 3, 9)}]},
     "decisions[0].revisit_on"),
    ({"decisions": [{"text": "Yes", "owner": "sales", "link": ("ritual", "x")}]},
     "decisions[0].link"),
])
def test_a_bad_part_of_the_outcome_names_its_field_and_writes_nothing(
        frozen, weekly, outcome, field):
    """The second action item is the bad one: the first, good, is not written either."""
    ann = UserFactory(username="ann")
    frozen.move_to(datetime(2026, 3, 9, 15, 0, tzinfo=UTC))
    resolved = {"present": [function(s) for s in outcome.get("present", [])],
                "rating": outcome.get("rating"),
                "decisions": [{**d, "owner": d["owner"] and function(d["owner"])}
                              for d in outcome.get("decisions", [])],
                "actions": [action("Fine one", ann, date(2026, 3, 12))] + [
                    {**a, "owner": a["owner"] and ann}
                    for a in outcome.get("actions", [])] if "actions" in outcome else []}
    occurrence = nth(weekly, 0)
    with pytest.raises(ValidationError) as info:
        hold(occurrence, **resolved)
    assert field in info.value.message_dict
    occurrence.refresh_from_db()
    assert occurrence.status == Status.SCHEDULED
    assert not ActionItem.objects.exists() and not Decision.objects.exists()
    assert not occurrence.attendance.exists()


def test_a_skipped_occurrence_has_no_outcome(frozen, weekly):
    ann = UserFactory(username="ann")
    with pytest.raises(ValidationError) as info:
        services.occurrence_record(
            occurrence=nth(weekly, 0), status=Status.SKIPPED, actor=None, door=Door.CLI,
            actions=[action("Call", ann, date(2026, 3, 12))])
    assert set(info.value.message_dict) == {"status"}


def test_open_actions_are_carried_over_three_occurrences_until_done_or_dropped(
        frozen, weekly):
    ann, bob = UserFactory(username="ann"), UserFactory(username="bob")
    first, second, third, fourth = (nth(weekly, i) for i in range(4))
    frozen.move_to(datetime(2026, 3, 9, 15, 0, tzinfo=UTC))
    hold(first, actions=[action("Send the call sheet", ann, date(2026, 3, 11)),
                         action("Clean the pipeline", bob, date(2026, 3, 20)),
                         action("Book the offsite", ann, date(2026, 3, 27))])
    frozen.move_to(datetime(2026, 3, 16, 15, 0, tzinfo=UTC))
    carried = selectors.carried_actions(second, today=date(2026, 3, 16))
    assert [a.text for a in carried.items] == [
        "Send the call sheet", "Clean the pipeline", "Book the offsite"]
    assert carried.summary == "3 open, 1 overdue"
    sheet, pipeline, offsite = carried.items
    done = services.action_complete(action=sheet, actor=ann, door=Door.UI)
    assert (done.state, done.closed_by, done.closed_at) == (
        ActionState.DONE, ann, datetime(2026, 3, 16, 15, 0, tzinfo=UTC))
    hold(second)
    frozen.move_to(datetime(2026, 3, 23, 15, 0, tzinfo=UTC))
    carried = selectors.carried_actions(third, today=date(2026, 3, 23))
    assert [a.text for a in carried.items] == ["Clean the pipeline", "Book the offsite"]
    assert carried.summary == "2 open, 1 overdue"
    dropped = services.action_drop(action=pipeline, reason="The CRM job does it now.",
                                   actor=bob, door=Door.API)
    assert (dropped.state, dropped.drop_reason, dropped.closed_by) == (
        ActionState.DROPPED, "The CRM job does it now.", bob)
    hold(third)
    frozen.move_to(datetime(2026, 3, 30, 15, 0, tzinfo=UTC))
    carried = selectors.carried_actions(fourth, today=date(2026, 3, 30))
    assert [a.text for a in carried.items] == ["Book the offsite"]
    assert carried.summary == "1 open, 1 overdue"


def test_carried_actions_survive_a_schedule_change(frozen, weekly):
    ann = UserFactory(username="ann")
    frozen.move_to(datetime(2026, 3, 9, 15, 0, tzinfo=UTC))
    hold(nth(weekly, 0), actions=[action("Send the call sheet", ann, date(2026, 3, 20))])
    services.ritual_update(ritual=weekly, actor=None, door=Door.CLI,
                           rrule="FREQ=WEEKLY;BYDAY=TH;BYHOUR=14;BYMINUTE=0")
    following = weekly.occurrences.filter(status=Status.SCHEDULED).order_by(
        "scheduled_for").first()
    assert following.local_time.weekday() == 3  # the new Thursday slot
    carried = selectors.carried_actions(following, today=date(2026, 3, 12))
    assert [a.text for a in carried.items] == ["Send the call sheet"]


def test_dropping_needs_a_reason_and_a_closed_item_stays_closed(frozen, weekly):
    ann = UserFactory(username="ann")
    frozen.move_to(datetime(2026, 3, 9, 15, 0, tzinfo=UTC))
    hold(nth(weekly, 0), actions=[action("Call", ann, date(2026, 3, 12))])
    item = ActionItem.objects.get()
    with pytest.raises(ValidationError) as info:
        services.action_drop(action=item, reason="  ", actor=ann, door=Door.UI)
    assert set(info.value.message_dict) == {"reason"}
    services.action_complete(action=item, actor=ann, door=Door.UI)
    with pytest.raises(ValidationError) as info:
        services.action_drop(action=item, reason="Late", actor=ann, door=Door.UI)
    assert set(info.value.message_dict) == {"state"}
    assert ActionItem.objects.get().state == ActionState.DONE


def test_only_the_owner_leads_and_the_ritual_head_close_an_action(frozen, weekly):
    ann, stranger = UserFactory(username="ann"), UserFactory(username="stranger")
    sales_head = make_head("sales")
    marketing_head = make_head("marketing")
    frozen.move_to(datetime(2026, 3, 9, 15, 0, tzinfo=UTC))
    hold(nth(weekly, 0), actions=[action("Call", ann, date(2026, 3, 12)),
                                  action("Write", ann, date(2026, 3, 12))])
    call, write = ActionItem.objects.order_by("id")
    for refused in (stranger, marketing_head):
        with pytest.raises(Refused):
            services.action_complete(action=call, actor=refused, door=Door.UI)
    services.action_complete(action=call, actor=sales_head, door=Door.UI)
    services.action_complete(action=write, actor=ann, door=Door.UI)
    assert set(ActionItem.objects.values_list("state", flat=True)) == {ActionState.DONE}


def test_a_linked_decision_is_told_with_its_item_reason_and_recorder(
        frozen, weekly, sections):
    heard = []

    def listener(**context):
        heard.append(context)

    registry.add_listener("decision.recorded", listener)
    try:
        lead = make_head("revops", "lead")
        frozen.move_to(datetime(2026, 3, 9, 15, 0, tzinfo=UTC))
        hold(nth(weekly, 0), actor=lead, decisions=[
            {"text": "Forecast weekly on Thursdays", "owner": function("sales"),
             "link": ("section", sections["cadence"])},
            {"text": "Nothing linked", "owner": function("sales")}])
    finally:
        registry._listeners["decision.recorded"].remove(listener)
    assert len(heard) == 1
    told = heard[0]
    assert (told["item"], told["reason"], told["by"]) == (
        sections["cadence"], "Forecast weekly on Thursdays", lead)
    assert told["decision"] == Decision.objects.get(section=sections["cadence"])


@pytest.mark.parametrize("kind", ["definition", "row", "ritual"])
def test_each_kind_of_linked_item_is_told_as_itself(frozen, weekly, kind):
    from tests.raci.factories import matrix, row
    from tests.runbook.factories import make_definition

    item = {"definition": lambda: make_definition("Qualified pipeline", owner="sales"),
            "row": lambda: row(matrix(), "Forecast sign-off", {"sales": "A"}),
            "ritual": lambda: weekly}[kind]()
    heard = []

    def listener(**context):
        heard.append(context)

    registry.add_listener("decision.recorded", listener)
    try:
        frozen.move_to(datetime(2026, 3, 9, 15, 0, tzinfo=UTC))
        hold(nth(weekly, 0), decisions=[{"text": "Count it from stage 2",
                                         "owner": function("sales"), "link": (kind, item)}])
    finally:
        registry._listeners["decision.recorded"].remove(listener)
    (told,) = heard
    assert told["item"] == item and type(told["item"]) is type(item)
    assert told["reason"] == "Count it from stage 2" and told["by"] is None
    assert told["decision"].link == (kind, item)


def test_a_listener_that_refuses_rolls_the_whole_record_back(frozen, weekly, sections):
    def refuse(**context):
        raise ValidationError({"link": "This item is under change control."})

    registry.add_listener("decision.recorded", refuse)
    occurrence = nth(weekly, 0)
    try:
        frozen.move_to(datetime(2026, 3, 9, 15, 0, tzinfo=UTC))
        with pytest.raises(ValidationError):
            hold(occurrence, decisions=[{"text": "Change it", "owner": function("sales"),
                                         "link": ("section", sections["cadence"])}])
    finally:
        registry._listeners["decision.recorded"].remove(refuse)
    occurrence.refresh_from_db()
    assert occurrence.status == Status.SCHEDULED
    assert not Decision.objects.exists()


def test_a_revisit_raises_a_concern_on_the_linked_section_on_its_day_once(
        frozen, weekly, sections):
    frozen.move_to(datetime(2026, 3, 9, 15, 0, tzinfo=UTC))
    hold(nth(weekly, 0), decisions=[
        {"text": "Try a two-stage forecast", "owner": function("sales"),
         "revisit_on": date(2026, 4, 6), "link": ("section", sections["cadence"])},
        {"text": "Rename the metric", "owner": function("sales"),
         "revisit_on": date(2026, 4, 7)}])
    frozen.move_to(datetime(2026, 4, 5, 23, 0, tzinfo=UTC))
    assert services.raise_due_revisits() == 0
    assert not Concern.objects.exists()
    frozen.move_to(datetime(2026, 4, 6, 6, 0, tzinfo=UTC))
    assert services.raise_due_revisits() == 1
    concern = Concern.objects.get()
    assert concern.section == sections["cadence"] and concern.is_open
    assert "Try a two-stage forecast" in concern.reason
    assert services.raise_due_revisits() == 0
    assert AuditEntry.objects.filter(action="revisit", actor=None).count() == 1
    frozen.move_to(datetime(2026, 4, 7, 6, 0, tzinfo=UTC))
    assert services.raise_due_revisits() == 1
    assert Concern.objects.count() == 1  # the unlinked one is the owner's to-do
    sales = [function("sales").pk]
    assert [d.text for d in selectors.revisits_due(function_ids=sales, now=timezone.now())] \
        == ["Rename the metric"]
    frozen.move_to(datetime(2026, 5, 6, 6, 0, tzinfo=UTC))  # four weeks and a day on
    assert not selectors.revisits_due(function_ids=sales, now=timezone.now()).exists()


def test_recording_again_keeps_one_outcome_of_attendance_and_adds_items(frozen, weekly):
    ann = UserFactory(username="ann")
    frozen.move_to(datetime(2026, 3, 9, 15, 0, tzinfo=UTC))
    occurrence = nth(weekly, 0)
    hold(occurrence, present=[function("sales")], rating=6,
         actions=[action("Call", ann, date(2026, 3, 12))])
    hold(occurrence, present=[function("marketing")], rating=7,
         actions=[action("Write", ann, date(2026, 3, 12))])
    occurrence = Occurrence.objects.get(pk=occurrence.pk)
    assert list(occurrence.present.values_list("slug", flat=True)) == ["marketing"]
    assert occurrence.rating == 7
    assert ActionItem.objects.count() == 2
    assert timedelta(0) <= (occurrence.recapped_at - NOW) <= timedelta(days=6)


def test_the_reminder_before_the_next_meeting_leads_with_the_carried_items(frozen, weekly):
    from django.core import mail

    from revops import outbox

    ann = UserFactory(username="ann")
    make_head("sales")
    frozen.move_to(datetime(2026, 3, 9, 15, 0, tzinfo=UTC))
    hold(nth(weekly, 0), actions=[action("Send the call sheet", ann, date(2026, 3, 11)),
                                  action("Plan the offsite", ann, date(2026, 4, 30))])
    outbox.drain()
    mail.outbox.clear()
    frozen.move_to(datetime(2026, 3, 16, 12, 30, tzinfo=UTC))  # 30 minutes before
    assert services.send_reminders() == 1
    outbox.drain()
    (reminder,) = [m for m in mail.outbox if m.subject.startswith("Reminder")]
    assert "Carried forward: 2 open, 1 overdue" in reminder.body
    assert "- Send the call sheet (ann, due 2026-03-11, overdue)" in reminder.body


def test_an_item_is_overdue_from_the_day_after_its_due_day(frozen, weekly):
    ann = UserFactory(username="ann")
    frozen.move_to(datetime(2026, 3, 9, 15, 0, tzinfo=UTC))
    hold(nth(weekly, 0), actions=[action("Call", ann, date(2026, 3, 12))])
    assert not selectors.overdue_actions(today=date(2026, 3, 12)).exists()
    assert [a.text for a in selectors.overdue_actions(today=date(2026, 3, 13))] == ["Call"]


def test_an_action_owned_by_someone_who_left_is_refused_naming_it(frozen, weekly):
    gone = UserFactory(username="gone", is_active=False)
    frozen.move_to(datetime(2026, 3, 9, 15, 0, tzinfo=UTC))
    with pytest.raises(ValidationError) as info:
        hold(nth(weekly, 0), actions=[action("Call", gone, date(2026, 3, 12))])
    assert set(info.value.message_dict) == {"actions[0].owner"}
    assert not ActionItem.objects.exists()
