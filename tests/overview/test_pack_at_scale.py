"""The hand-over pack of a large model: in parts of ``PACK_RUNBOOKS`` run books, one
statement for the current text of a part's sections, and the same queries for 12
sections as for 3,000."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from overview import bootstrap
from overview.pack.contents import PACK_RUNBOOKS
from runbook.models import Runbook, Section
from tests.factories import LeadFactory
from tests.runbook.factories import make_sections

pytestmark = pytest.mark.django_db


def _pack(client, query=""):
    with CaptureQueriesContext(connection) as queries:
        answer = client.get("/handover/" + query)
    return answer, len(queries.captured_queries)


def test_a_model_of_500_run_books_has_its_pack_in_parts_in_the_same_queries_as_of_2(client):
    """A pack holds ``PACK_RUNBOOKS`` run books (a model of 16,000 made a 114 MB page):
    a larger model's comes in parts, each with the RACI, the cadence and the rest, in
    the queries a model of two run books takes."""
    bootstrap.bootstrap(motion="sales-led", actor=None, door="cli")
    client.force_login(LeadFactory(username="lead"))
    make_sections(1)
    _pack(client)  # warms the process's caches
    small, small_queries = _pack(client)
    # The bulk run books' strategy outline (the template's own run book words it otherwise).
    assert small.content.decode().count("State the bookings target") == 1
    assert "Parts of the pack" not in small.content.decode()
    make_sections(500 - 2)
    last = Runbook.objects.order_by("pk").last()
    assert Section.objects.count() == 3000
    first, first_queries = _pack(client)
    page = first.content.decode()
    assert small.status_code == first.status_code == 200
    assert page.count("State the bookings target") == PACK_RUNBOOKS - 1 == 19
    assert "The model has 500 run books" in page and "Page 1 of 25" in page
    assert "The operating model, part 1 of 25" in page
    final, final_queries = _pack(client, "?page=25")
    assert last.title in final.content.decode() and last.title not in page
    assert small_queries == first_queries == final_queries, (
        small_queries, first_queries, final_queries)
    assert "Page 25 of 25" in _pack(client, "?page=99")[0].content.decode()
    text = client.get("/handover.md?page=2").content.decode()
    assert "this part holds 21 to 40 of them" in text
