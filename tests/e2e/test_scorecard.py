"""The scorecard in Chromium on the demo, for each role at 1280 and 390 px: the metrics by
layer, thirteen weeks as tiles, the demo's missing week read as missing, the win rate's
off-track item (a note form for the lead only), an SVG trend per metric with its figures
behind a disclosure, nothing wider than the screen and no console error (CSP included).
Screenshots in test-artifacts/."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.demo import load as load_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    load_demo()
    return {u.username: u for u in get_user_model().objects.filter(
        username__in=["lead", "sales", "viewer"])}


@pytest.mark.parametrize("width", [1280, 390])
def test_every_role_reads_the_scorecard(demo, sign_in, page, screenshot, width):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": width, "height": 900})
    for username in ["lead", "sales", "viewer"]:
        page.context.clear_cookies()
        sign_in(demo[username], "/scorecard/")
        expect(page.get_by_role("heading", name="Insights and analytics")).to_be_visible()
        win_rate = page.locator("article", has=page.locator("#metric-win-rate"))
        expect(win_rate.locator(".off-track-item")).to_contain_text("Off track since")
        expect(win_rate.get_by_role("button", name="Note the reason")).to_have_count(
            1 if username == "lead" else 0)
        speed = page.locator("article", has=page.locator("#metric-speed-to-lead"))
        expect(speed.locator(".periods li")).to_have_count(13)
        expect(speed.locator(".periods li.missing")).to_have_count(1)
        expect(speed.locator(".periods li.missing .value")).to_have_text("missing")
        velocity = page.locator("#trend-pipeline-velocity svg[role=img]")
        expect(velocity).to_be_visible()
        assert "periods have a value" in page.locator(
            "#trend-pipeline-velocity-desc").text_content()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(f"scorecard-{username}-{width}")
        page.screenshot(path=f"test-artifacts/scorecard-{username}-{width}-top.png")
    figures = page.locator("#trend-win-rate details table")
    expect(figures).to_be_hidden()
    page.locator("#trend-win-rate summary").click()
    expect(figures).to_be_visible()
    expect(figures.locator("tbody tr")).to_have_count(13)
    assert not errors, errors
