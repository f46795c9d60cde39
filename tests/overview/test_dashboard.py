import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cadence.factories import ritual
from tests.raci.factories import bulk_rows, matrix
from tests.runbook.factories import make_runbook

pytestmark = pytest.mark.django_db


def grow(n, m, start=0):
    for i in range(start, start + n):
        make_runbook(f"Run book {i}")
        ritual(name=f"Forecast call {i}")
    bulk_rows(m, n * 3, start=start * 3)


@pytest.mark.parametrize("path", ["/", "/readiness/"])
def test_dashboard_and_readiness_run_the_same_queries_at_two_sizes(
    client, viewer, path, django_assert_num_queries
):
    client.force_login(viewer)
    m = matrix()
    grow(1, m)

    with CaptureQueriesContext(connection) as small:
        assert client.get(path).status_code == 200
    grow(15, m, start=1)
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
