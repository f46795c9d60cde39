"""The cadence part of the REST contract (docs/api.md): rituals, occurrences, record."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from cadence import services
from cadence.models import Occurrence, Ritual, Status
from revops.models import Door
from tests.cadence.factories import bulk_rituals, runbook_sections
from tests.cadence.factories import ritual as make_ritual

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
WEEKLY = {
    "name": "Monday forecast call", "horizon": "weekly", "layer": "insights",
    "owner": "sales", "attendees": ["sales", "finance"], "duration_minutes": 45,
    "output": "Committed forecast", "rrule": "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0",
    "timezone": "America/New_York", "agenda": "1. Commit\n2. Risks <script>x</script>",
    "purpose": "forecast",
}


@pytest.fixture
def sections(db):
    return runbook_sections()


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_lead_creates_a_ritual_and_its_occurrences_appear(api, lead, sections):
    body = {**WEEKLY, "output_section": sections["insights"].pk}
    response = api.as_user(lead).post("/api/v1/rituals/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert set(data) >= {"id", "name", "horizon", "layer", "owner", "attendees",
                         "duration_minutes", "output", "output_section", "rrule", "timezone",
                         "active", "agenda"}
    assert data["owner"] == "sales" and sorted(data["attendees"]) == ["finance", "sales"]
    assert "<script>" not in data["agenda_html"]
    listed = api.get(f"/api/v1/occurrences/?ritual={data['id']}").json()
    assert listed["count"] == 52
    assert listed["results"][0]["scheduled_for"] == "2026-03-09T13:00:00Z"


def test_head_creates_for_own_function_only(api, sales_head, marketing_head):
    assert api.as_user(sales_head).post("/api/v1/rituals/", WEEKLY,
                                        format="json").status_code == 201
    response = api.as_user(marketing_head).post("/api/v1/rituals/", WEEKLY, format="json")
    assert response.status_code == 403
    assert Ritual.objects.count() == 1


def test_viewer_reads_but_cannot_write(api, viewer):
    r = make_ritual()
    api.as_user(viewer)
    assert api.get("/api/v1/rituals/").status_code == 200
    assert api.post("/api/v1/rituals/", WEEKLY, format="json").status_code == 403
    assert api.patch(f"/api/v1/rituals/{r.pk}/", {"name": "x"}, format="json").status_code \
        == 403


def test_anonymous_gets_401(api):
    assert api.get("/api/v1/rituals/").status_code == 401


@pytest.mark.parametrize(("change", "field"), [
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"rrule": "FREQ=WEEKLY;BYDAY=MOX"}, "rrule"),
    ({"rrule": "FREQ=DAILY;BYHOUR=9;BYMINUTE=0"}, "rrule"),
    ({"horizon": "monthly"}, "rrule"),
    ({"horizon": "yearly"}, "horizon"),
    ({"rrule": "FREQ=WEEKLY;BYDAY=MO;BYMONTH=2;BYMONTHDAY=30;BYHOUR=9;BYMINUTE=0"}, "rrule"),
    ({"owner": "nobody"}, "owner"),
    ({"attendees": ["sales", "ghosts"]}, "attendees"),
    ({"duration_minutes": -10}, "duration_minutes"),
    ({"duration_minutes": 100000}, "duration_minutes"),
    ({"output_section": 999999}, "output_section"),
    ({"layer": "vibes"}, "layer"),
    ({"timezone": "localtime"}, "timezone"),
    ({"timezone": "Factory"}, "timezone"),
    ({"timezone": "posixrules"}, "timezone"),
    ({"output_section": 1.5}, "output_section"),
])
def test_bad_ritual_gets_400_naming_the_field_and_nothing_is_written(api, lead, change, field):
    response = api.as_user(lead).post("/api/v1/rituals/", {**WEEKLY, **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Ritual.objects.count() == 0 and Occurrence.objects.count() == 0


@pytest.mark.parametrize("zone", ["UTC", "Europe/Paris", "America/New_York"])
def test_real_zone_names_are_accepted(api, lead, zone):
    response = api.as_user(lead).post("/api/v1/rituals/", {**WEEKLY, "timezone": zone},
                                      format="json")
    assert response.status_code == 201, response.content


def test_patch_schedule_raises_sequence_and_keeps_recorded(api, lead, frozen):
    r = make_ritual()
    frozen.shift(timedelta(days=7))
    first = r.occurrences.first()
    services.occurrence_record(occurrence=first, status="held", actor=lead, door=Door.CLI)
    response = api.as_user(lead).patch(
        f"/api/v1/rituals/{r.pk}/", {"rrule": "FREQ=WEEKLY;BYDAY=WE;BYHOUR=16;BYMINUTE=0"},
        format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["sequence"] == 1
    assert Occurrence.objects.get(pk=first.pk).status == Status.HELD


def test_head_cannot_move_own_ritual_to_another_function(api, sales_head):
    r = make_ritual()
    response = api.as_user(sales_head).patch(f"/api/v1/rituals/{r.pk}/",
                                             {"owner": "marketing"}, format="json")
    assert response.status_code == 403
    assert Ritual.objects.get(pk=r.pk).owner.slug == "sales"


def test_delete_without_history(api, lead):
    r = make_ritual()
    assert api.as_user(lead).delete(f"/api/v1/rituals/{r.pk}/").status_code == 204
    assert not Ritual.objects.exists()


def test_occurrence_filters(api, viewer):
    r = make_ritual()
    make_ritual(name="Funnel review", rrule="FREQ=WEEKLY;BYDAY=TU;BYHOUR=9;BYMINUTE=0")
    api.as_user(viewer)
    data = api.get("/api/v1/occurrences/?from=2026-03-01&to=2026-04-01").json()
    assert data["count"] == 8
    data = api.get(f"/api/v1/occurrences/?from=2026-03-01&to=2026-03-31&ritual={r.pk}").json()
    assert data["count"] == 4
    assert set(data["results"][0]) >= {"id", "ritual", "scheduled_for", "status", "notes"}
    assert api.get("/api/v1/occurrences/?status=missed").json()["count"] == 0


@pytest.mark.parametrize(("query", "field"), [
    ("from=yesterday", "from"), ("to=2026-13-45", "to"), ("status=done", "status"),
    ("ritual=abc", "ritual"), ("from=2026-03-10&to=2026-03-01", "to"),
])
def test_bad_occurrence_filters_get_400(api, viewer, query, field):
    response = api.as_user(viewer).get(f"/api/v1/occurrences/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_record_held_with_sections_stamps_them(api, sales_head, sections, frozen):
    r = make_ritual(output_section=sections["insights"])
    frozen.shift(timedelta(days=6))
    occurrence = r.occurrences.first()
    response = api.as_user(sales_head).post(
        f"/api/v1/occurrences/{occurrence.pk}/record/",
        {"status": "held", "notes": "Commit **$2M**",
         "reviewed_sections": [sections["insights"].pk]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "held"
    assert response.json()["reviewed_sections"] == [sections["insights"].pk]
    sections["insights"].refresh_from_db()
    assert sections["insights"].last_reviewed_by == sales_head


@pytest.mark.parametrize(("body", "reviewed"), [
    ({"status": "held"}, ["insights"]),
    ({"status": "held", "reviewed_sections": []}, []),
    ({"status": "skipped"}, []),
])
def test_recording_reviews_the_output_section_unless_told_otherwise(
        api, sales_head, sections, frozen, body, reviewed):
    """The same default as the UI's ticked box and the console's action."""
    r = make_ritual(output_section=sections["insights"])
    frozen.shift(timedelta(days=6))
    occurrence = r.occurrences.first()
    response = api.as_user(sales_head).post(f"/api/v1/occurrences/{occurrence.pk}/record/",
                                            body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["reviewed_sections"] == [sections[k].pk for k in reviewed]
    sections["insights"].refresh_from_db()
    assert (sections["insights"].last_reviewed_by == sales_head) == bool(reviewed)


@pytest.mark.parametrize(("body", "field"), [
    ({"status": "done"}, "status"),
    ({"status": "missed"}, "status"),
    ({"notes": "x"}, "status"),
    ({"status": "held", "reviewed_sections": [987654]}, "reviewed_sections"),
    ({"status": "skipped", "reviewed_sections": "sectionA"}, "reviewed_sections"),
])
def test_bad_record_gets_400_and_nothing_changes(api, lead, body, field, frozen):
    r = make_ritual()
    frozen.shift(timedelta(days=6))
    occurrence = r.occurrences.first()
    response = api.as_user(lead).post(f"/api/v1/occurrences/{occurrence.pk}/record/", body,
                                      format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Occurrence.objects.get(pk=occurrence.pk).status == Status.SCHEDULED


def _many_occurrences(n):
    r = make_ritual(name=f"Bulk {n}")
    Occurrence.objects.filter(ritual=r).delete()
    Occurrence.objects.bulk_create([
        Occurrence(ritual=r, scheduled_for=NOW + timedelta(hours=i)) for i in range(n)
    ])
    return r


@pytest.mark.parametrize("n", [10, 1000])
def test_occurrence_list_query_count_does_not_grow(api, viewer, sections, n,
                                                   django_assert_max_num_queries):
    r = _many_occurrences(n)
    for o in r.occurrences.all()[:5]:
        o.reviewed_sections.add(sections["insights"])
    api.as_user(viewer)
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/occurrences/?page_size=500")
    assert response.status_code == 200
    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [3, 60])
def test_ritual_list_query_count_does_not_grow(api, viewer, n, django_assert_max_num_queries):
    for i in range(3):
        make_ritual(name=f"R{i}")
    bulk_rituals(n - 3)
    api.as_user(viewer)
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/rituals/?page_size=100").json()["count"] == n


def test_lint_endpoint_lists_warnings(api, viewer):
    make_ritual(name="Long daily", horizon="daily", duration_minutes=60,
                rrule="FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=8;BYMINUTE=0", output="")
    findings = api.as_user(viewer).get("/api/v1/rituals/lint/").json()
    codes = {f["code"] for f in findings}
    assert {"daily_too_long", "no_output", "horizon_uncovered", "no_weekly_forecast"} <= codes
    assert all(set(f) == {"ritual", "code", "severity", "message"} for f in findings)


@pytest.mark.parametrize("query,field", [
    ("ritual=²", "ritual"), ("ritual=99999999999999999999999", "ritual"),
    ("ritual=-1", "ritual"), ("ritual=0", "ritual"), ("ritual=", "ritual"),
    ("ritual=１２", "ritual"), ("status=nope", "status"), ("from=yesterday", "from"),
    ("from=0001-01-01", "from"), ("to=9999-12-31", "to"),
    ("to=9999-12-31T23:59:59-12:00", "to"), ("from=2026-13-40", "from"),
    ("from=2026-03-05&to=2026-03-01", "to"),
])
def test_odd_occurrence_filters_are_a_400_naming_the_parameter(api, viewer, query, field):
    response = api.as_user(viewer).get(f"/api/v1/occurrences/?{query}")
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_ritual_filter_still_works(api, viewer):
    r = make_ritual()
    response = api.as_user(viewer).get(f"/api/v1/occurrences/?ritual={r.pk}&page_size=3")
    assert response.status_code == 200
    assert {o["ritual"] for o in response.json()["results"]} == {r.pk}


@pytest.mark.parametrize("field,value", [
    ("grace", "999999999 00:00:00"), ("grace", "31 00:00:00"),
    ("reminder_lead", "999999999 00:00:00"),
])
def test_huge_durations_are_a_400_naming_the_field(api, lead, field, value):
    response = api.as_user(lead).post("/api/v1/rituals/", {**WEEKLY, field: value},
                                      format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Ritual.objects.exists()


def test_patch_zero_duration_names_only_the_field(api, lead):
    r = make_ritual()
    response = api.as_user(lead).patch(f"/api/v1/rituals/{r.pk}/", {"duration_minutes": 0},
                                       format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"duration_minutes"}, response.json()
