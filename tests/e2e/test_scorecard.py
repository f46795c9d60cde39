"""The scorecard in Chromium on the demo, for each role at 1280 and 390 px: the metrics by
layer, thirteen weeks as tiles, the demo's missing week read as missing, the win rate's
off-track item (a note form for the lead only), an SVG trend per metric with its figures
behind a disclosure, nothing wider than the screen and no console error (CSP included).
Screenshots in test-artifacts/."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from cadence.models import Occurrence
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


@pytest.mark.parametrize("width", [1280, 390])
def test_the_weeks_inputs_the_import_preview_and_the_maturity_evidence(
        demo, sign_in, page, screenshot, width, tmp_path):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": width, "height": 900})
    review = Occurrence.objects.filter(ritual__name="Funnel review",
                                       scheduled_for__lte=timezone.now()).order_by(
        "-scheduled_for").first()
    sign_in(demo["lead"], f"/cadence/occurrences/{review.pk}/")
    inputs = page.locator("#metrics")
    expect(inputs.get_by_role("heading")).to_contain_text("Metrics for")
    expect(inputs.get_by_label("Win rate")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"occurrence-inputs-{width}")

    csv = tmp_path / "values.csv"
    csv.write_text("metric,period,value\nwin-rate,2026-W30,24\n")
    page.goto(page.url.split("/cadence/")[0] + "/scorecard/import/")
    page.get_by_label("CSV file").set_input_files(str(csv))
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview: 1 value from values.csv")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"import-preview-{width}")

    page.goto(page.url.split("/scorecard/")[0] + "/maturity/")
    expect(page.get_by_role("heading", name="Evidence from the app")).to_be_visible()
    expect(page.locator("table.maturity-evidence tbody tr")).to_have_count(5)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(f"maturity-evidence-{width}")
    assert not errors, errors
