"""The same period sent twice at the same moment (a warehouse job retrying while its first
call is still running), on real PostgreSQL: one value, one ``created`` and one
``unchanged`` or ``updated``, and neither caller gets an error."""

import pytest
from django.db import connection

from insights import services
from insights.models import MetricValue, ReplacedValue
from revops.models import Door
from tests.concurrency import run_concurrently
from tests.factories import LeadFactory
from tests.insights.factories import make_metric

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


@pytest.mark.parametrize("second", [30, 31])
def test_two_sends_of_one_period_at_once_make_one_value(second):
    lead = LeadFactory(username="lead")
    make_metric()

    def send(value):
        return lambda: services.values_record_many(
            lines=[{"metric": "win-rate", "period": "2026-W49", "value": value}],
            actor=lead, door=Door.API)

    outcomes = run_concurrently(send(30), send(second))
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    made = sorted(next(k for k, n in o.items() if n) for o in outcomes)
    assert made == sorted(["created", "unchanged" if second == 30 else "updated"])
    assert MetricValue.objects.count() == 1
    assert ReplacedValue.objects.count() == (0 if second == 30 else 1)
