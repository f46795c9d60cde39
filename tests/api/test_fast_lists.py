"""The serializer-free list pages (``revops.api.fastlist``) say exactly what the list's
serializer says: on the same data (the demo operating model, plus the fields the demo
leaves empty), the JSON of each list equals, after normalising, the serializer's
rendering of the same rows; and the OpenAPI schema still describes them."""

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from cadence.api.serializers import OccurrenceSerializer, RitualSerializer
from cadence.models import Occurrence, Ritual
from raci.api.serializers import RowSerializer
from raci.models import Row
from raci.selectors import rows_for_grid
from runbook import selectors
from runbook.api.serializers import SectionSerializer
from runbook.models import Section
from tests.factories import UserFactory

# The demo is loaded once for the module: keep the module on one worker.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_for_the_module"),
              pytest.mark.xdist_group("demo-fast-lists")]


@pytest.fixture
def lead(db):
    """The demo's own RevOps lead."""
    return get_user_model().objects.get(username="lead")


@pytest.fixture
def demo(lead):
    someone = UserFactory(username="maría")
    ritual = Ritual.objects.order_by("pk").first()
    Ritual.objects.filter(pk=ritual.pk).update(
        owner_person=someone, reminder_lead=timedelta(hours=26, minutes=5),
        grace=timedelta(days=2), output_section=None)
    Row.objects.filter(pk=Row.objects.order_by("pk").first().pk).update(
        accountable_also_responsible=True, layer="")
    section = Section.objects.order_by("pk").last()
    Section.objects.filter(pk=section.pk).update(
        last_reviewed_by=someone, last_reviewed_at=timezone.now() - timedelta(days=400),
        last_reviewed_on=(timezone.now() - timedelta(days=400)).date())


def normalised(data):
    return json.dumps(json.loads(JSONRenderer().render(data)), sort_keys=True)


def old(serializer, queryset):
    return normalised(serializer(list(queryset), many=True).data)


def listed(api, lead, path):
    response = api.as_user(lead).get(path, {"page_size": 500})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] >= len(body["results"]) and body["previous"] is None
    return normalised(body["results"])


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_each_fast_list_renders_what_its_serializer_renders_on_the_same_rows(
        api, lead, demo, settings, zone):
    settings.TIME_ZONE = zone
    today = timezone.localdate()
    cases = [
        ("/api/v1/sections/", SectionSerializer, selectors.sections_with_state(today=today)),
        ("/api/v1/raci/rows/", RowSerializer, rows_for_grid()),
        ("/api/v1/rituals/", RitualSerializer,
         Ritual.objects.select_related("owner").prefetch_related("attendees")
         .order_by("name", "id")),
        ("/api/v1/occurrences/", OccurrenceSerializer,
         Occurrence.objects.select_related("ritual").prefetch_related("reviewed_sections")
         .order_by("scheduled_for", "id")[:500]),
    ]
    for path, serializer, queryset in cases:
        fast = listed(api, lead, path)
        assert fast == old(serializer, queryset), path
        assert len(json.loads(fast)) > 5, path


def test_filters_still_apply_to_the_fast_lists(api, lead, demo):
    stale = api.as_user(lead).get("/api/v1/sections/", {"state": "never"}).json()
    assert stale["count"] == Section.objects.filter(last_reviewed_on__isnull=True).count()
    held = api.get("/api/v1/occurrences/", {"status": "held"}).json()
    assert held["count"] == Occurrence.objects.filter(status="held").count() > 0
    assert all(o["status"] == "held" for o in held["results"])
    assert any(o["reviewed_sections"] for o in held["results"])
    weekly = api.get("/api/v1/rituals/", {"horizon": "weekly"}).json()
    assert {r["horizon"] for r in weekly["results"]} == {"weekly"}


def test_the_schema_still_describes_the_lists_with_their_serializers(api, lead):
    schema = api.as_user(lead).get("/api/schema/", {"format": "json"}).json()
    listed = {
        "/api/v1/sections/": "PaginatedSectionList",
        "/api/v1/raci/rows/": "PaginatedRowList",
        "/api/v1/rituals/": "PaginatedRitualList",
        "/api/v1/occurrences/": "PaginatedOccurrenceList",
    }
    for path, component in listed.items():
        response = schema["paths"][path]["get"]["responses"]["200"]
        assert response["content"]["application/json"]["schema"]["$ref"].endswith(component)
        assert "description" not in schema["paths"][path]["get"] or path != "/api/v1/rituals/"
