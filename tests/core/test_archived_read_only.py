"""An archived model is read-only on every door: each write action of the access matrix
that touches a run book, a section, a RACI matrix or row, a ritual or an occurrence is
tried by someone the policy allows (a lead; the head for a sign-off) on an archived item,
through the UI, the API, the console and the service itself. None changes anything; the
API and the service answer with the ``archived_read_only`` conflict (409), the UI and the
console with a 409 page or the page's own error — never a 500."""

import copy
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from rest_framework.test import APIClient

from cadence.models import Ritual
from raci.models import Matrix
from revops.errors import Archived
from revops.models import Function
from runbook.models import Runbook
from tests.core.access_actions import ACTIONS, SIGNER, Ctx
from tests.factories import LeadFactory, make_head

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
ARCHIVED_AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def _archive(state):
    """Archive what ``state`` holds; returns whether it held anything archivable."""
    books = {s.runbook_id for s in [state.get("section")] if s} | (
        {state["runbook"].pk} if "runbook" in state else set())
    matrices = {r.matrix_id for r in [state.get("row")] if r} | (
        {state["matrix"].pk} if "matrix" in state else set())
    rituals = {state["ritual"].pk} if "ritual" in state else set()
    Runbook.objects.filter(pk__in=books).update(archived_at=ARCHIVED_AT, is_default=False)
    Matrix.objects.filter(pk__in=matrices).update(archived_at=ARCHIVED_AT, is_current=False)
    Ritual.objects.filter(pk__in=rituals).update(archived_at=ARCHIVED_AT, active=False)
    return bool(books or matrices or rituals)


CASES = [(name, door) for name, action in ACTIONS.items() for door in action.doors
         if action.setup.__name__ in {"_section", "_row", "_two_rows", "_two_matrices",
                                      "_ritual"}]


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_every_model_write_action_is_covered():
    names = {name for name, _ in CASES}
    assert {"section-revise", "section-review", "concern-raise", "release-create",
            "row-edit", "signoff", "csv-import", "ritual-change", "occurrence-record",
            "matrix-make-current"} <= names
    assert {door for _, door in CASES} == {"ui", "api", "console", "service"}


@pytest.mark.parametrize(("name", "door"), CASES, ids=[f"{n}-{d}" for n, d in CASES])
def test_an_archived_item_refuses_every_write_on_every_door(name, door):
    action = ACTIONS[name]
    lead = LeadFactory(username="lead")
    head = make_head("sales", "sales-head")
    target, other = Function.objects.get(slug="sales"), Function.objects.get(slug="marketing")
    lead_client = Client()
    lead_client.force_login(lead)
    ctx = Ctx(target=target, other=other, users={"lead": lead, "sales_head": head},
              lead_client=lead_client, now=NOW)
    state = action.setup(ctx)
    assert _archive(state)
    actor = head if action.who == SIGNER else lead
    before = copy.deepcopy(action.probe(ctx, state))

    if door == "service":
        with pytest.raises(Archived) as refused:
            action.doors["service"](actor, ctx, state)
        assert refused.value.detail()["rule"] == "archived_read_only"
    else:
        perform, _, _ = action.doors[door]
        client = APIClient() if door == "api" else Client()
        client.force_login(actor)
        response = perform(client, ctx, state)
        assert response.status_code < 500, response.content[:500]
        if door == "api":
            assert response.status_code == 409, response.content[:500]
            assert response.json()["rule"] == "archived_read_only"
            assert "read-only" in response.json()["detail"]
        elif response.status_code == 409:
            assert b"read-only" in response.content
    assert action.probe(ctx, state) == before, f"{name} through {door} changed an archived item"
