"""In Chromium: a viewer says a section looks out of date, sees the concern on the page
(escaped), is not offered a second; the escalation shows on the section page. Screenshots
at desktop width and at 390 px."""

import datetime as dt

import pytest
import time_machine
from playwright.sync_api import expect

from overview import escalation
from raci import services as raci_services
from revops.models import Door, Function
from runbook import services
from tests.factories import UserFactory
from tests.raci.factories import matrix
from tests.runbook.factories import make_runbook, section

pytestmark = pytest.mark.e2e

REASON = "Routing goes to the pod since May, not the rep. <b>Not bold</b>"


@pytest.mark.django_db(transaction=True)
def test_a_viewer_raises_a_concern_and_sees_it_on_the_section_page(
        page, live_server, sign_in, screenshot):
    viewer = UserFactory(username="sam", first_name="Sam")
    runbook = make_runbook("Sales-led run book")
    target = section(runbook, "process")
    raci_services.row_create(matrix=matrix(), name="Process and workflow", layer="process",
                             cells={"cro": "A", "revops": "R"}, actor=None, door=Door.CLI)
    services.section_update(section=target, owner=Function.objects.get(slug="sales"),
                            actor=None, door=Door.CLI)
    with time_machine.travel(dt.datetime(2026, 10, 1, 6, tzinfo=dt.UTC), tick=False):
        services.flag_stale_sections(door=Door.TASK)
    with time_machine.travel(dt.datetime(2026, 10, 15, 5, 10, tzinfo=dt.UTC), tick=False):
        escalation.escalate_stale_sections(door=Door.TASK)

    sign_in(viewer, f"/runbook/sections/{target.pk}/")
    expect(page.get_by_text("escalated to CRO on 15 Oct 2026")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("concern-form-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("What looks out of date?").fill(REASON)
    page.get_by_role("button", name="This looks out of date").click()

    expect(page.get_by_text("is told that “Process and workflow” looks out of date")) \
        .to_be_visible()
    concerns = page.get_by_role("region", name="Readers’ concerns")
    expect(concerns.get_by_text(REASON)).to_be_visible()  # the tags shown as text
    expect(concerns.locator("b")).to_have_count(0)
    expect(concerns.get_by_text("1 open")).to_be_visible()
    expect(page.get_by_role("button", name="This looks out of date")).to_have_count(0)
    expect(page.get_by_text("you will hear back")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot("concern-section-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot("concern-section-390")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/")
    panel = page.get_by_role("region", name="Run book: readers’ concerns")
    expect(panel.get_by_text(REASON)).to_be_visible()
    expect(page.get_by_text("escalated to CRO on 15 Oct 2026")).to_be_visible()
    screenshot("concern-dashboard-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("concern-dashboard-390")
