"""A lead adds a Slack channel on the channels page, in Chromium, at desktop and phone
widths."""

import pytest
from playwright.sync_api import expect

from revops.models import Channel

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_lead_adds_a_slack_channel_and_sees_it_listed(sign_in, lead, page, live_server,
                                                        screenshot, width):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(lead, "/channels/")
    expect(page.get_by_role("heading", name="Notification channels")).to_be_visible()
    page.get_by_label("Name").fill("#revops-alerts")
    page.get_by_label("Kind").select_option("slack")
    page.get_by_label("Incoming webhook URL").fill(
        "https://hooks.slack.com/services/T000/B000/secret")
    page.get_by_label("Section went stale").check()
    page.get_by_label("Ritual missed").check()
    page.get_by_role("button", name="Add channel").click()
    expect(page.get_by_role("status")).to_contain_text("Channel “#revops-alerts” added.")
    row = page.get_by_role("row", name="#revops-alerts")
    expect(row).to_contain_text("https://hooks.slack.com/…")
    expect(row).to_contain_text("Section went stale, Ritual missed")
    assert "secret" not in page.content()
    screenshot(f"channels-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    row.get_by_role("link", name="#revops-alerts").click()
    expect(page.get_by_role("heading", name="Channel “#revops-alerts”")).to_be_visible()
    expect(page.get_by_label("Kind")).to_be_disabled()
    page.get_by_label("Sign-off needed after a RACI change").check()
    screenshot(f"channel-edit-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Channel “#revops-alerts” saved.")
    assert errors == [], errors
    # In the order the boxes are listed: the apps' order of registration (revops.registry).
    assert Channel.objects.get().events == ["section.stale", "raci.changed", "occurrence.missed"]
