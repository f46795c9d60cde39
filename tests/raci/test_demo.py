"""The RACI part of the demo: one current matrix, one Accountable per row, a sign-off
of each state, and a second load that changes nothing."""

import pytest
from django.core.management import call_command

from raci import selectors
from raci.models import Matrix, Row, SignOff


@pytest.mark.django_db
def test_demo_loads_once_with_one_accountable_per_row_and_a_changed_signoff():
    call_command("load_demo", verbosity=0)
    counts = (Matrix.objects.count(), Row.objects.count(), SignOff.objects.count())
    call_command("load_demo", verbosity=0)
    assert (Matrix.objects.count(), Row.objects.count(), SignOff.objects.count()) == counts
    matrix = Matrix.objects.get()
    assert matrix.is_current and counts[1] >= 19
    states = {s.function.slug: s.state for s in selectors.signoff_status(matrix)}
    # Customer Success's sign-off comes from the overview's departure drill (its head is
    # the demo's leaver).
    assert states == {"revops": "unsigned", "cro": "signed", "marketing": "changed",
                      "sales": "signed", "cs": "signed", "finance": "signed"}
    for row in selectors.rows_for_grid(matrix=matrix):
        assert list(selectors.letters_of(row).values()).count("A") \
            + list(selectors.letters_of(row).values()).count("A/R") == 1
