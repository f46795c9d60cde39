"""The dashboard's charts (run-book freshness over the year, adherence per horizon per
week), the cross-checks and the cadence page's adherence in Chromium, on the demo: SVG
with a title and a description, a legend, the figures as a table behind a disclosure, no
console error (CSP included), readable at 390 px. Screenshots in test-artifacts/."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.demo import load as load_demo
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    load_demo()
    lead = get_user_model().objects.get(username="lead")
    lead.set_password(PASSWORD)
    lead.save()
    return lead


def test_the_dashboard_charts_render_with_a_text_fallback(demo, sign_in, page, screenshot):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(demo, "/")

    freshness = page.locator("#chart-freshness svg[role=img]")
    expect(freshness).to_be_visible()
    expect(page.locator("#chart-freshness-title")).to_have_text(
        "Run-book freshness, last 52 weeks")
    assert "never reviewed" in page.locator("#chart-freshness-desc").text_content()
    # Months of history: most of the 52 weeks have a column.
    drawn = page.locator("#chart-freshness rect").count()
    assert drawn >= 40, drawn
    box = freshness.bounding_box()
    assert box["width"] > 600 and box["height"] > 150

    weekly = page.locator("#chart-adherence-weekly svg[role=img]")
    expect(weekly).to_be_visible()
    assert page.locator("#chart-adherence-weekly rect").count() > 0

    # Findings in words; the code is for the API only.
    expect(page.locator("#cross-checks")).to_contain_text("has neither R nor A")
    expect(page.locator("#cross-checks")).not_to_contain_text("ritual_owner_not_on_layer")
    screenshot("charts-dashboard-desktop")

    table = page.locator("#chart-freshness details table")
    expect(table).to_be_hidden()
    page.get_by_text("Run-book freshness, last 52 weeks: the figures").click()
    expect(table).to_be_visible()
    assert table.locator("tbody tr").count() == 52
    expect(table.locator("thead")).to_contain_text("Never reviewed")

    page.set_viewport_size({"width": 390, "height": 844})
    freshness.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    tick = page.locator("#chart-freshness .chart-tick").first
    assert float(tick.evaluate("t => t.getBoundingClientRect().height")) >= 8
    screenshot("charts-dashboard-390")
    for panel in ("#chart-freshness", "#chart-adherence-weekly"):
        page.locator(panel).screenshot(path=f"test-artifacts/charts-{panel[7:]}-390.png")
    assert not errors, errors


def test_the_cadence_page_shows_adherence_at_390_px(demo, sign_in, page, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(demo, "/cadence/")

    section = page.locator("section.adherence")
    expect(section.get_by_role("heading", name="Adherence")).to_be_visible()
    expect(section.get_by_role("table").first).to_contain_text("Last 13 weeks")
    section.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("adherence-cadence-390")


def test_the_raci_page_and_the_pack_show_cross_checks_and_charts(demo, sign_in, page,
                                                                  screenshot):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(demo, "/raci/")
    checks = page.locator("#cross-checks")
    expect(checks.get_by_role("heading")).to_have_text("Cross-checks: RACI, cadence and run book")
    expect(checks).to_contain_text("Segmentation refresh is owned by Marketing")
    checks.screenshot(path="test-artifacts/cross-checks-raci-desktop.png")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.querySelector('#cross-checks').scrollWidth") <= 390
    checks.screenshot(path="test-artifacts/cross-checks-raci-390.png")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(page.url.replace("/raci/", "/handover/"))
    expect(page.locator("#runbook #chart-freshness svg[role=img]")).to_be_visible()
    expect(page.locator("#cadence #chart-adherence-quarterly svg[role=img]")).to_be_visible()
    page.locator("#runbook #chart-freshness").screenshot(
        path="test-artifacts/charts-pack-freshness.png")
