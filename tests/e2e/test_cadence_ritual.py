"""Create a weekly ritual with the picker, see its next dates, record an occurrence held
with its output section ticked, and see the section's review stamp update."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cadence import services
from cadence.models import Ritual
from tests.cadence.factories import runbook_sections

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_weekly_ritual_from_picker_to_recorded_review(sign_in, lead, page, live_server,
                                                      screenshot):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    insights = runbook_sections()["insights"]
    sign_in(lead, "/cadence/rituals/new/")
    page.goto(f"{live_server.url}/cadence/rituals/new/")

    page.get_by_label("Name").fill("Monday forecast call")
    page.get_by_label("Horizon").select_option("weekly")
    page.get_by_label("Layer").select_option("insights")
    page.get_by_label("Owner function").select_option(label="Sales")
    page.locator("#id_output").fill("Committed forecast")
    page.get_by_label("Run-book section its output updates").select_option(str(insights.pk))
    page.get_by_label("Time zone").select_option("America/New_York")
    # The weekly picker: the daily checkboxes and the advanced rule stay hidden.
    expect(page.locator("#id_weekday")).to_be_visible()
    expect(page.locator("#id_rrule")).to_be_hidden()
    page.locator("#id_weekday").select_option("MO")
    page.get_by_label("Time of day").fill("09:00")
    page.get_by_label("Time of day").dispatch_event("change")

    dates = page.locator("#schedule-preview ol li")
    expect(dates).to_have_count(5)
    expect(dates.first).to_contain_text("Monday")
    expect(dates.first).to_contain_text("09:00")
    expect(page.locator("#schedule-preview")).to_contain_text(
        "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0")
    screenshot("cadence-ritual-picker")

    page.get_by_role("button", name="Create ritual").click()
    expect(page.get_by_role("heading", name="Monday forecast call")).to_be_visible()
    ritual = Ritual.objects.get(name="Monday forecast call")
    assert ritual.rrule == "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0"

    # A week passes: the ritual existed eight days ago, so last Monday's occurrence is due.
    past = timezone.now() - timedelta(days=8)
    Ritual.objects.filter(pk=ritual.pk).update(created_at=past, schedule_start=past)
    ritual.refresh_from_db()
    services.materialize(ritual=ritual, start=past)
    occurrence = ritual.occurrences.filter(scheduled_for__lt=timezone.now()).last()

    page.goto(f"{live_server.url}/cadence/occurrences/{occurrence.pk}/")
    box = page.get_by_label(f"{insights.runbook.title} · {insights.title}")
    expect(box).to_be_checked()
    stamp = page.locator(f'.stamp[data-section="{insights.pk}"]')
    before = stamp.inner_text()
    expect(page.get_by_label("Held")).to_be_checked()
    page.get_by_label("Notes").fill("Committed **$2.1M**; two deals at risk.")
    page.get_by_role("button", name="Record").click()

    expect(page.locator("#occurrence-status")).to_have_text("Held")
    expect(page.get_by_role("heading", name="Sections reviewed")).to_be_visible()
    today = timezone.localdate().strftime("%-d %b %Y")
    expect(page.locator(f'.stamp[data-section="{insights.pk}"]')).to_contain_text(today)
    assert page.locator(f'.stamp[data-section="{insights.pk}"]').inner_text() != before
    insights.refresh_from_db()
    assert insights.last_reviewed_by == lead
    screenshot("cadence-occurrence-recorded")

    page.goto(f"{live_server.url}/runbook/sections/{insights.pk}/")
    expect(page.locator("main")).to_contain_text(lead.username)
    assert errors == [], errors


def test_demo_cadence_pages_show_horizons_misses_and_the_week(sign_in, viewer, page,
                                                               live_server, screenshot):
    from cadence import demo
    from revops import demo as people_demo
    from runbook import demo as runbook_demo

    people = people_demo.load_people()
    runbook_demo.load(people=people)
    demo.load(people=people)
    sign_in(viewer, "/cadence/")
    page.goto(f"{live_server.url}/cadence/")
    for horizon in ("Daily", "Weekly", "Monthly", "Quarterly"):
        expect(page.get_by_role("heading", name=horizon, exact=True)).to_be_visible()
    expect(page.locator("tr.has-miss").first).to_be_visible()
    expect(page.get_by_role("link", name="New ritual")).to_have_count(0)
    screenshot("cadence-index-demo")
    page.goto(f"{live_server.url}/cadence/week/")
    expect(page.locator(".week-grid .day")).to_have_count(7)
    screenshot("cadence-week-demo")
    page.goto(f"{live_server.url}/cadence/month/")
    expect(page.locator(".month-grid .chip-missed").first).to_be_visible()
    screenshot("cadence-month-demo")
