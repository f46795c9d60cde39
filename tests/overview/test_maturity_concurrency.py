"""Two first assessments of a quarter posted at the same moment, on real PostgreSQL: one
row, one ``create`` and one ``update``, and neither caller gets an error."""

from datetime import date

import pytest
from django.db import connection

from overview import services
from overview.models import MaturityAssessment
from revops.models import AuditEntry, Door
from tests.concurrency import run_concurrently
from tests.factories import LeadFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


@pytest.mark.parametrize("attempt", range(3))
def test_two_first_assessments_at_once_make_one_row_and_the_later_updates_it(attempt):
    lead = LeadFactory(username="lead")

    def assess(data):
        return lambda: services.maturity_assess(
            actor=lead, door=Door.API, today=date(2026, 3, 4), people=4, process=5,
            data=data, technology=6, people_evidence="p", process_evidence="p",
            data_evidence=f"data {data}", technology_evidence="t")[1]

    outcomes = run_concurrently(assess(2), assess(3))
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sorted(outcomes) == [False, True]
    assert MaturityAssessment.objects.count() == 1
    assert sorted(AuditEntry.objects.filter(object_type="overview.maturityassessment")
                  .values_list("action", flat=True)) == ["create", "update"]
