"""Two Monday-brief jobs at the same moment, on real PostgreSQL: each head still gets one
brief, because the database's unique constraint decides, not a read before the insert."""

from datetime import date

import pytest
from django.db import connection

from overview import brief
from overview.models import MondayBrief
from revops.models import Function, Mail
from tests.concurrency import run_concurrently
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


@pytest.mark.parametrize("attempt", range(3))
def test_three_jobs_at_once_send_one_brief_per_head(attempt):
    for function in Function.objects.all():
        function.head = UserFactory(username=f"head-{function.slug}")
        function.save()

    def run():
        return brief.send_monday_briefs(today=date(2026, 3, 9))

    outcomes = run_concurrently(run, run, run)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    heads = Function.objects.count()
    assert sum(outcomes) == heads
    assert MondayBrief.objects.count() == Mail.objects.count() == heads
    assert len({tuple(m.to) for m in Mail.objects.all()}) == heads
