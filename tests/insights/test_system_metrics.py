"""The model's own health as system metrics: on the demo they say what the dashboard,
the cadence page and the RACI page say; recorded again the same day, nothing changes."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from cadence import adherence
from changes import selectors as changes_selectors
from insights import selectors, services, tasks
from insights.models import Metric, MetricValue
from overview import maturity
from raci import dashboard as raci_dashboard
from raci import selectors as raci_selectors
from revops.models import Function
from runbook import dashboard as runbook_dashboard
from runbook import selectors as runbook_selectors

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_for_the_module")]


def recorded():
    return {v.metric.system: float(v.value) for v in MetricValue.objects.filter(
        metric__system__gt="").select_related("metric")}


def test_the_system_metrics_match_the_pages_own_figures_on_the_demo():
    today = timezone.localdate()
    counts = tasks.record_system_metrics.delay().get()  # the demo recorded them too
    assert sum(counts.values()) == 5
    values = recorded()

    sections = runbook_selectors.sections_with_state(today=today).count()
    out_of_date = runbook_dashboard.panel(user=None, today=today)["stale_count"]
    assert values["runbook-freshness"] == round(100 * (sections - out_of_date) / sections, 1)

    held = adherence.adherence(weeks=4).total
    assert values["ritual-adherence"] == round(100 * held.held / held.recorded, 1)

    panel = raci_dashboard.panel(user=None, today=today)
    expected = [s for s in raci_selectors.signoff_status(panel["matrix"]) if s.expected]
    assert values["raci-signoff-coverage"] == round(
        100 * (len(expected) - len(panel["missing"])) / len(expected), 1)

    deputised = Function.objects.filter(deputy__isnull=False).count()
    assert values["seats-with-deputies"] == round(
        100 * deputised / Function.objects.count(), 1)

    # What each changed item's page says ("1 of 4 acknowledged"), summed.
    items = {(p.kind, p.item_id): p.layer for p in changes_selectors.proposals().filter(
        state="applied", meaningful=True)}
    pages = [changes_selectors.coverage(kind=kind, item_id=item_id, layer=layer)
             for (kind, item_id), layer in items.items()]
    assert pages, "the demo changes a definition through a proposal"
    assert values["acknowledged-changes"] == round(
        100 * sum(len(c.acknowledged) for c in pages) / sum(c.expected for c in pages), 1)


def test_recording_twice_a_day_changes_nothing_and_they_sit_on_the_scorecard():
    services.record_system_metrics()
    assert services.record_system_metrics()["unchanged"] == 5
    assert Metric.objects.exclude(system="").count() == 5
    rows = {r.metric.slug: r for r in selectors.rows(today=timezone.localdate(), periods=1)}
    assert {"runbook-freshness", "ritual-adherence"} <= set(rows)
    assert rows["runbook-freshness"].cells[0].target == 90


def test_the_maturity_page_shows_the_evidence_and_where_it_disagrees(client):
    services.record_system_metrics()
    lead = get_user_model().objects.get(username="lead")
    client.force_login(lead)
    page = client.get("/maturity/").content.decode()
    assert "Evidence from the app" in page and "Run-book freshness" in page
    assert maturity.disagreements(
        {"people": 2, "process": 6, "data": 3, "technology": 3},
        [("runbook-freshness", "Run-book freshness", Decimal("60.0000"), True),
         ("seats-with-deputies", "Seats with deputies", 10, True)]) == [
        "Process scored 6, but 40 % of the run book's sections are stale or never reviewed."]
