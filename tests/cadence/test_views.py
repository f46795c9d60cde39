"""The cadence pages: lists, pickers and preview, week/month views, recording."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from cadence.models import Occurrence, Ritual, Status
from tests.cadence.factories import bulk_rituals
from tests.cadence.factories import ritual as make_ritual

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)

PICKER_POST = {
    "name": "Funnel review", "horizon": "weekly", "layer": "process", "purpose": "",
    "owner": "", "attendees": [], "duration_minutes": "45", "output": "Stage conversion",
    "output_section": "", "agenda": "Look at **stages**", "active": "on",
    "timezone": "America/New_York", "schedule_mode": "picker", "at": "11:00",
    "weekday": "WE", "monthly_mode": "day", "month_day": "1", "nth": "1",
    "quarter_month": "1", "rrule": "", "reminder_minutes": "30", "grace_hours": "",
}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _post(client, user, data, url="/cadence/rituals/new/"):
    client.force_login(user)
    return client.post(url, data)


def test_lead_creates_a_weekly_ritual_with_the_picker(client, lead):
    from tests.factories import function

    response = _post(client, lead, {**PICKER_POST, "owner": function("marketing").pk})
    ritual = Ritual.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cadence/rituals/{ritual.pk}/"
    assert ritual.rrule == "FREQ=WEEKLY;BYDAY=WE;BYHOUR=11;BYMINUTE=0"
    assert ritual.occurrences.count() == 53  # today at 11:00 EST is still ahead
    assert ritual.reminder_lead.total_seconds() == 30 * 60 and ritual.grace is None


def test_advanced_rule_and_bad_rule_in_the_form(client, lead):
    from tests.factories import function

    data = {**PICKER_POST, "owner": function("sales").pk, "schedule_mode": "advanced",
            "rrule": "FREQ=DAILY;BYHOUR=9;BYMINUTE=0"}
    response = _post(client, lead, data)
    assert response.status_code == 400  # the form is re-shown with its errors
    assert b"FREQ=WEEKLY" in response.content  # the horizon/rule mismatch message
    assert not Ritual.objects.exists()


def test_head_may_only_choose_their_own_function(client, sales_head):
    from tests.factories import function

    response = _post(client, sales_head, {**PICKER_POST, "owner": function("marketing").pk})
    assert response.status_code == 400 and not Ritual.objects.exists()
    assert "owner" in response.context["form"].errors
    response = _post(client, sales_head, {**PICKER_POST, "owner": function("sales").pk})
    assert response.status_code == 302


def test_viewer_cannot_open_the_create_page(client, viewer):
    client.force_login(viewer)
    assert client.get("/cadence/rituals/new/").status_code == 403


def test_preview_shows_the_next_five_dates_and_the_rule(client, viewer):
    client.force_login(viewer)
    response = client.get("/cadence/schedule-preview/", {
        "horizon": "quarterly", "timezone": "America/New_York", "schedule_mode": "picker",
        "at": "10:00", "nth": "2", "weekday": "WE", "quarter_month": "1"})
    text = response.content.decode()
    assert "FREQ=MONTHLY;INTERVAL=3;BYDAY=+2WE;BYHOUR=10;BYMINUTE=0" in text
    assert text.count("<li>") == 5
    assert "Wednesday 8 April 2026, 10:00" in text
    bad = client.get("/cadence/schedule-preview/", {
        "horizon": "daily", "timezone": "America/New_York", "schedule_mode": "picker",
        "at": "10:00"})
    assert b"Choose at least one weekday" in bad.content


def test_edit_form_shows_the_rule_in_the_pickers_and_saves_a_new_schedule(client, lead):
    r = make_ritual()
    client.force_login(lead)
    page = client.get(f"/cadence/rituals/{r.pk}/edit/").content.decode()
    weekday = page.split('name="weekday"')[1].split("</select>")[0]
    assert '<option value="MO" selected>' in weekday
    assert 'value="09:00"' in page
    data = {**PICKER_POST, "name": r.name, "owner": r.owner_id, "output": r.output,
            "weekday": "FR", "at": "16:15"}
    assert client.post(f"/cadence/rituals/{r.pk}/edit/", data).status_code == 302
    r.refresh_from_db()
    assert r.rrule == "FREQ=WEEKLY;BYDAY=FR;BYHOUR=16;BYMINUTE=15" and r.sequence == 1
    assert {o.local_time.strftime("%a %H:%M") for o in r.occurrences.all()} == {"Fri 16:15"}


def test_record_page_preticks_the_output_section_and_recording_stamps_it(
    client, sales_head, sections, frozen
):
    r = make_ritual(output_section=sections["insights"])
    frozen.shift(timedelta(days=6))
    occurrence = r.occurrences.first()
    client.force_login(sales_head)
    page = client.get(f"/cadence/occurrences/{occurrence.pk}/").content.decode()
    assert f'value="{sections["insights"].pk}"' in page
    box = page.split(f'value="{sections["insights"].pk}"')[1].split(">")[0]
    assert "checked" in box
    response = client.post(f"/cadence/occurrences/{occurrence.pk}/", {
        "status": "held", "notes": "Done", "reviewed_sections": [sections["insights"].pk]})
    assert response.status_code == 302
    occurrence.refresh_from_db()
    sections["insights"].refresh_from_db()
    assert occurrence.status == Status.HELD
    assert sections["insights"].last_reviewed_by == sales_head


def test_a_recorded_occurrence_names_the_zone_of_its_times(
    client, sales_head, sections, frozen
):
    r = make_ritual(output_section=sections["insights"])
    frozen.shift(timedelta(days=6))
    occurrence = r.occurrences.first()
    client.force_login(sales_head)
    client.post(f"/cadence/occurrences/{occurrence.pk}/", {
        "status": "held", "notes": "Done", "reviewed_sections": [sections["insights"].pk]})
    page = client.get(f"/cadence/occurrences/{occurrence.pk}/").content.decode()
    assert "Recorded 10 Mar 2026 15:00 UTC" in page
    assert page.count("last reviewed 10 Mar 2026 15:00 UTC") == 2  # the form and the list
    console = client.get("/admin/cadence/occurrence/").content.decode()
    assert "March 10, 2026, 3 p.m. UTC" in console


def _bulk(n):
    r = make_ritual(name=f"Bulk {n}")
    Occurrence.objects.filter(ritual=r).delete()
    Occurrence.objects.bulk_create([
        Occurrence(ritual=r, scheduled_for=datetime(2026, 3, 2, tzinfo=UTC)
                   + timedelta(seconds=(7 * 86400 - 1) * i // n),
                   status=Status.MISSED if i % 3 else Status.SCHEDULED)
        for i in range(n)
    ])


@pytest.mark.parametrize("n", [10, 1000])
def test_week_view_query_count_does_not_grow(client, viewer, n, django_assert_max_num_queries):
    _bulk(n)
    client.force_login(viewer)
    with django_assert_max_num_queries(8):
        response = client.get("/cadence/week/?start=2026-03-04")
    assert response.content.decode().count("chip-") >= n


@pytest.mark.parametrize("n", [10, 1000])
def test_month_view_query_count_does_not_grow(client, viewer, n,
                                              django_assert_max_num_queries):
    _bulk(n)
    client.force_login(viewer)
    with django_assert_max_num_queries(8):
        assert client.get("/cadence/month/?month=2026-03").status_code == 200


@pytest.mark.parametrize("n", [2, 30])
def test_index_query_count_does_not_grow(client, viewer, n, django_assert_max_num_queries):
    for i in range(2):
        make_ritual(name=f"Ritual {i}")
    bulk_rituals(n - 2)
    client.force_login(viewer)
    # one of them the reader's time zone, one the organisation's fiscal start month, one
    # the count of rituals the pager needs
    with django_assert_max_num_queries(13):
        response = client.get("/cadence/")
    assert response.content.decode().count("/cadence/rituals/") >= n


@pytest.mark.parametrize("n", [10, 500])
def test_dashboard_panel_query_count_does_not_grow(client, viewer, n,
                                                   django_assert_max_num_queries):
    from cadence import dashboard

    _bulk(n)
    with django_assert_max_num_queries(2):
        panel = dashboard.panel(user=viewer, today=NOW.date())
    assert panel["this_week"]
    client.force_login(viewer)
    assert b"Recent misses" in client.get("/").content


def test_pages_render(client, viewer, frozen):
    r = make_ritual()
    client.force_login(viewer)
    for url in ["/cadence/", f"/cadence/rituals/{r.pk}/", "/cadence/week/", "/cadence/month/",
                "/cadence/subscribe/", f"/cadence/occurrences/{r.occurrences.first().pk}/",
                "/cadence/week/?start=garbage", "/cadence/month/?month=2026-99"]:
        assert client.get(url).status_code == 200, url


def test_week_view_and_occurrence_list_run_the_same_queries_for_10_and_1000(client, viewer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(viewer)
    counts = {}
    for n in (10, 1000):
        Occurrence.objects.all().delete()
        Ritual.objects.all().delete()
        _bulk(n)
        with CaptureQueriesContext(connection) as week:
            client.get("/cadence/week/?start=2026-03-04")
        with CaptureQueriesContext(connection) as listing:
            assert client.get("/api/v1/occurrences/?page_size=500").status_code == 200
        counts[n] = (len(week), len(listing))
    assert counts[10] == counts[1000], counts


@pytest.mark.parametrize("url", [
    "/cadence/week/?start=9999-12-31", "/cadence/week/?start=0001-01-01",
    "/cadence/week/?start=2999-12-31", "/cadence/week/?start=1900-01-01",
    "/cadence/month/?month=9999-12", "/cadence/month/?month=0001-01",
    "/cadence/month/?month=2999-12", "/cadence/month/?month=1900-01",
])
def test_edge_dates_in_the_calendar_views_are_clamped_not_a_500(client, viewer, url):
    client.force_login(viewer)
    assert client.get(url).status_code == 200


def test_today_is_marked_for_assistive_technology(client, viewer):
    client.force_login(viewer)
    for url in ("/cadence/week/", "/cadence/month/"):
        body = client.get(url).content.decode()
        assert body.count('aria-current="date"') == 1, url
        assert "today" in body


def test_bad_record_input_is_a_400(client, sales_head, frozen):
    r = make_ritual()
    frozen.shift(timedelta(days=6))
    client.force_login(sales_head)
    occurrence = r.occurrences.first()
    response = client.post(occurrence.get_absolute_url(), {"status": "nonsense"})
    assert response.status_code == 400
    assert Occurrence.objects.get(pk=occurrence.pk).status == Status.SCHEDULED


@pytest.mark.parametrize(("zone", "expected"), [
    # A New York ritual at 20:00 on Monday is Tuesday 01:00 in London; a London ritual
    # at 08:00 on Monday is Monday 03:00 in New York (both on winter time, 2 March 2026).
    ("Europe/London", {"2026-03-02": [("08:00", "Pipeline hygiene (London)")],
                       "2026-03-03": [("01:00", "Evening close (New York)")]}),
    ("America/New_York", {"2026-03-02": [("03:00", "Pipeline hygiene (London)"),
                                         ("20:00", "Evening close (New York)")],
                          "2026-03-03": []}),
])
def test_week_view_lays_out_occurrences_in_the_viewers_zone(client, viewer, zone, expected):
    from revops import services as core_services
    from revops.models import Door

    with time_machine.travel(datetime(2026, 2, 20, tzinfo=UTC), tick=False):
        make_ritual(name="Evening close (New York)", timezone="America/New_York",
                    rrule="FREQ=WEEKLY;BYDAY=MO;BYHOUR=20;BYMINUTE=0")
        make_ritual(name="Pipeline hygiene (London)", timezone="Europe/London",
                    rrule="FREQ=WEEKLY;BYDAY=MO;BYHOUR=8;BYMINUTE=0")
    core_services.profile_update(actor=viewer, door=Door.UI, user=viewer, time_zone=zone)
    client.force_login(viewer)
    response = client.get("/cadence/week/?start=2026-03-02")
    days = {day.isoformat(): [(o.scheduled_for.astimezone(response.context["zone"])
                               .strftime("%H:%M"), o.ritual.name) for o in items]
            for day, items in response.context["days"]}
    assert {d: days[d] for d in expected} == expected
    page = response.content.decode()
    assert f"Times in {zone}" in page
    # The chips print the same wall-clock times the grid was laid out in.
    for times in expected.values():
        for at, _name in times:
            assert f'<span class="chip-time">{at}</span>' in page


@pytest.mark.parametrize(("zone", "yours"), [("Europe/London", True), ("America/New_York", False)])
def test_ritual_page_says_the_schedule_in_words_and_names_the_zone_of_every_time(
        client, viewer, zone, yours):
    from revops import services as core_services
    from revops.models import Door

    r = make_ritual(timezone="America/New_York")
    core_services.profile_update(actor=viewer, door=Door.UI, user=viewer, time_zone=zone)
    client.force_login(viewer)
    page = client.get(f"/cadence/rituals/{r.pk}/").content.decode()
    assert "<strong>Every Monday at 09:00, New York time</strong>" in page
    assert f"<summary>The rule (RFC 5545)</summary><code>{r.rrule}</code>" in page
    upcoming = page.split('id="next"')[1].split("</ul>")[0]
    assert upcoming.count("09:00 <span class=\"zone\">New York time</span>") == 5
    # The reader's own time only where it reads differently from the ritual's: 13:00 in
    # London while New York is already on summer time (from 8 March) and London not yet
    # (29 March), 14:00 after.
    assert upcoming.count("(yours)") == (5 if yours else 0)
    london = [upcoming.count(f'{at} <span class="zone">London time</span>')
              for at in ("13:00", "14:00")]
    assert london == ([3, 2] if yours else [0, 0])


def test_a_rule_the_pickers_cannot_say_is_called_custom_and_shown_on_demand(client, viewer):
    r = make_ritual(timezone="Europe/London",
                    rrule="FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9;BYMINUTE=0")
    client.force_login(viewer)
    page = client.get(f"/cadence/rituals/{r.pk}/").content.decode()
    assert "A custom schedule, London time" in page
    assert "FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9;BYMINUTE=0</code>" in page
