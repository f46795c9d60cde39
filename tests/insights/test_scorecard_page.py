"""``/scorecard/``: every role reads it; missing values read "missing", never zero; the
trend has its figures as text; the same queries at two sizes; an owner notes a reason."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from insights import services
from insights.models import Metric, OffTrack
from tests.insights.factories import make_metric, make_velocity, send

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 12, 7)


@pytest.fixture
def frozen():
    with time_machine.travel(MONDAY, tick=False):
        yield


@pytest.mark.parametrize("who", ["lead", "sales_head", "viewer"])
def test_every_role_reads_the_scorecard_with_missing_shown_as_missing(client, request, who,
                                                                      frozen):
    metric = make_metric(target=30, warning=5)
    send(metric, "2026-W49", 26)
    send(metric, "2026-W47", 31)
    client.force_login(request.getfixturevalue(who))
    page = client.get("/scorecard/").content.decode()
    assert "Insights and analytics" in page and "Win rate" in page
    tiles = page.split('class="periods"')[1].split("</ol>")[0]
    assert tiles.count("<li") == 13
    assert "26 %" in tiles and "Warning" in tiles and "31 %" in tiles and "On track" in tiles
    assert tiles.count(">missing<") == 11 and ">0 %<" not in tiles
    assert "<svg" in page and "<title" in page and "the figures</summary>" in page


def test_the_scorecard_runs_the_same_queries_at_two_sizes(client, lead, frozen):
    client.force_login(lead)
    make_velocity()
    client.get("/scorecard/")
    with CaptureQueriesContext(connection) as small:
        assert client.get("/scorecard/").status_code == 200
    Metric.objects.bulk_create([Metric(slug=f"s-{n}", name=f"S {n}", unit="count",
                                       system=f"s-{n}") for n in range(20)])
    with CaptureQueriesContext(connection) as large:
        assert client.get("/scorecard/").status_code == 200
    assert len(small) == len(large)


def _off_track_two_weeks(metric):
    send(metric, "2026-W48", 10)
    send(metric, "2026-W49", 12)
    services.raise_off_track(today=MONDAY)
    return OffTrack.objects.get(metric=metric)


def test_the_owner_notes_a_reason_and_a_viewer_may_not(client, lead, viewer, frozen):
    item = _off_track_two_weeks(make_metric(target=30, warning=5))
    client.force_login(viewer)
    page = client.get("/scorecard/").content.decode()
    assert "Off track since 2026-W48" in page and "Note the reason" not in page
    assert client.post(f"/scorecard/off-track/{item.pk}/note/",
                       {"reason": "x"}).status_code == 403
    client.force_login(lead)
    assert "Note the reason" in client.get("/scorecard/").content.decode()
    client.post(f"/scorecard/off-track/{item.pk}/note/", {"reason": "  "})
    item.refresh_from_db()
    assert item.is_open
    client.post(f"/scorecard/off-track/{item.pk}/note/", {"reason": "Two reps left."})
    item.refresh_from_db()
    assert not item.is_open and item.reason == "Two reps left." and item.noted_by == lead
