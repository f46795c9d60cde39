"""First bootstraps at the same moment on an empty install, on real PostgreSQL: one makes
the model, the others answer as a second identical call does (the same model, not
created), with or without ``replace``."""

import pytest
from django.db import connection

from overview import bootstrap
from raci.models import Matrix
from revops.models import Door
from runbook.models import Runbook
from tests.concurrency import run_concurrently
from tests.factories import LeadFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


@pytest.mark.parametrize(("calls", "replace"), [(10, False), (5, True)])
def test_first_bootstraps_at_once_make_one_model_and_the_others_find_it(calls, replace):
    lead = LeadFactory(username="lead")

    def run():
        return bootstrap.bootstrap(motion="sales-led", actor=lead, door=Door.API,
                                   replace=replace).created

    outcomes = run_concurrently(*[run] * calls, timeout=300)
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert sorted(outcomes) == [False] * (calls - 1) + [True]
    assert list(Runbook.objects.values_list("title", flat=True)) == ["Sales-led run book"]
    assert Matrix.objects.count() == 1
