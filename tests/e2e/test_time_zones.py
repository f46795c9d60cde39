"""Time zones in Chromium: the ritual page says its schedule in words and labels every
time with its zone (the ritual's and the reader's), at 1280 and 390 px with nothing
overflowing; a reader picks their zone from the header and the week follows it."""

import zoneinfo
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cadence.models import Occurrence
from revops import services
from revops.models import Door
from tests.cadence.factories import ritual as make_ritual

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NO_OVERFLOW = "document.scrollingElement.scrollWidth <= innerWidth"


@pytest.mark.parametrize("width", [1280, 390])
def test_ritual_page_says_the_schedule_in_words_and_labels_every_time(
        sign_in, viewer, page, screenshot, width):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    forecast = make_ritual(name="Monday forecast call", timezone="America/New_York",
                           rrule="FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0")
    services.profile_update(actor=viewer, door=Door.UI, user=viewer, time_zone="Europe/London")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(viewer, f"/cadence/rituals/{forecast.pk}/")

    expect(page.locator(".ritual-lede")).to_contain_text("Every Monday at 09:00, New York time")
    rule = page.locator("details.rrule code")
    expect(rule).to_be_hidden()
    page.get_by_text("The rule (RFC 5545)").click()
    expect(rule).to_have_text(forecast.rrule)
    assert page.evaluate(NO_OVERFLOW)

    upcoming = page.locator("#next ~ ul li")
    expect(upcoming).to_have_count(5)
    for item in upcoming.all():
        text = item.inner_text()
        # 09:00 in New York, and the reader's London time beside it, each named.
        assert "09:00 New York time" in text and "London time (yours)" in text, text
    screenshot(f"ritual-page-{width}")
    assert errors == [], errors


def test_a_reader_picks_their_zone_from_the_header_and_the_week_follows(
        sign_in, viewer, page, live_server, screenshot):
    make_ritual(name="Monday forecast call", timezone="America/New_York",
                rrule="FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0")
    make_ritual(name="Routing triage", timezone="Europe/London",
                rrule="FREQ=WEEKLY;BYDAY=TU;BYHOUR=9;BYMINUTE=0")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(viewer, "/cadence/week/")
    expect(page.locator(".zone-note")).to_contain_text("Times in UTC")

    page.locator("header a.who").click()
    page.get_by_label("Your time zone").select_option("Asia/Tokyo")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved: times are now shown in Asia/Tokyo.").wait_for()
    assert page.evaluate(NO_OVERFLOW)
    screenshot("profile-390")

    page.goto(f"{live_server.url}/cadence/week/?start="
              f"{(timezone.now() + timedelta(days=7)).date().isoformat()}")
    expect(page.locator(".zone-note")).to_contain_text("Times in Asia/Tokyo (Tokyo time)")
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    for name in ["Monday forecast call", "Routing triage"]:
        chip = page.locator(".chip", has_text=name).first
        occurrence = Occurrence.objects.get(pk=chip.get_attribute("href").rstrip("/")
                                            .rsplit("/", 1)[-1])
        local = occurrence.scheduled_for.astimezone(tokyo)
        assert chip.locator(".chip-time").inner_text() == local.strftime("%H:%M")
        # Laid out on the Tokyo day: Monday 09:00 in New York is Monday 22:00 or 23:00
        # in Tokyo; Tuesday 09:00 in London is Tuesday 17:00 or 18:00.
        day = chip.locator("xpath=ancestor::section[contains(@class, 'day')]")
        expect(day.locator("h2")).to_contain_text(local.strftime("%a %-d %b"))
    assert page.evaluate(NO_OVERFLOW)
    screenshot("week-tokyo-390")
