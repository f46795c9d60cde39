"""In Chromium: edit a section, collide with a second session, merge, mark reviewed,
and watch the section's badge turn fresh."""

import pytest
from django.test import Client

from revops.models import Door
from runbook import services
from tests.factories import LeadFactory
from tests.runbook.factories import make_runbook, section

pytestmark = pytest.mark.e2e


def sign_in(context, live_server, user):
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": live_server.url}])


@pytest.mark.django_db(transaction=True)
def test_conflict_merge_review_turns_badge_fresh(page, browser, live_server, screenshot):
    riley = LeadFactory(username="riley", first_name="Riley")
    sam = LeadFactory(username="sam", first_name="Sam")
    runbook = make_runbook("Sales-led run book")
    target = section(runbook, "process")
    services.section_revise(section=target, body="## Routing\n\nLeads go to the SDR pod.\n",
                            base_revision=1, actor=riley, door=Door.UI, mark_reviewed=False)

    sign_in(page.context, live_server, riley)
    page.goto(f"{live_server.url}/runbook/")
    assert page.locator("#section-process .badge").inner_text() == "Never reviewed"

    # Riley opens the editor and starts typing; the htmx preview follows.
    page.get_by_role("link", name="Edit Process and workflow").click()
    body = page.get_by_label("Text (Markdown)")
    body.fill("## Routing\n\nLeads go to the SDR pod within **two minutes**.\n")
    page.locator("#preview strong").wait_for()
    assert page.locator("#preview h2").inner_text() == "Routing"
    page.get_by_label("What changed").fill("Two-minute SLA")
    page.get_by_label("Also mark this section as reviewed").uncheck()

    # Meanwhile Sam saves from another browser session.
    other = browser.new_context()
    sign_in(other, live_server, sam)
    sams_page = other.new_page()
    sams_page.goto(f"{live_server.url}/runbook/sections/{target.pk}/edit/")
    sams_page.get_by_label("Text (Markdown)").fill(
        "## Routing\n\nLeads go to the SDR pod.\n\n## Handoffs\n\nSales accepts within a day.\n"
    )
    sams_page.get_by_label("Also mark this section as reviewed").uncheck()
    sams_page.get_by_role("button", name="Save revision").click()
    sams_page.wait_for_url(f"**/runbook/sections/{target.pk}/")
    other.close()

    # Riley saves: refused, with both versions and a diff; Riley's text is kept.
    page.get_by_role("button", name="Save revision").click()
    conflict = page.get_by_role("heading", name="Someone saved this section while you were editing")
    conflict.wait_for()
    assert "Sales accepts within a day." in page.locator("#their-version").input_value()
    assert "two minutes" in page.get_by_label("Text (Markdown)").input_value()
    assert page.locator(".rb-conflict .diff .add").count() >= 1
    screenshot("runbook_conflict_screen")

    # Merge without retyping: keep Riley's text and append Sam's new part.
    page.get_by_label("Text (Markdown)").fill(
        "## Routing\n\nLeads go to the SDR pod within **two minutes**.\n\n"
        "## Handoffs\n\nSales accepts within a day.\n"
    )
    page.get_by_label("What changed").fill("Merge: two-minute SLA and handoffs")
    page.get_by_label("Also mark this section as reviewed").uncheck()
    page.get_by_role("button", name="Save revision").click()
    page.wait_for_url(f"**/runbook/sections/{target.pk}/")
    assert page.locator(".rb-section-head .badge").inner_text() == "Never reviewed"
    assert "two minutes" in page.locator(".rb-body").inner_text()
    assert "Sales accepts within a day." in page.locator(".rb-body").inner_text()

    # Mark reviewed with a note; the badge turns fresh here and on the run-book page.
    page.get_by_role("link", name="Mark reviewed").click()
    page.get_by_label("Note (optional)").fill("Checked with Sales after the merge.")
    page.get_by_role("button", name="Mark reviewed").click()
    page.wait_for_url(f"**/runbook/sections/{target.pk}/")
    assert page.locator(".rb-section-head .badge").inner_text() == "Fresh"
    page.goto(f"{live_server.url}/runbook/")
    badge = page.locator("#section-process .badge")
    assert badge.inner_text() == "Fresh"
    assert "fresh" in badge.get_attribute("class")
    assert "Riley" in page.locator("#section-process .rb-stamp").inner_text()
    assert "revision 4" in page.locator("#section-process .rb-stamp").inner_text()
    screenshot("runbook_badge_fresh")
    target.refresh_from_db()
    assert target.revision == 4 and target.last_reviewed_revision == 4
