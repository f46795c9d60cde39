"""The week's inputs on an insights ritual's occurrence page: the period it reviews,
an input per metric the person may change, all or nothing, a correction kept."""

from datetime import datetime

import pytest
import time_machine
from django.utils import timezone

from cadence import services as cadence_services
from insights.models import MetricValue, ReplacedValue
from revops.models import Door, Function
from tests.insights.factories import make_metric, send
from tests.runbook.factories import make_runbook

pytestmark = pytest.mark.django_db
MONDAY = datetime(2026, 12, 7, 10, tzinfo=timezone.get_fixed_timezone(0))


@pytest.fixture
def occurrence():
    with time_machine.travel(datetime(2026, 11, 1, tzinfo=MONDAY.tzinfo), tick=False):
        ritual = cadence_services.ritual_create(
            actor=None, door=Door.CLI, name="Funnel review", horizon="weekly",
            layer="insights", rrule="FREQ=WEEKLY;BYDAY=MO;BYHOUR=10;BYMINUTE=0",
            timezone="UTC", duration_minutes=45, owner=Function.objects.get(slug="marketing"),
            attendees=[], output="", agenda="", purpose="")
    return ritual.occurrences.get(scheduled_for=MONDAY)


def test_the_page_has_last_weeks_inputs_and_saves_them(client, lead, occurrence):
    win_rate = make_metric(target=25, warning=5)
    make_metric("bookings", unit="currency", period="monthly")
    send(win_rate, "2026-W49", 20, source="warehouse")
    client.force_login(lead)
    page = client.get(f"/cadence/occurrences/{occurrence.pk}/").content.decode()
    assert "Metrics for 2026-W49" in page and 'name="value-win-rate"' in page
    assert 'value="20"' in page and "Bookings" not in page  # monthly: not this ritual's
    response = client.post(f"/scorecard/occurrences/{occurrence.pk}/values/",
                           {"value-win-rate": "22.5"})
    assert response.status_code == 302 and response.url.endswith("#metrics")
    value = MetricValue.objects.get(metric=win_rate)
    assert value.value == 22.5 and value.door == "ui" and "Funnel review" in value.source
    assert ReplacedValue.objects.get(current=value).source == "warehouse"


def test_a_bad_input_saves_nothing_and_says_which(client, lead, occurrence):
    make_metric()
    make_metric("opportunities", unit="count")
    client.force_login(lead)
    response = client.post(f"/scorecard/occurrences/{occurrence.pk}/values/",
                           {"value-win-rate": "22", "value-opportunities": "lots"},
                           follow=True)
    assert "Nothing was saved. Line 2: value" in response.content.decode()
    assert not MetricValue.objects.exists()


def test_a_viewer_reads_the_values_without_inputs_and_may_not_post(client, viewer,
                                                                   occurrence):
    make_metric()
    client.force_login(viewer)
    page = client.get(f"/cadence/occurrences/{occurrence.pk}/").content.decode()
    assert "Metrics for 2026-W49" in page and 'name="value-win-rate"' not in page
    response = client.post(f"/scorecard/occurrences/{occurrence.pk}/values/",
                           {"value-win-rate": "22"})
    assert response.status_code == 403 and not MetricValue.objects.exists()


def test_a_process_ritual_whose_output_is_the_insights_section_has_the_inputs_too(
        client, lead):
    make_metric()
    book = make_runbook()
    with time_machine.travel(datetime(2026, 11, 1, tzinfo=MONDAY.tzinfo), tick=False):
        ritual = cadence_services.ritual_create(
            actor=None, door=Door.CLI, name="Funnel review", horizon="weekly",
            layer="process", rrule="FREQ=WEEKLY;BYDAY=MO;BYHOUR=10;BYMINUTE=0",
            timezone="UTC", output_section=book.sections.get(kind="insights"))
        standup = cadence_services.ritual_create(
            actor=None, door=Door.CLI, name="Systems standup", horizon="weekly",
            layer="systems", rrule="FREQ=WEEKLY;BYDAY=MO;BYHOUR=10;BYMINUTE=0",
            timezone="UTC")
    client.force_login(lead)
    reviewed = client.get(f"/cadence/occurrences/"
                          f"{ritual.occurrences.get(scheduled_for=MONDAY).pk}/")
    assert 'name="value-win-rate"' in reviewed.content.decode()
    other = client.get(f"/cadence/occurrences/"
                       f"{standup.occurrences.get(scheduled_for=MONDAY).pk}/")
    assert "Metrics for" not in other.content.decode()
