"""The proposal resource and the change log (docs/api.md)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from changes import services
from changes.models import Proposal
from revops.models import Door
from tests.changes import conftest as change_control
from tests.changes.helpers import propose
from tests.runbook.factories import make_definition

pytestmark = pytest.mark.django_db

# Change control's small model (tests/changes/conftest.py), as fixtures here too.
people, matrix, mql = change_control.people, change_control.matrix, change_control.mql

JSON = "application/json"


def post(client, user, url, data=None):
    client.force_login(user)
    return client.post(url, data or {}, content_type=JSON)


def test_open_comment_approve_and_acknowledge_through_the_api(client, mql, people):
    opened = post(client, people["marketing"], "/api/v1/proposals/", {
        "kind": "definition", "item": mql.pk, "fields": {"body": "Asked for a demo."},
        "reason": "Sales works demo requests only.", "effective_on": None})
    assert opened.status_code == 201, opened.content
    body = opened.json()
    assert body["state"] == "open" and body["base"]["body"].startswith("A lead with")
    assert body["out_of_date"] is False and body["proposer"] == "head-marketing"
    url = f"/api/v1/proposals/{body['id']}/"
    objected = post(client, people["cs"], url + "comment/", {"body": "Too few demos.",
                                                             "objection": True})
    assert objected.status_code == 201 and objected.json()["function"] == "cs"
    refused = post(client, people["marketing"], url + "approve/")
    assert refused.status_code == 403
    approved = post(client, people["sales"], url + "approve/", {"note": "Agreed."})
    assert approved.status_code == 200
    assert approved.json()["state"] == "applied" and approved.json()["objections"] == 1
    assert approved.json()["comments"][0]["objection"] is True
    read = post(client, people["cs"], url + "acknowledge/")
    assert read.status_code == 201 and read.json()["version"] == "2"
    log = client.get("/api/v1/changes/?layer=process&person=head-sales")
    assert [c["id"] for c in log.json()["results"]] == [body["id"]]


def test_a_definition_says_it_is_governed(client, mql, people):
    client.force_login(people["cs"])
    assert client.get(f"/api/v1/definitions/{mql.pk}/").json()["governed"] is True


def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(client, mql, people):
    for data, field in [
        ({"kind": "definition", "item": mql.pk, "fields": {"body": "x"}, "reason": ""},
         "reason"),
        ({"kind": "memo", "item": mql.pk, "fields": {}, "reason": "x"}, "kind"),
        ({"kind": "definition", "item": 999999, "fields": {}, "reason": "x"}, "item"),
        ({"kind": "definition", "item": mql.pk, "fields": {"body": 5}, "reason": "x"},
         "fields.body"),
        ({"kind": "definition", "item": mql.pk, "fields": {"body": " "}, "reason": "x"},
         "body"),
        ({"kind": "definition", "item": mql.pk, "fields": {}, "reason": "x",
          "effective_on": "2001-01-01"}, "effective_on"),
    ]:
        answer = post(client, people["marketing"], "/api/v1/proposals/", data)
        assert answer.status_code == 400, (data, answer.content)
        assert field in answer.json()
    assert not Proposal.objects.exists()
    assert client.get("/api/v1/proposals/?state=maybe").status_code == 400
    assert client.get("/api/v1/changes/?colour=red").status_code == 400
    assert client.get("/api/v1/changes/?person=nobody").status_code == 400


def test_an_out_of_date_approval_is_a_409_and_a_patch_rebases_it(client, mql, people):
    first = propose(mql, people["marketing"], body="First.")
    second = propose(mql, people["marketing"], body="Second.")
    services.proposal_approve(proposal=first, actor=people["sales"], door=Door.API)
    client.force_login(people["sales"])
    listed = client.get("/api/v1/proposals/?state=open").json()["results"]
    assert [(p["id"], p["out_of_date"]) for p in listed] == [(second.pk, True)]
    conflict = post(client, people["sales"], f"/api/v1/proposals/{second.pk}/approve/")
    assert conflict.status_code == 409 and conflict.json()["rule"] == "out_of_date"
    client.force_login(people["marketing"])
    rebased = client.patch(f"/api/v1/proposals/{second.pk}/",
                           {"fields": {"body": "First, then second."}}, content_type=JSON)
    assert rebased.status_code == 200 and rebased.json()["out_of_date"] is False
    assert post(client, people["sales"],
                f"/api/v1/proposals/{second.pk}/approve/").json()["state"] == "applied"


def test_proposing_your_own_change_when_you_hold_both_seats_is_a_409(client, mql, people):
    from revops.models import Function

    Function.objects.filter(slug="sales").update(head=people["lead"])
    answer = post(client, people["lead"], "/api/v1/proposals/", {
        "kind": "definition", "item": mql.pk, "fields": {"body": "x"}, "reason": "y"})
    assert answer.status_code == 409 and answer.json()["rule"] == "no_self_approval"


def _proposals(count, people):
    start = Proposal.objects.count()
    for i in range(start, start + count):
        definition = make_definition(f"Term {i}", owner="marketing", governed=True)
        propose(definition, people["marketing"], body=f"Wording {i}.")


@pytest.mark.parametrize("url", ["/api/v1/proposals/", "/api/v1/changes/"])
def test_the_lists_run_the_same_queries_at_two_sizes(client, matrix, people, url,
                                                     django_assert_num_queries):
    client.force_login(people["lead"])
    _proposals(2, people)
    for proposal in Proposal.objects.all():
        services.proposal_approve(proposal=proposal, actor=people["sales"], door=Door.API)
    _proposals(2, people)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _proposals(8, people)
    for proposal in Proposal.objects.filter(state="open")[:4]:
        services.proposal_approve(proposal=proposal, actor=people["sales"], door=Door.API)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)
