"""/setup/ in a real browser, at desktop width and at 390 px: choose a motion, invite a
head, create the model, and read what to do first."""

import pytest
from playwright.sync_api import expect

from runbook.models import Runbook

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
    screenshot(f"setup-done-{width}")
    assert Runbook.objects.count() == 2
    assert not errors
