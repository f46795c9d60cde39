"""In Chromium: a head proposes a change to a governed definition from its page, the
Accountable reads the proposal — the diff and what else the change touches — and
approves it; the change log lists it. Screenshots at 1280 and 390 px."""

import pytest
from playwright.sync_api import expect

from cadence import services as cadence_services
from revops.models import Door, Function
from runbook import services as runbook_services
from tests.cadence.factories import ritual
from tests.factories import LeadFactory, make_head
from tests.raci import factories as raci_factories
from tests.runbook.factories import make_definition, make_runbook

pytestmark = pytest.mark.e2e


def narrow(page, screenshot, name):
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(f"{name}-390")
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.django_db(transaction=True)
def test_a_change_is_proposed_read_with_its_impact_approved_and_logged(
        page, live_server, sign_in, screenshot):
    lead = LeadFactory(username="lead")
    Function.objects.filter(slug="revops").update(head=lead)
    marketing, sales = make_head("marketing", "maya"), make_head("sales", "diego")
    make_head("cs", "chen")
    matrix = raci_factories.matrix()
    raci_factories.row(matrix, "Process and workflow",
                       {"sales": "A", "marketing": "R", "cs": "C", "finance": "I"})
    raci_factories.row(matrix, "Lead routing", {"sales": "A", "marketing": "R"})
    mql = make_definition("MQL", owner="marketing", layer="process", governed=True,
                          body="A lead with a score of 60 or more.")
    book = make_runbook(actor=lead)
    handoff = book.sections.get(kind="process")
    runbook_services.section_revise(section=handoff, body="Sales calls every [[MQL]] within "
                                    "two hours.", base_revision=1, actor=lead, door=Door.CLI)
    runbook_services.release_create(runbook=book, name="Q1 baseline", actor=lead,
                                    door=Door.CLI)
    made = ritual(name="Pipeline review", layer="process", owner="sales")
    cadence_services.ritual_update(ritual=made, output="MQL to SQL conversion", actor=lead,
                                   door=Door.CLI)

    sign_in(marketing, f"/definitions/{mql.slug}/")
    expect(page.get_by_role("heading", name="Change control")).to_be_visible()
    expect(page.get_by_role("button", name="Save revision")).to_have_count(0)
    page.get_by_role("link", name="Propose a change").click()
    page.get_by_label("Text (Markdown)").fill("A lead that asked for a demo.")
    screenshot("propose-1280")
    narrow(page, screenshot, "propose")
    page.get_by_label("Reason").fill("Sales only works demo requests: the council agreed.")
    page.get_by_role("button", name="Propose the change").click()
    expect(page.get_by_text("Proposed a change to “MQL”.")).to_be_visible()

    page.context.clear_cookies()
    sign_in(sales, page.url.removeprefix(live_server.url))
    expect(page.get_by_role("heading", name="What changes")).to_be_visible()
    expect(page.locator(".diff .add")).to_contain_text("asked for a demo")
    impact = page.get_by_role("region", name="What else it touches (5)")
    expect(impact.get_by_role("link", name="Process and workflow")).to_be_visible()
    expect(impact.get_by_text("Pipeline review")).to_be_visible()
    expect(impact.get_by_text("Q1 baseline")).to_be_visible()
    expect(impact.get_by_text("Lead routing")).to_be_visible()
    screenshot("proposal-1280")
    narrow(page, screenshot, "proposal")

    page.get_by_label("Note").fill("Agreed at the revenue council.")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Approved.")).to_be_visible()
    expect(page.get_by_text("0 of 3")).to_be_visible()
    page.get_by_role("button", name="I read version 2").click()
    expect(page.get_by_text("You acknowledged version 2 of “MQL”.")).to_be_visible()
    expect(page.get_by_text("1 of 3")).to_be_visible()
    screenshot("governed-definition-1280")
    narrow(page, screenshot, "governed-definition")

    page.goto(f"{live_server.url}/changes/")
    row = page.get_by_role("row", name="MQL")
    expect(row.get_by_role("button", name="Propose reverting this")).to_be_visible()
    screenshot("changes-log-1280")
    narrow(page, screenshot, "changes-log")
