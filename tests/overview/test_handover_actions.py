"""A leaving person's open action items go to their successor with the rest of what
they hold: listed and counted in the preview, moved and audited by the hand-over, while
the ones they finished or dropped keep their name as history."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.test import Client

from cadence import services as cadence_services
from cadence.models import ActionItem, ActionState, Status
from overview.models import HandoverItem
from revops.models import AuditEntry, Door
from tests.cadence.factories import ritual as make_ritual
from tests.factories import LeadFactory, UserFactory, make_head

pytestmark = pytest.mark.django_db

MADE = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
MEETING_DONE = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)


@pytest.fixture
def promised():
    """Ann promised four things at the pipeline review: two are open, one done, one
    dropped; Bo promised one more."""
    lead = LeadFactory(username="boss")
    make_head("sales", "sales-head")
    ann, bo = UserFactory(username="ann"), UserFactory(username="bo")
    heir = UserFactory(username="heir", first_name="Hal", last_name="Heir")
    with time_machine.travel(MADE, tick=False) as frozen:
        ritual = make_ritual(name="Pipeline review", layer="process")
        frozen.move_to(MEETING_DONE)
        cadence_services.occurrence_record(
            occurrence=ritual.occurrences.order_by("scheduled_for").first(),
            status=Status.HELD, actor=None, door=Door.CLI, actions=[
                {"text": text, "owner": owner, "due": date(2026, 3, day)}
                for text, owner, day in [("Send the call sheet", ann, 12),
                                         ("Clean the stalled deals", ann, 16),
                                         ("Book the QBRs", ann, 13),
                                         ("Rewrite the playbook", ann, 20),
                                         ("Chase the renewals", bo, 14)]])
        actions = {a.text: a for a in ActionItem.objects.all()}
        cadence_services.action_complete(action=actions["Book the QBRs"], actor=ann,
                                         door=Door.UI)
        cadence_services.action_drop(action=actions["Rewrite the playbook"], actor=ann,
                                     door=Door.UI, reason="The new motion replaces it.")
        yield {"lead": lead, "ann": ann, "heir": heir, "actions": actions}


def owners():
    return dict(ActionItem.objects.values_list("text", "owner__username"))


def test_the_preview_lists_and_counts_the_open_action_items_only(promised):
    client = Client()
    client.force_login(promised["lead"])
    page = client.get("/people/ann/handover/", {"to": "heir"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "2 open action items of ann become Hal Heir's" in html
    assert "Send the call sheet</a>, due Thu 12 Mar 2026, from Pipeline review" in html
    assert "Clean the stalled deals" in html
    for closed_or_others in ("Book the QBRs", "Rewrite the playbook", "Chase the renewals"):
        assert closed_or_others not in html
    assert owners()["Send the call sheet"] == "ann", "a preview changes nothing"


def test_the_hand_over_moves_the_open_ones_and_closed_ones_keep_their_owner(promised, api):
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    response = api.as_user(promised["lead"]).post("/api/v1/people/ann/handover/",
                                                   {"to": "heir"}, format="json")
    assert response.status_code == 200, response.content
    actions = promised["actions"]
    assert sorted(response.json()["action_items"]) == sorted(
        [actions["Send the call sheet"].pk, actions["Clean the stalled deals"].pk])
    assert owners() == {"Send the call sheet": "heir", "Clean the stalled deals": "heir",
                        "Book the QBRs": "ann", "Rewrite the playbook": "ann",
                        "Chase the renewals": "bo"}
    assert dict(ActionItem.objects.values_list("text", "state"))["Book the QBRs"] == (
        ActionState.DONE)
    entries = AuditEntry.objects.filter(pk__gt=before, object_type="cadence.actionitem")
    assert sorted((e.object_repr, e.changes["owner"], e.door) for e in entries) == [
        ("Clean the stalled deals", ["ann", "heir"], "api"),
        ("Send the call sheet", ["ann", "heir"], "api")]
    handed = AuditEntry.objects.get(pk__gt=before, action="hand_over")
    assert handed.changes["open_action_items"] == [2, 0]
    items = HandoverItem.objects.filter(kind=HandoverItem.Kind.ACTION_ITEM)
    assert sorted((i.label, i.detail) for i in items) == [
        ("Clean the stalled deals", "Due Mon 16 Mar 2026, from Pipeline review"),
        ("Send the call sheet", "Due Thu 12 Mar 2026, from Pipeline review")]
    assert all(i.url.startswith("/cadence/occurrences/") for i in items)


def test_someone_who_holds_only_action_items_still_hands_them_over(promised, client):
    client.force_login(promised["lead"])
    done = client.post("/people/ann/handover/", {"to": "heir"})
    assert done.status_code == 302
    assert ActionItem.objects.filter(owner=promised["heir"]).count() == 2
    page = client.get(done["Location"])
    assert "Handed over to Hal Heir: 2 open action items." in page.content.decode()


def test_an_action_item_closed_after_the_preview_is_not_moved(promised):
    """The hand-over reads its plan first; an item done in between keeps its owner."""
    actions = promised["actions"]
    planned = [actions["Send the call sheet"], actions["Clean the stalled deals"]]
    cadence_services.action_complete(action=planned[0], actor=promised["ann"], door=Door.UI)
    moved = cadence_services.actions_give_owner(actions=planned, owner=promised["heir"],
                                                actor=promised["lead"], door=Door.UI)
    assert [a.text for a in moved] == ["Clean the stalled deals"]
    assert owners()["Send the call sheet"] == "ann"
    assert AuditEntry.objects.filter(object_type="cadence.actionitem",
                                     action="update").count() == 1


def test_the_person_page_and_the_holdings_api_list_the_open_ones_they_owe(promised, api):
    client = Client()
    client.force_login(promised["lead"])
    html = client.get("/people/ann/").content.decode()
    assert 'Open action items they owe <span class="muted">(2)</span>' in html
    assert "Send the call sheet</a>" in html and "Clean the stalled deals</a>" in html
    assert "Book the QBRs" not in html and "Chase the renewals" not in html
    held = api.as_user(promised["lead"]).get("/api/v1/people/ann/holdings/").json()
    actions = promised["actions"]
    assert held["action_items"] == [actions["Send the call sheet"].pk,
                                    actions["Clean the stalled deals"].pk]
