"""The header search box in Chromium: typing shows results grouped by type (a section
with its review state badge, the words marked in titles) after a pause; the arrow keys
move through them and Enter opens the one chosen, Escape closes them, Enter with none
chosen opens the full results page; a query that finds nothing offers the closest word;
the page works at 390 px."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from raci.models import Row
from revops.models import Door
from runbook import services as runbook_services
from tests.cadence.factories import ritual
from tests.raci.factories import matrix, row
from tests.runbook.factories import make_runbook, stamp_review

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def model(db):
    book = make_runbook("Sales-led")
    process = book.sections.get(kind="process")
    runbook_services.section_revise(
        section=process, body="## Deal desk\n\nDiscounts above 20% go to the deal desk.",
        base_revision=process.revision, actor=None, door=Door.CLI, mark_reviewed=False)
    stamp_review(process, dt.date(2024, 1, 10))
    ritual(name="Deal desk retrospective", output="Rule changes agreed")
    row(matrix(), "Deal desk charter", {"finance": "A"},
        description="Who approves discounts, and how fast.")
    return book


def test_typing_in_the_header_shows_grouped_results_and_enter_opens_the_page(
        sign_in, viewer, model, page, screenshot):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(viewer)
    box = page.get_by_role("combobox", name="Search the operating model")
    box.click()
    box.press_sequentially("deal desk", delay=30)
    results = page.locator("#site-search-results")
    for label in ("Run-book sections", "Rituals", "RACI rows"):
        expect(results.get_by_role("group", name=label)).to_be_visible()
    expect(results.get_by_role("option", name="Process and workflow")).to_be_visible()
    expect(results.get_by_text("Stale")).to_be_visible()
    expect(results.locator("a mark").first).to_have_text("Deal")
    expect(box).to_have_attribute("aria-expanded", "true")
    screenshot("search-header-results")

    options = results.get_by_role("option")
    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(options.first).to_have_attribute("aria-selected", "false")
    box.press("ArrowUp")
    box.press("ArrowUp")  # from the first round to the last: "All 3 results"
    expect(options.last).to_have_attribute("aria-selected", "true")
    screenshot("search-header-chosen")
    box.press("Escape")
    expect(results).to_be_empty()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).to_have_value("deal desk")

    box.press_sequentially(" ", delay=30)
    expect(options.first).to_be_visible()
    box.press("ArrowDown")
    first = options.first.get_by_role("link").get_attribute("href")
    box.press("Enter")
    expect(page).to_have_url(page.url.split("/", 3)[0] + "//" + page.url.split("/")[2] + first)
    page.go_back()

    box = page.get_by_role("combobox", name="Search the operating model")
    box.fill("deal desk")
    box.focus()
    box.press("Enter")
    expect(page).to_have_url(f"{page.url.split('/', 3)[0]}//{page.url.split('/')[2]}"
                             "/search/?q=deal+desk")
    expect(page.get_by_role("heading", name="Search", exact=True)).to_be_visible()
    main = page.locator("main")
    expect(main.get_by_text("3 results for “deal desk”")).to_be_visible()
    expect(main.locator("mark").first).to_be_visible()
    expect(main.get_by_role("link", name="Deal desk charter")).to_have_attribute(
        "href", f"/raci/rows/{Row.objects.get().pk}/in-grid/")
    screenshot("search-page")
    assert errors == [], errors


def test_the_results_page_fits_a_phone(sign_in, viewer, model, page, live_server, screenshot):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(viewer)
    page.goto(f"{live_server.url}/search/?q=deal+desk")
    expect(page.locator("main mark").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("search-page-phone")
    box = page.get_by_role("combobox", name="Search the operating model")
    box.fill("")
    box.press_sequentially("discounts", delay=30)
    expect(page.locator("#site-search-results").get_by_role("link").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("search-header-phone")


def test_a_short_query_on_the_page_says_what_is_wrong(sign_in, viewer, page, live_server):
    sign_in(viewer)
    page.goto(f"{live_server.url}/search/?q=d")
    expect(page.get_by_role("alert")).to_contain_text("at least 2 characters")


def test_a_header_search_that_finds_nothing_offers_the_closest_word(
        sign_in, viewer, model, page, screenshot):
    sign_in(viewer)
    box = page.get_by_role("combobox", name="Search the operating model")
    box.click()
    box.press_sequentially("deall", delay=30)
    results = page.locator("#site-search-results")
    expect(results).to_contain_text("Nothing matches “deall”")
    expect(results.get_by_role("option", name="Did you mean deal?")).to_be_visible()
    screenshot("search-header-did-you-mean")
    box.press("ArrowDown")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=deal$"))
    expect(page.locator("main [role=status]")).to_contain_text("results for “deal”")
