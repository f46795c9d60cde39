"""``GET /api/v1/adherence/?weeks=``: the figures of ``cadence.adherence`` as JSON, a 400
naming ``weeks`` for a bad window, the same queries at two sizes."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadence.models import Occurrence, Status
from tests.cadence.factories import ADHERENCE_NOW, at, bulk_rituals

pytestmark = pytest.mark.django_db



def test_adherence_for_4_weeks_per_horizon_owner_and_week(api, viewer, adherence_past):
    response = api.as_user(viewer).get("/api/v1/adherence/?weeks=4")

    assert response.status_code == 200
    body = response.json()
    assert body["weeks"] == 4
    assert body["start"] == "2026-09-21T00:00:00Z"
    assert body["total"] == {"held": 4, "skipped": 1, "missed": 2, "held_rate": 0.571}
    assert body["horizons"][1] == {"horizon": "weekly", "held": 2, "skipped": 1, "missed": 1,
                                   "held_rate": 0.5}
    assert body["horizons"][3]["held_rate"] is None
    assert [(o["owner"], o["name"], o["held"]) for o in body["owners"]] == [
        ("sales", "Sales", 2), ("cs", "Customer Success", 1), (None, "No owner", 1)]
    assert [w["week"] for w in body["by_week"]] == [
        "2026-09-21", "2026-09-28", "2026-10-05", "2026-10-12"]
    assert body["by_week"][3]["horizons"][0] == {"horizon": "daily", "held": 1, "skipped": 0,
                                                 "missed": 1, "held_rate": 0.5}


def test_thirteen_weeks_is_the_default(api, viewer, adherence_past):
    body = api.as_user(viewer).get("/api/v1/adherence/").json()

    assert body["weeks"] == 13 and len(body["by_week"]) == 13
    assert body["total"] == {"held": 6, "skipped": 1, "missed": 3, "held_rate": 0.6}


@pytest.mark.parametrize("weeks", ["0", "53", "four", "4.5", "-4", "١٣", "99999999999999999"])
def test_a_bad_window_is_a_400_naming_weeks(api, viewer, weeks):
    response = api.as_user(viewer).get("/api/v1/adherence/", {"weeks": weeks})

    assert response.status_code == 400
    assert "from 1 to 52" in response.json()["weeks"][0]


def test_signed_out_is_refused(api):
    assert api.get("/api/v1/adherence/").status_code in (401, 403)


def test_the_same_queries_at_two_sizes(api, viewer, django_assert_num_queries):
    client = api.as_user(viewer)
    with time_machine.travel(at(7, 1), tick=False):
        bulk_rituals(2)
    with time_machine.travel(ADHERENCE_NOW, tick=False):
        Occurrence.objects.filter(scheduled_for__lt=ADHERENCE_NOW).update(status=Status.HELD)
        with CaptureQueriesContext(connection) as small:
            assert client.get("/api/v1/adherence/").json()["total"]["held"] == 2 * 13
    with time_machine.travel(at(7, 1), tick=False):
        bulk_rituals(20)
    with time_machine.travel(ADHERENCE_NOW, tick=False):
        Occurrence.objects.filter(scheduled_for__lt=ADHERENCE_NOW).update(status=Status.HELD)
        with django_assert_num_queries(len(small.captured_queries)):
            assert client.get("/api/v1/adherence/").json()["total"]["held"] == 22 * 13
