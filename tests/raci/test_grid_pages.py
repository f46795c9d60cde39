"""The grid page draws 50 rows at a time (the print view all of them); a link to a row
lands on the page that draws it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from raci import selectors, services
from raci.models import Row
from raci.selectors import ROWS_PER_PAGE
from revops.models import Door, Function
from tests.raci.factories import bulk_rows, matrix

pytestmark = pytest.mark.django_db


def drawn(html):
    return re.findall(r'<tr id="row-(\d+)"', html)


def test_a_large_matrix_is_drawn_a_page_of_rows_at_a_time(client, lead):
    m = matrix()
    bulk_rows(m, 120)
    client.force_login(lead)
    first = client.get("/raci/").content.decode()
    assert len(drawn(first)) == ROWS_PER_PAGE == 50
    assert "120 rows" in first and "Page 1 of 3" in first
    last = client.get("/raci/?page=3").content.decode()
    assert len(drawn(last)) == 20
    everything = client.get(f"/raci/{m.pk}/print/").content.decode()
    assert everything.count('<span class="row-name">') == 120
    # Out of range or not a number: the nearest page, never an error.
    assert len(drawn(client.get("/raci/?page=99").content.decode())) == 20
    assert len(drawn(client.get("/raci/?page=x").content.decode())) == 50


def test_every_page_of_the_grid_runs_the_same_queries(client, lead, django_assert_num_queries):
    m = matrix()
    bulk_rows(m, 60)
    client.force_login(lead)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/raci/?page=2").status_code == 200
    bulk_rows(m, 240, start=60)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get("/raci/?page=5").status_code == 200


def test_a_link_to_a_row_lands_on_the_page_that_draws_it(client, viewer):
    m = matrix()
    bulk_rows(m, 120)
    client.force_login(viewer)
    order = list(Row.objects.filter(matrix=m).in_grid_order().values_list("pk", flat=True))
    response = client.get(f"/raci/rows/{order[101]}/in-grid/")
    assert response.status_code == 302
    assert response.url == f"/raci/{m.pk}/?page=3#row-{order[101]}"
    assert client.get(f"/raci/rows/{order[0]}/in-grid/").url == f"/raci/{m.pk}/#row-{order[0]}"
    page = client.get(response.url.split("#")[0]).content.decode()
    assert str(order[101]) in drawn(page)
    assert client.get("/raci/rows/999999/in-grid/").status_code == 404


def test_a_page_reads_its_rows_and_the_kept_lint_of_the_whole_matrix(settings, lead):
    """The grid's page reads its 50 rows; the lint of every row is kept until the model
    changes (``revops.summaries``), so a fix through a service shows on the next read."""
    settings.REVOPS_SUMMARY_SECONDS = 300
    m = matrix()
    bulk_rows(m, 120)
    order = list(Row.objects.filter(matrix=m).in_grid_order())
    last = order[110]
    last.cells.filter(letter="R").delete()  # outside the services: no audit entry
    grid = selectors.grid(m, page="1")
    assert len(list(grid["rows"])) == 50 and grid["row_count"] == 120
    assert [f.row for f in grid["findings"] if f.code == "no_responsible"] == [last.pk]
    with CaptureQueriesContext(connection) as kept:
        selectors.matrix_lint(matrix_id=m.pk)
    assert len(kept.captured_queries) == 1  # the model's version
    function = Function.objects.exclude(pk=last.accountable_id).exclude(
        pk__in=last.cells.values("function")).first()
    services.cell_set(row=last, function=function, letter="R", actor=lead, door=Door.UI)
    assert not [f for f in selectors.grid(m, page="3")["findings"]
                if f.code == "no_responsible"]
