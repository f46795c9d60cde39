"""In Chromium: the glossary grouped by layer, a definition's page with its formula and
"changed since agreed", a head agreeing from the page, and a section whose [[term]] links
lead to the definition (a missing term shown broken). Screenshots at 1280 and 390 px."""

import pytest
from playwright.sync_api import expect

from revops.models import Door
from runbook import services
from tests.factories import make_head
from tests.runbook.factories import make_definition, make_runbook, section

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_a_head_reads_the_glossary_agrees_and_follows_a_term_link(
        page, live_server, sign_in, screenshot):
    head = make_head("sales", "diego")
    velocity = make_definition(
        "Sales velocity", owner="revops", agreeing=("sales",), layer="insights",
        formula="pipeline value ÷ average sales cycle length (days)",
        body="How much revenue the pipeline turns out per day. See [[Pipeline coverage]].")
    make_definition("Pipeline coverage", owner="revops", agreeing=(), layer="insights",
                    formula="open pipeline ÷ what is left to book")
    make_definition("MQL", owner="marketing", agreeing=("marketing", "sales"))
    services.definition_agree(definition=velocity, actor=head, door=Door.UI)
    services.definition_revise(definition=velocity, body="Revenue per day. [[Pipeline coverage]]",
                               base_revision=1, actor=None, door=Door.CLI)
    target = section(make_runbook(), "insights")
    services.section_revise(section=target, body="We track [[Sales velocity]] and [[ARR bridge]].",
                            base_revision=1, actor=None, door=Door.CLI)

    sign_in(head, "/definitions/")
    expect(page.get_by_role("heading", name="Process and workflow")).to_be_visible()
    expect(page.get_by_role("heading", name="Insights and analytics")).to_be_visible()
    expect(page.get_by_text("Changed since agreed")).to_be_visible()
    screenshot("glossary-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("glossary-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Find a term or formula").fill("velocity")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name="Sales velocity").click()
    expect(page.get_by_text("pipeline value ÷ average sales cycle length")).to_be_visible()
    screenshot("definition-1280")
    page.get_by_role("button", name="Agree to revision 2 for Sales").click()
    expect(page.get_by_text("Sales agrees to revision 2")).to_be_visible()
    expect(page.get_by_text("agreed to r2")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot("definition-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/runbook/sections/{target.pk}/")
    missing = page.locator("a.term-missing")
    expect(missing).to_have_attribute("title", "No definition named “ARR bridge”")
    screenshot("section-term-links-1280")
    page.get_by_role("link", name="Sales velocity").click()
    expect(page.get_by_role("heading", name="Sales velocity", level=1)).to_be_visible()
