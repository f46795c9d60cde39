"""The iCalendar feed: conventional VTIMEZONEs, stable UIDs, SEQUENCE, skipped overrides,
token auth — and the feed expands to exactly the occurrences the API lists."""

import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from dateutil.rrule import rrulestr
from icalendar import Calendar

from cadence import ical, services, tzrules
from revops.models import Door
from tests.cadence.factories import ritual as make_ritual

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)

ZONES = ["America/New_York", "Europe/London", "Europe/Dublin", "Europe/Berlin",
         "Australia/Sydney", "America/Santiago", "Asia/Jerusalem", "America/Nuuk",
         "Asia/Kolkata", "Asia/Tokyo", "UTC", "Pacific/Auckland", "America/Sao_Paulo",
         "Africa/Cairo", "Australia/Lord_Howe"]


@pytest.mark.parametrize("name", ZONES)
def test_vtimezone_gives_the_same_offsets_as_zoneinfo_for_three_years(name):
    """Our block agrees with the zone database at every change of offset in three years
    (the zone's and the block's own), the minute before each, and noon on the 1st of
    every month, as icalendar reads it. (icalendar's reader puts Casablanca's return from
    Ramadan an hour early; ical.js, a real client, reads that block right in
    ``test_ical_js``.)"""
    block = Calendar.from_ical(ical.vtimezone(name).to_ical())
    ours, real = block.to_tz(lookup_tzid=False), zoneinfo.ZoneInfo(name)
    start = datetime(datetime.now().year, 1, 1, tzinfo=UTC)
    end = start.replace(year=start.year + 3)
    changes = {*tzrules.offset_changes(real, start, end), *tzrules.offset_changes(ours, start, end)}
    monthly = [start.replace(year=start.year + n // 12, month=n % 12 + 1, hour=12)
               for n in range(36)]
    for moment in [*monthly, *changes, *(t - timedelta(minutes=1) for t in changes)]:
        assert moment.astimezone(ours).utcoffset() == moment.astimezone(real).utcoffset(), moment


@pytest.mark.parametrize("name", ["America/New_York", "Africa/Cairo", "Africa/Casablanca",
                                  "Australia/Lord_Howe", "Asia/Tokyo"])
def test_offset_changes_are_every_change_an_hourly_walk_sees_to_the_minute(name):
    zone, start = zoneinfo.ZoneInfo(name), datetime(2026, 1, 1, tzinfo=UTC)
    end = start.replace(year=2029)
    changes = tzrules.offset_changes(zone, start, end)
    hours = [start + timedelta(hours=n) for n in range(int((end - start) / timedelta(hours=1)))]
    walked = [h for h, after in zip(hours, hours[1:], strict=False)
              if h.astimezone(zone).utcoffset() != after.astimezone(zone).utcoffset()]
    assert len(changes) == len(walked)
    for change, hour in zip(changes, walked, strict=True):
        assert hour < change <= hour + timedelta(hours=1)
        assert (change - timedelta(minutes=1)).astimezone(zone).utcoffset() \
            != change.astimezone(zone).utcoffset()


def test_cairo_springs_forward_at_midnight_local_as_the_observance_says():
    """Cairo's clocks go from 00:00 to 01:00 on the last Friday of April: the observance
    starts at 00:00 read at +02:00 (icalendar's own listing said 01:00, an hour late)."""
    with time_machine.travel(NOW, tick=False):
        text = ical.vtimezone("Africa/Cairo").to_ical().decode()
    daylight = text.split("BEGIN:DAYLIGHT")[1].split("END:DAYLIGHT")[0]
    assert "DTSTART:20260424T000000" in daylight
    assert "TZOFFSETFROM:+0200" in daylight and "TZOFFSETTO:+0300" in daylight


def test_vtimezone_is_in_the_conventional_form():
    text = ical.vtimezone("America/New_York").to_ical().decode()
    assert text.count("BEGIN:DAYLIGHT") == 1 and text.count("BEGIN:STANDARD") == 1
    assert "RDATE" not in text
    assert "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3" in text
    assert "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11" in text
    assert "TZOFFSETFROM:-0500" in text and "TZOFFSETTO:-0400" in text


def test_zone_without_dst_has_one_standard_block():
    text = ical.vtimezone("Asia/Kolkata").to_ical().decode()
    assert text.count("BEGIN:STANDARD") == 1 and "DAYLIGHT" not in text
    assert "TZOFFSETTO:+0530" in text


def test_irish_negative_dst_is_written_with_summer_as_daylight():
    text = ical.vtimezone("Europe/Dublin").to_ical().decode()
    daylight = text.split("BEGIN:DAYLIGHT")[1].split("END:DAYLIGHT")[0]
    assert "TZOFFSETTO:+0100" in daylight and "BYMONTH=3" in daylight


def test_day_after_rule_is_written_with_shifted_weekday_and_month_days():
    text = ical.vtimezone("Asia/Jerusalem").to_ical().decode()
    assert "BYDAY=FR;BYMONTHDAY=23,24,25,26,27,28,29" in text.replace("\r\n ", "")


# --- Feeds on the database ----------------------------------------------------------


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _feed_token(user):
    return services.feed_token_create(user=user, actor=user, door=Door.UI)[1]


def _expand(body, start, end):
    """Every instance of every event in ``[start, end)``, using the feed's own
    VTIMEZONEs (not the IANA database) to place wall-clock times."""
    cal = Calendar.from_ical(body)
    zones = {str(tz["TZID"]): tz.to_tz(lookup_tzid=False) for tz in cal.walk("VTIMEZONE")}
    found = set()
    for event in cal.walk("VEVENT"):
        if "RECURRENCE-ID" in event:
            continue  # an override of an instance the master already expands
        start_prop = event["DTSTART"]
        tzid = start_prop.params.get("TZID")
        naive = start_prop.dt.replace(tzinfo=None)
        tz = zones[tzid]
        if "RRULE" in event:
            rule = event["RRULE"].to_ical().decode()
            lo = start.astimezone(tz).replace(tzinfo=None) - timedelta(days=2)
            hi = end.astimezone(tz).replace(tzinfo=None) + timedelta(days=2)
            instances = rrulestr(rule, dtstart=naive).between(lo, hi, inc=True)
        else:
            instances = [naive]
        for local in instances:
            moment = local.replace(tzinfo=tz).astimezone(UTC)
            if start <= moment < end:
                found.add(moment)
    return found


@pytest.mark.django_db
def test_feed_expands_to_exactly_the_occurrences_the_api_lists(api, lead, frozen, client):
    weekly = make_ritual()
    make_ritual(name="Pipeline hygiene", horizon="daily", timezone="Europe/London",
                rrule="FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8;BYMINUTE=45",
                duration_minutes=15)
    make_ritual(name="Business review", horizon="quarterly", timezone="Australia/Sydney",
                rrule="FREQ=MONTHLY;INTERVAL=3;BYDAY=+2WE;BYHOUR=10;BYMINUTE=0")
    make_ritual(name="Leakage review", horizon="monthly", timezone="America/Los_Angeles",
                rrule="FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=15;BYMINUTE=30")
    frozen.shift(timedelta(days=20))
    first, second = weekly.occurrences.order_by("scheduled_for")[:2]
    services.occurrence_record(occurrence=first, status="held", actor=lead, door=Door.CLI)
    services.occurrence_record(occurrence=second, status="skipped", actor=lead, door=Door.CLI)
    skipped_ahead = weekly.occurrences.order_by("scheduled_for")[5]
    services.occurrence_record(occurrence=skipped_ahead, status="skipped", actor=lead,
                               door=Door.CLI)
    services.ritual_update(ritual=weekly, actor=lead, door=Door.CLI,
                           rrule="FREQ=WEEKLY;BYDAY=TH;BYHOUR=17;BYMINUTE=0")
    services.mark_missed()

    body = client.get(f"/cadence/feed/{_feed_token(lead)}.ics").content
    start, end = NOW - timedelta(days=30), NOW + timedelta(days=200)
    listed = api.as_user(lead).get(
        "/api/v1/occurrences/", {"from": start.isoformat(), "to": end.isoformat(),
                                 "page_size": 500}).json()
    assert listed["next"] is None
    api_times = {datetime.fromisoformat(o["scheduled_for"].replace("Z", "+00:00"))
                 for o in listed["results"]}
    assert len(api_times) > 100
    assert _expand(body, start, end) == api_times


@pytest.mark.django_db
def test_feed_headers_uid_sequence_and_skipped_override(client, lead, frozen):
    r = make_ritual()
    token = _feed_token(lead)
    body = client.get(f"/cadence/feed/{token}.ics").content.decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in body
    assert "X-PUBLISHED-TTL:PT1H" in body
    cal = Calendar.from_ical(body)
    (event,) = cal.walk("VEVENT")
    uid = str(event["UID"])
    assert event["SEQUENCE"] == 0
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event["DURATION"].dt == timedelta(minutes=30)
    assert f"/cadence/rituals/{r.pk}/" in str(event["URL"])
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["America/New_York"]

    services.occurrence_record(occurrence=r.occurrences.all()[2], status="skipped",
                               actor=lead, door=Door.CLI)
    services.ritual_update(ritual=r, actor=lead, door=Door.CLI, name="Forecast call")
    cal = Calendar.from_ical(client.get(f"/cadence/feed/{token}.ics").content)
    master, override = cal.walk("VEVENT")
    assert str(master["UID"]) == uid == str(override["UID"])
    assert master["SEQUENCE"] == 1
    assert str(override["SUMMARY"]) == "Skipped: Forecast call"
    assert "RECURRENCE-ID" in override


@pytest.mark.django_db
def test_an_archived_ritual_leaves_the_feed_with_its_past_occurrences(client, lead, frozen):
    make_ritual(name="Forecast call")
    archived = make_ritual(name="Old pipeline call")
    services.occurrence_record(occurrence=archived.occurrences.all()[0], status="skipped",
                               actor=lead, door=Door.CLI)
    token = _feed_token(lead)
    frozen.shift(timedelta(days=30))
    services.ritual_archive(ritual=archived, actor=lead, door=Door.CLI)
    cal = Calendar.from_ical(client.get(f"/cadence/feed/{token}.ics").content)
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["Forecast call"]


@pytest.mark.django_db
def test_per_ritual_calendar_auth(client, api, lead, viewer, frozen):
    r = make_ritual()
    url = f"/api/v1/rituals/{r.pk}/calendar.ics"
    assert api.get(url).status_code == 401
    token = _feed_token(viewer)
    response = client.get(url, {"token": token})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 1
    assert api.as_user(viewer).get(url, HTTP_ACCEPT="text/calendar").status_code == 200
    new_token = _feed_token(viewer)  # makes a new link, revoking the first
    assert client.get(url, {"token": token}).status_code in (401, 403)
    assert client.get(f"/cadence/feed/{token}.ics").status_code == 404
    assert client.get(f"/cadence/feed/{new_token}.ics").status_code == 200


@pytest.mark.django_db
def test_subscribe_page_makes_and_revokes_a_link(client, viewer):
    client.force_login(viewer)
    page = client.get("/cadence/subscribe/")
    assert b"every few hours" in page.content
    made = client.post("/cadence/subscribe/", {"action": "create"})
    assert b"/cadence/feed/cal_" in made.content
    client.post("/cadence/subscribe/", {"action": "revoke"})
    from cadence.models import FeedToken

    assert not FeedToken.objects.filter(user=viewer, revoked_at__isnull=True).exists()


@pytest.mark.django_db
def test_inactive_ritual_keeps_its_history_as_single_events(client, lead, frozen):
    r = make_ritual()
    frozen.shift(timedelta(days=9))
    services.ritual_update(ritual=r, actor=lead, door=Door.CLI, active=False)
    body = client.get(f"/cadence/feed/{_feed_token(lead)}.ics").content
    events = Calendar.from_ical(body).walk("VEVENT")
    assert len(events) == r.occurrences.count() == 1
    assert "RRULE" not in events[0]
