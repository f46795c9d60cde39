"""The console: a lead makes a metric with its target through the services; a bad
formula is a form error; values and their corrections are read-only there."""

import pytest

from insights.models import Metric, Target
from revops.models import AuditEntry
from tests.insights.factories import make_metric
from tests.runbook.factories import make_definition

pytestmark = pytest.mark.django_db
ADD = "/admin/insights/metric/add/"


def form(definition, **extra):
    return {"definition": definition.pk, "slug": "bookings", "name": "Bookings",
            "unit": "currency", "direction": "higher", "period": "monthly", "owner": "",
            "formula": "", "target": "100000", "warning": "20000", "starting": "", **extra}


def test_a_lead_adds_a_metric_with_its_target_and_it_is_audited(client, lead):
    definition = make_definition("Bookings", owner="finance", agreeing=(), layer="insights")
    client.force_login(lead)
    response = client.post(ADD, form(definition))
    assert response.status_code == 302, response.content.decode()[:2000]
    metric = Metric.objects.get(slug="bookings")
    assert Target.objects.get(metric=metric).target == 100000
    assert AuditEntry.objects.filter(object_type="insights.metric", door="console").exists()


def test_a_formula_naming_an_unknown_metric_is_a_form_error(client, lead):
    make_metric()
    definition = make_definition("Bookings", owner="finance", agreeing=(), layer="insights")
    client.force_login(lead)
    response = client.post(ADD, form(definition, period="weekly",
                                     formula="win_rate / nothing"))
    assert response.status_code == 200 and "no metric called nothing" in response.content.decode()
    assert not Metric.objects.filter(slug="bookings").exists()


def test_values_are_read_only_in_the_console(client, lead):
    client.force_login(lead)
    assert client.get("/admin/insights/metricvalue/").status_code == 200
    assert client.get("/admin/insights/metricvalue/add/").status_code == 403
