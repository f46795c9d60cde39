"""The outcome part of the REST contract (docs/api.md): an occurrence recorded with its
outcome, then its decisions and action items as resources of their own."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from cadence.models import ActionItem, ActionState, Decision, Occurrence, Status
from tests.cadence.factories import ritual as make_ritual
from tests.cadence.factories import runbook_sections
from tests.factories import UserFactory, function

pytestmark = pytest.mark.django_db

MADE = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
MEETING = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)  # the first Monday, after the call


@pytest.fixture
def frozen():
    with time_machine.travel(MADE, tick=False) as traveller:
        yield traveller


@pytest.fixture
def weekly(frozen):
    r = make_ritual(attendees=[function("marketing")])
    frozen.move_to(MEETING)
    return r


@pytest.fixture
def ann(db):
    return UserFactory(username="ann")


def first(ritual):
    return ritual.occurrences.order_by("scheduled_for").first()


def outcome(**extra):
    return {
        "status": "held", "notes": "Good call.", "present": ["sales", "marketing"],
        "rating": 8,
        "decisions": [{"text": "Commit at 2.1M", "owner": "sales", "revisit_on": "2026-04-01"}],
        "actions": [{"text": "Send the call sheet", "owner": "ann", "due": "2026-03-12"},
                    {"text": "Clean the pipeline", "owner": "ann", "due": "2026-03-20"}],
        **extra,
    }


def test_record_with_outcome_then_each_part_is_its_own_resource(api, lead, weekly, ann):
    occurrence = first(weekly)
    response = api.as_user(lead).post(f"/api/v1/occurrences/{occurrence.pk}/record/",
                                      outcome(), format="json")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["status"] == "held" and data["rating"] == 8
    assert data["present"] == ["marketing", "sales"]  # in the functions' order
    assert [d["text"] for d in data["decisions"]] == ["Commit at 2.1M"]
    assert [a["owner"] for a in data["actions"]] == ["ann", "ann"]
    actions = api.get("/api/v1/actions/?owner=ann&state=open").json()
    assert actions["count"] == 2
    item = actions["results"][0]
    assert set(item) >= {"id", "ritual", "occurrence", "text", "owner", "due", "state",
                         "closed_at", "closed_by", "reason"}
    decisions = api.get(f"/api/v1/decisions/?ritual={weekly.pk}&owner=sales").json()
    assert decisions["results"][0]["revisit_on"] == "2026-04-01"
    assert decisions["results"][0]["link"] is None
    detail = api.get(f"/api/v1/occurrences/{occurrence.pk}/").json()
    assert len(detail["actions"]) == 2 and detail["rating"] == 8


@pytest.mark.parametrize(("change", "field"), [
    ({"rating": 11}, "rating"),
    ({"present": ["nope"]}, "present"),
    ({"actions": [{"text": "x", "owner": "ann", "due": "soon"}]}, "actions"),
    ({"actions": [{"text": "x", "owner": "nobody", "due": "2026-03-12"}]}, "actions"),
    ({"decisions": [{"text": "x", "owner": "sales", "link": {"kind": "section",
                                                              "id": 999999}}]}, "decisions"),
    ({"decisions": [{"text": "x", "owner": "sales", "link": {"kind": "planet", "id": 1}}]},
     "decisions"),
    ({"present": ["cs"]}, "present"),
    ({"actions": [{"text": "x", "owner": "ann", "due": "2026-03-12"},
                  {"text": "x", "owner": "ann", "due": "2026-03-01"}]}, "actions[1].due"),
])
def test_bad_outcome_is_a_400_naming_the_field_and_writes_nothing(
        api, lead, weekly, ann, change, field):
    occurrence = first(weekly)
    response = api.as_user(lead).post(f"/api/v1/occurrences/{occurrence.pk}/record/",
                                      outcome(**change), format="json")
    assert response.status_code == 400, response.json()
    assert field in response.json()
    assert Occurrence.objects.get(pk=occurrence.pk).status == Status.SCHEDULED
    assert not ActionItem.objects.exists() and not Decision.objects.exists()


@pytest.mark.parametrize("body", [b"\x00\xff", b'{"status": "held", "actions": "x"}',
                                  b'{"status": "held", "actions": [null]}',
                                  b'{"status": "held", "decisions": [{"link": []}]}',
                                  b'{"status": "held", "rating": "1e400"}'])
def test_odd_bytes_are_a_400_never_a_500(api, lead, weekly, body):
    occurrence = first(weekly)
    response = api.as_user(lead).post(f"/api/v1/occurrences/{occurrence.pk}/record/",
                                      body, content_type="application/json")
    assert response.status_code == 400


def _recorded(api, lead, weekly):
    api.as_user(lead).post(f"/api/v1/occurrences/{first(weekly).pk}/record/", outcome(),
                           format="json")
    return list(ActionItem.objects.order_by("id"))


def test_the_owner_marks_done_and_drops_with_a_reason_who_and_when_kept(
        api, lead, weekly, ann):
    sheet, pipeline = _recorded(api, lead, weekly)
    api.as_user(ann)
    done = api.post(f"/api/v1/actions/{sheet.pk}/done/")
    assert done.status_code == 200, done.json()
    assert (done.json()["state"], done.json()["closed_by"]) == ("done", "ann")
    assert done.json()["closed_at"] == "2026-03-09T15:00:00Z"
    no_reason = api.post(f"/api/v1/actions/{pipeline.pk}/drop/", {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    dropped = api.post(f"/api/v1/actions/{pipeline.pk}/drop/",
                       {"reason": "The CRM job does it"}, format="json")
    assert dropped.json()["reason"] == "The CRM job does it"
    again = api.post(f"/api/v1/actions/{sheet.pk}/done/")
    assert again.status_code == 400 and "state" in again.json()


def test_a_stranger_may_not_close_an_action(api, lead, weekly, ann, viewer):
    sheet, _ = _recorded(api, lead, weekly)
    response = api.as_user(viewer).post(f"/api/v1/actions/{sheet.pk}/done/")
    assert response.status_code == 403
    assert ActionItem.objects.get(pk=sheet.pk).state == ActionState.OPEN


def test_due_filter_reads_overdue_or_a_day_and_refuses_anything_else(
        api, lead, weekly, ann, frozen):
    _recorded(api, lead, weekly)
    frozen.move_to(MEETING + timedelta(days=5))  # Saturday 14 March
    api.as_user(ann)
    overdue = api.get("/api/v1/actions/?due=overdue").json()
    assert [a["text"] for a in overdue["results"]] == ["Send the call sheet"]
    by_day = api.get("/api/v1/actions/?due=2026-03-31").json()
    assert by_day["count"] == 2
    bad = api.get("/api/v1/actions/?due=tomorrow")
    assert bad.status_code == 400 and "due" in bad.json()
    assert api.get("/api/v1/actions/?state=lost").status_code == 400
    assert api.get("/api/v1/actions/?colour=red").status_code == 400


def test_a_decision_links_the_item_it_changes(api, lead, weekly, ann):
    section = runbook_sections()["cadence"]
    body = outcome(decisions=[{"text": "Move the call", "owner": "sales",
                               "link": {"kind": "section", "id": section.pk}}])
    response = api.as_user(lead).post(f"/api/v1/occurrences/{first(weekly).pk}/record/",
                                      body, format="json")
    assert response.status_code == 200, response.json()
    link = response.json()["decisions"][0]["link"]
    assert link == {"kind": "section", "id": section.pk, "label": str(section)}
    assert Decision.objects.get().section == section


@pytest.mark.parametrize("n", [3, 40])
def test_action_and_decision_lists_query_count_does_not_grow(
        api, viewer, n, django_assert_max_num_queries):
    with time_machine.travel(MADE, tick=False):
        r = make_ritual()
    occurrence = first(r)
    people = [UserFactory(username=f"p{i}") for i in range(n)]
    ActionItem.objects.bulk_create([
        ActionItem(ritual=r, occurrence=occurrence, text=f"Do {i}", owner=people[i],
                   due=date(2026, 4, 1)) for i in range(n)])
    Decision.objects.bulk_create([
        Decision(ritual=r, occurrence=occurrence, text=f"Decide {i}", owner=function("sales"))
        for i in range(n)])
    api.as_user(viewer)
    with django_assert_max_num_queries(2):  # the count and the page, joins included
        assert api.get("/api/v1/actions/?page_size=100").json()["count"] == n
    with django_assert_max_num_queries(2):
        assert api.get("/api/v1/decisions/?page_size=100").json()["count"] == n
