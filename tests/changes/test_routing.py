"""Routing reads the layer's RACI: the row for the layer as a whole when the matrix has
one, else every row of the layer (each function keeping its strongest letter)."""

import pytest

from changes import items, routing
from raci import selectors as raci_selectors
from revops.models import Function
from tests.raci import factories as raci_factories
from tests.runbook.factories import make_runbook

pytestmark = pytest.mark.django_db


def slugs(ids):
    return sorted(Function.objects.filter(pk__in=ids).values_list("slug", flat=True))


def test_the_row_for_the_layer_as_a_whole_decides(matrix):
    raci_factories.row(matrix, "Lead routing", {"marketing": "A", "cro": "C"})
    letters = raci_selectors.layer_letters("process")
    assert Function.objects.get(pk=letters.accountable).slug == "sales"
    assert slugs(letters.responsible) == ["marketing"]
    assert slugs(letters.consulted) == ["cs"] and slugs(letters.informed) == ["finance"]


def test_without_one_every_row_of_the_layer_counts_with_the_strongest_letter(people):
    matrix = raci_factories.matrix()
    raci_factories.row(matrix, "Dashboards", {"revops": "A", "cs": "I", "sales": "C"},
                       layer="insights")
    raci_factories.row(matrix, "Forecast", {"revops": "A", "cs": "R", "cro": "I"},
                       layer="insights")
    letters = raci_selectors.layer_letters("insights")
    assert Function.objects.get(pk=letters.accountable).slug == "revops"
    assert slugs(letters.responsible) == ["cs"]
    assert slugs(letters.consulted) == ["sales"] and slugs(letters.informed) == ["cro"]


def test_a_cadence_section_and_a_layer_without_rows_go_to_the_revops_seat(matrix, people):
    cadence = make_runbook(actor=people["lead"]).sections.get(kind="cadence")
    assert items.KINDS["section"].layer(cadence) == ""
    for layer in ("", "systems"):
        route = routing.routing_for(layer)
        assert route.accountable.slug == "revops"
        assert route.approver(people["marketing"]) == people["lead"]
