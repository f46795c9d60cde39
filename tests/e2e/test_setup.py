"""/setup/ in a real browser, at desktop width and at 390 px: choose a motion, invite a
head, create the model, and read what to do first; then the invited head follows the link
in their invitation, chooses a password and signs in."""

import pytest
from playwright.sync_api import expect

from overview import bootstrap
from revops.models import Door
from runbook.models import Runbook
from tests.links import link_in, mails_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_setup_creates_a_hybrid_model(sign_in, lead, page, live_server, screenshot, width):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(lead, "/setup/")
    page.goto(f"{live_server.url}/setup/")
    page.get_by_label("Hybrid").check()
    page.locator("#id_invite_sales").fill("dana@example.com")
    screenshot(f"setup-form-{width}")
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not overflow, "the page scrolls sideways"
    page.get_by_role("button", name="Create the model").click()
    expect(page.get_by_role("heading", name="Your hybrid model is ready")).to_be_visible()
    expect(page.get_by_role("heading", name="What to do first")).to_be_visible()
    expect(page.get_by_role("heading", name="Invitations sent")).to_be_visible()
    screenshot(f"setup-done-{width}")
    assert Runbook.objects.count() == 2
    assert not errors


def test_an_invited_head_follows_the_link_chooses_a_password_and_signs_in(
        lead, page, live_server, settings):
    settings.REVOPS_SITE_URL = live_server.url
    bootstrap.bootstrap(motion="sales-led", actor=lead, door=Door.UI,
                        invite={"sales": "dana@example.com"})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(link_in(mails_to("dana@example.com")[0]))
    page.get_by_label("New password").fill("dana-chose-This-2026")
    page.get_by_label("The same password again").fill("dana-chose-This-2026")
    page.get_by_role("button", name="Save the password").click()
    expect(page.get_by_role("heading", name="Password saved")).to_be_visible()
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password", exact=True).fill("dana-chose-This-2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/")
    assert not errors
