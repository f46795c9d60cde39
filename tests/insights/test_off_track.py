"""Off-track items raised by the daily job and cleared when the metric recovers or its
owner notes a reason, with time moving on (time-machine); shown on /start/ and in the
Monday brief of the owner, and sent to a channel."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from insights import services, tasks
from insights.models import OffTrack
from overview import brief
from revops import services as revops_services
from revops.errors import Refused
from revops.models import Door, Function, Mail
from tests.insights.factories import make_metric, send

pytestmark = pytest.mark.django_db


def monday(week):
    return date.fromisocalendar(2026, week, 1)


@pytest.fixture
def metric():
    return make_metric(target=30, warning=5, owner="sales")


def run_on(day):
    with time_machine.travel(datetime.combine(day, datetime.min.time()).replace(hour=6),
                             tick=False):
        return tasks.raise_off_track.delay().get()


def test_off_track_two_weeks_raises_one_item_once_and_it_clears_on_recovery(metric):
    send(metric, "2026-W47", 10)
    assert run_on(monday(48)) == {"raised": 0, "cleared": 0}  # one week is not a run
    send(metric, "2026-W48", 12)
    assert run_on(monday(49)) == {"raised": 1, "cleared": 0}
    assert run_on(monday(49) + timedelta(days=1)) == {"raised": 0, "cleared": 0}
    item = OffTrack.objects.get()
    assert (item.since, item.latest, item.is_open) == ("2026-W47", "2026-W48", True)
    send(metric, "2026-W49", 20)  # a third week off: the same run, nothing new
    assert run_on(monday(50)) == {"raised": 0, "cleared": 0}
    assert run_on(monday(51)) == {"raised": 0, "cleared": 0}  # W50 missing: not recovered
    send(metric, "2026-W50", 26)  # within the band: recovered
    assert run_on(monday(51)) == {"raised": 0, "cleared": 1}
    item.refresh_from_db()
    assert not item.is_open and item.reason == "back on track"


def test_a_noted_run_is_not_raised_again_but_a_new_run_is(metric, sales_head):
    send(metric, "2026-W47", 10)
    send(metric, "2026-W48", 12)
    run_on(monday(49))
    services.off_track_note(item=OffTrack.objects.get(), reason="Two sellers left.",
                            actor=sales_head, door=Door.UI)
    send(metric, "2026-W49", 11)
    assert run_on(monday(50)) == {"raised": 0, "cleared": 0}
    send(metric, "2026-W50", 40)
    send(metric, "2026-W51", 5)
    send(metric, "2026-W52", 5)
    assert run_on(monday(53)) == {"raised": 1, "cleared": 0}
    assert list(OffTrack.objects.order_by("raised_at").values_list("since", "reason")) == [
        ("2026-W47", "Two sellers left."), ("2026-W51", "")]


def test_a_viewer_may_not_note_a_reason(metric, viewer):
    send(metric, "2026-W47", 10)
    send(metric, "2026-W48", 12)
    run_on(monday(49))
    with pytest.raises(Refused):
        services.off_track_note(item=OffTrack.objects.get(), reason="x", actor=viewer,
                                door=Door.UI)


def test_the_item_reaches_the_owner_on_start_in_the_brief_and_as_an_event(
        client, metric, sales_head, viewer):
    revops_services.channel_create(actor=None, door=Door.CLI, name="List", kind="email",
                                   address="revops@example.com", events=["metric.off_track"])
    send(metric, "2026-W47", 10)
    send(metric, "2026-W48", 12)
    run_on(monday(49))
    mail = Mail.objects.get(to=["revops@example.com"])
    assert "“Win rate” has been off track since 2026-W47" in mail.body
    with time_machine.travel(monday(49), tick=False):
        client.force_login(sales_head)
        page = client.get("/start/").content.decode()
        assert "“Win rate” off track since 2026-W47" in page
        client.force_login(viewer)
        assert "off track since" not in client.get("/start/").content.decode()
        briefs = {b.user: b for b in brief.compose(today=timezone.localdate())}
    text, html = briefs[sales_head].render()
    assert "METRICS OFF TRACK" in text and "Win rate" in text and "Win rate" in html
    assert Function.objects.get(slug="sales").head == sales_head
