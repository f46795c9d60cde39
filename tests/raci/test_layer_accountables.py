"""Who answers for each layer: the A of the layer's own row, else the function that is A
on most of the layer's rows (the first in column order on a tie)."""

import pytest

from raci import selectors
from revops.models import Function
from tests.raci.factories import matrix, row

pytestmark = pytest.mark.django_db


def ids(**slugs):
    functions = dict(Function.objects.values_list("slug", "pk"))
    return {layer: functions[slug] for layer, slug in slugs.items()}


def test_the_layer_row_wins_over_the_majority():
    m = matrix()
    row(m, "Annual plan", {"finance": "A"}, layer="strategy")
    row(m, "Capacity", {"finance": "A"}, layer="strategy")
    row(m, "Strategy and planning (layer as a whole)", {"cro": "A"}, layer="strategy")
    row(m, "process and workflow", {"revops": "A/R"}, layer="process")
    assert selectors.layer_accountables() == ids(strategy="cro", process="revops")


def test_without_a_layer_row_the_most_frequent_a_then_column_order():
    m = matrix()
    row(m, "CRM fields", {"marketing": "A"}, layer="systems")
    row(m, "Scoring", {"marketing": "A"}, layer="systems")
    row(m, "Warehouse", {"finance": "A"}, layer="systems")
    row(m, "Forecast", {"sales": "A"}, layer="insights")
    row(m, "Attribution", {"cro": "A"}, layer="insights")
    row(m, "Unlayered", {"cs": "A"}, layer="")
    assert selectors.layer_accountables() == ids(systems="marketing", insights="cro")


def test_no_current_matrix_means_nobody():
    m = matrix(is_current=False)
    row(m, "Process and workflow", {"revops": "A"}, layer="process")
    assert selectors.layer_accountables() == {}
    assert selectors.layer_accountables(m) == ids(process="revops")
