"""The maturity page in Chromium, on the demo: the latest assessment with its constraint
pillar, red flags and priority fix; the history as an SVG line chart (title, description,
one line per pillar, the figures as a table behind a disclosure); a lead records this
quarter's assessment and its line points appear; usable at 390 px with no console error
(CSP included). Screenshots in test-artifacts/."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from overview.models import MaturityAssessment
from revops import fiscal
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


def test_the_maturity_page_charts_the_pillars_and_a_lead_records_the_quarter(
        demo, sign_in, page, screenshot):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    current = fiscal.fiscal_quarter(timezone.localdate())
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(demo, "/maturity/")

    now = page.locator("section.maturity-now")
    expect(now).to_contain_text(f"{current} has not been assessed yet")
    expect(now.locator(".constraint")).to_have_text("People")  # the demo's last quarter
    expect(now.get_by_role("heading", name="Priority fix")).to_be_visible()

    chart = page.locator("#chart-maturity svg[role=img]")
    expect(chart).to_be_visible()
    expect(page.locator("#chart-maturity-title")).to_have_text(
        "Maturity by pillar, last 8 fiscal quarters")
    assert "3 of 8 quarters assessed" in page.locator("#chart-maturity-desc").text_content()
    assert page.locator("#chart-maturity path.chart-line").count() == 4
    assert page.locator("#chart-maturity circle").count() == 4 * 3
    box = chart.bounding_box()
    assert box["width"] > 600 and box["height"] > 150
    screenshot("maturity-desktop")

    table = page.locator("#chart-maturity details table")
    expect(table).to_be_hidden()
    page.get_by_text("Maturity by pillar, last 8 fiscal quarters: the figures").click()
    expect(table).to_be_visible()
    assert table.locator("tbody tr").count() == 8
    expect(table.locator("tbody tr").last).to_contain_text("no data")

    form = page.locator("form.maturity-form")
    for pillar, score in (("People", "5"), ("Process", "6"), ("Data", "3"),
                          ("Technology", "6")):
        form.get_by_label(f"{pillar} score").select_option(score)
        form.get_by_label(f"{pillar}: evidence").fill(f"{pillar} seen at the refresh.")
    form.get_by_role("button", name=f"Record {current}").click()
    page.get_by_text(f"{current} assessment recorded.").wait_for()
    expect(now).to_contain_text(f"{current}: Emergent")
    expect(now.locator(".constraint")).to_have_text("Data")
    assert page.locator("#chart-maturity circle").count() == 4 * 4
    assert MaturityAssessment.objects.get(quarter_start=current.start).data == 3
    page.locator("#chart-maturity").screenshot(path="test-artifacts/maturity-chart.png")
    screenshot("maturity-recorded-desktop")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    tick = page.locator("#chart-maturity .chart-tick").first
    assert float(tick.evaluate("t => t.getBoundingClientRect().height")) >= 8
    screenshot("maturity-390")
    now.screenshot(path="test-artifacts/maturity-now-390.png")
    page.locator("table.maturity-stages").screenshot(
        path="test-artifacts/maturity-stages-390.png")
    page.locator("#chart-maturity").screenshot(path="test-artifacts/maturity-chart-390.png")
    assert not errors, errors
