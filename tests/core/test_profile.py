"""A person's time zone: set on the profile page (or by a lead in the console), checked
against zoneinfo, audited, and active on every page they open."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from revops import services
from revops.errors import Refused
from revops.models import AuditEntry, Door, Profile

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_without_a_profile_a_person_reads_the_site_zone(viewer, settings):
    settings.TIME_ZONE = "Europe/Paris"
    assert services.time_zone_of(viewer) == "Europe/Paris"


def test_a_person_sets_their_own_zone_and_the_change_is_audited(viewer):
    services.profile_update(actor=viewer, door=Door.UI, user=viewer,
                            time_zone="America/New_York")
    assert services.time_zone_of(viewer) == "America/New_York"
    entry = AuditEntry.objects.get(object_type="revops.profile")
    assert entry.changes == {"time_zone": ["UTC", "America/New_York"]}
    assert entry.door == Door.UI


def test_setting_the_same_zone_again_writes_no_audit_entry(viewer):
    for _ in range(2):
        services.profile_update(actor=viewer, door=Door.UI, user=viewer,
                                time_zone="Europe/London")
    assert Profile.objects.count() == 1
    assert AuditEntry.objects.filter(object_type="revops.profile").count() == 1


@pytest.mark.parametrize("bad", ["Mars/Olympus_Mons", "", "localtime", "europe/london",
                                 "America/New_York/../UTC"])
def test_an_unknown_zone_is_refused_naming_time_zone(viewer, bad):
    with pytest.raises(ValidationError) as raised:
        services.profile_update(actor=viewer, door=Door.UI, user=viewer, time_zone=bad)
    assert "time_zone" in raised.value.message_dict
    assert not Profile.objects.exists()


def test_a_viewer_may_not_set_someone_elses_zone_a_lead_may(viewer, lead):
    with pytest.raises(Refused):
        services.profile_update(actor=viewer, door=Door.CLI, user=lead, time_zone="UTC")
    services.profile_update(actor=lead, door=Door.CONSOLE, user=viewer,
                            time_zone="Asia/Tokyo")
    assert services.time_zone_of(viewer) == "Asia/Tokyo"


def test_the_profile_page_is_linked_from_the_header_and_saves_the_zone(client, viewer):
    client.force_login(viewer)
    home = client.get("/start/").content.decode()
    assert 'href="/accounts/profile/"' in home
    response = client.post("/accounts/profile/", {"time_zone": "Europe/London"})
    assert response.status_code == 302
    page = client.get("/accounts/profile/").content.decode()
    assert "Europe/London" in page and "London time" in page


def test_the_profile_page_answers_400_naming_the_field_and_the_rule(client, viewer):
    client.force_login(viewer)
    response = client.post("/accounts/profile/", {"time_zone": "Atlantis/Capital"})
    assert response.status_code == 400
    assert response.context["form"].errors["time_zone"] == [
        "Unknown time zone 'Atlantis/Capital': use an IANA name such as Europe/Paris."]
    assert not Profile.objects.exists()


def test_pages_render_in_the_readers_zone_with_one_query_for_it(client, viewer):
    services.profile_update(actor=viewer, door=Door.UI, user=viewer, time_zone="Asia/Tokyo")
    client.force_login(viewer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/cadence/week/")
    assert response.context["viewer_zone"] == "Asia/Tokyo"
    assert sum("revops_profile" in q["sql"] for q in queries.captured_queries) == 1
    # The zone does not leak into the next request of someone else.
    client.logout()
    assert client.get("/accounts/login/").context["viewer_zone"] == "UTC"


def test_the_api_answers_in_the_site_zone_whoever_asks(client, viewer, lead, settings):
    settings.TIME_ZONE = "America/New_York"
    services.profile_update(actor=viewer, door=Door.UI, user=viewer, time_zone="Asia/Tokyo")
    services.profile_update(actor=lead, door=Door.UI, user=lead, time_zone="Europe/London")
    seen = {}
    for person in (viewer, lead):
        client.force_login(person)
        response = client.get("/api/v1/audit/")
        assert response.status_code == 200
        seen[person.username] = [e["at"] for e in response.json()["results"]]
    assert seen["viewer"] == seen["lead"]
    assert seen["viewer"] and all(at.endswith(("-05:00", "-04:00")) for at in seen["viewer"])
