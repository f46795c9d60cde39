"""The hand-over pack of a large model: one statement for the current text of every
section, whatever their number (SQLite refuses an expression tree of a condition per
section at a few thousand), and the same queries for 12 sections as for 3,000."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from overview import bootstrap
from runbook.models import Section
from tests.factories import LeadFactory
from tests.runbook.factories import make_sections

pytestmark = pytest.mark.django_db


def _pack(client):
    with CaptureQueriesContext(connection) as queries:
        answer = client.get("/handover/")
    return answer, len(queries.captured_queries)


def test_the_pack_of_3000_sections_answers_in_the_same_queries_as_of_12(client):
    bootstrap.bootstrap(motion="sales-led", actor=None, door="cli")
    client.force_login(LeadFactory(username="lead"))
    make_sections(1)
    _pack(client)  # warms the process's caches
    small, small_queries = _pack(client)
    last = make_sections(500 - 2)[-1]
    assert Section.objects.count() == 3000
    large, large_queries = _pack(client)
    assert small.status_code == large.status_code == 200
    assert last.title in large.content.decode()
    # Every section's current text is in the pack: the strategy outline, once a run book.
    assert (large.content.decode().count("State the bookings target")
            - small.content.decode().count("State the bookings target")) == 500 - 2
    assert small_queries == large_queries, (small_queries, large_queries)
