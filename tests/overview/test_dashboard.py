import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cadence.factories import bulk_rituals, ritual
from tests.raci.factories import bulk_rows, matrix
from tests.runbook.factories import make_runbook, make_sections

pytestmark = pytest.mark.django_db


def one_of_each(m):
    """The small size: a run book and a ritual made by the services, three RACI rows."""
    make_runbook("Run book 0")
    ritual(name="Forecast call 0")
    bulk_rows(m, 3)


def grow(n, m):
    """``n`` more run books (six sections each) and rituals, ``3 * n`` more RACI rows,
    written in bulk."""
    make_sections(n)
    bulk_rituals(n, name="Forecast call")
    bulk_rows(m, n * 3, start=3)


@pytest.mark.parametrize("path", ["/", "/readiness/"])
def test_dashboard_and_readiness_run_the_same_queries_at_two_sizes(
    client, viewer, path, django_assert_num_queries, settings
):
    """The summaries computed, not read from the cache (``tests/core/test_summaries.py``)."""
    settings.REVOPS_SUMMARY_SECONDS = 0
    client.force_login(viewer)
    m = matrix()
    one_of_each(m)

    with CaptureQueriesContext(connection) as small:
        assert client.get(path).status_code == 200
    grow(15, m)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(path)
    assert response.status_code == 200


def test_dashboard_shows_each_apps_panel(client, viewer):
    client.force_login(viewer)
    make_runbook()
    ritual()
    html = client.get("/").content.decode()
    for title in ("run book", "RACI", "this week"):
        assert title.lower() in html.lower()
