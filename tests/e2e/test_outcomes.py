"""The occurrence page with action items carried from the meeting before: closing one,
recording the meeting with a new one, in Chromium at desktop and phone widths."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cadence import services
from cadence.models import ActionItem, ActionState, Ritual
from revops.models import Door
from tests.cadence.factories import ritual as make_ritual
from tests.factories import UserFactory, function

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _two_past_meetings():
    """A weekly ritual that existed for three weeks: its last two meetings are past."""
    r = make_ritual(attendees=[function("marketing")], agenda="1. Commit\n2. Risks")
    past = timezone.now() - timedelta(days=15)
    Ritual.objects.filter(pk=r.pk).update(created_at=past, schedule_start=past)
    r.refresh_from_db()
    services.materialize(ritual=r, start=past)
    return r, list(r.occurrences.filter(scheduled_for__lt=timezone.now()).order_by(
        "scheduled_for"))[-2:]


@pytest.mark.parametrize("width", [1280, 390])
def test_carried_items_are_closed_and_the_meeting_recorded(sign_in, lead, page, live_server,
                                                           screenshot, width):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": width, "height": 900})
    ann = UserFactory(username="ann", first_name="Ann", last_name="Lee")
    ritual, (before, meeting) = _two_past_meetings()
    day = before.local_time.date()
    services.occurrence_record(
        occurrence=before, status="held", actor=None, door=Door.CLI, rating=6,
        present=[function("sales")],
        decisions=[{"text": "Forecast in two stages from next quarter",
                    "owner": function("sales")}],
        actions=[{"text": "Send the call sheet to finance", "owner": ann, "due": day},
                 {"text": "Clean the late-stage pipeline", "owner": lead,
                  "due": day + timedelta(days=30)},
                 {"text": "Book the quarterly offsite room", "owner": ann,
                  "due": day + timedelta(days=40)}])
    sign_in(lead, meeting.get_absolute_url())
    carried = page.locator("section.carried")
    expect(carried).to_contain_text("Carried forward: 3 open, 1 overdue")
    screenshot(f"occurrence-carried-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    carried.locator("li", has_text="Send the call sheet").get_by_role(
        "button", name="Done").click()
    expect(page.locator("section.carried")).to_contain_text("Carried forward: 2 open")
    offsite = page.locator("section.carried li", has_text="Book the quarterly offsite")
    offsite.locator("summary").click()
    offsite.get_by_label("Why drop it?").fill("The team meets remotely this quarter")
    offsite.get_by_role("button", name="Drop").click()
    expect(page.locator("section.carried")).to_contain_text("Carried forward: 1 open")

    page.get_by_label("Held").check()
    page.get_by_label("Sales").check()
    page.get_by_label("How useful was it?").select_option("8")
    page.locator("#id_actions-0-text").fill("Share the two-stage template")
    page.locator("#id_actions-0-owner").select_option(label="Ann Lee")
    page.locator("#id_actions-0-due").fill(str(timezone.localdate() + timedelta(days=7)))
    page.get_by_role("button", name="Record").click()
    expect(page.locator("#occurrence-status")).to_have_text("Held")
    expect(page.locator("section.outcome")).to_contain_text("Share the two-stage template")
    screenshot(f"occurrence-recorded-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.goto(f"{live_server.url}{ritual.get_absolute_url()}")
    expect(page.locator("section.rollup")).to_contain_text(
        "4 opened · 1 done (0 on time) · 1 dropped")
    expect(page.locator(f"#chart-rating-{ritual.pk} svg.chart-svg")).to_be_visible()
    screenshot(f"ritual-rollup-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    states = dict(ActionItem.objects.values_list("text", "state"))
    assert states["Send the call sheet to finance"] == ActionState.DONE
    assert states["Book the quarterly offsite room"] == ActionState.DROPPED
    assert states["Share the two-stage template"] == ActionState.OPEN
    assert not errors
