"""A list's ``count`` never scans a large table: exact up to a threshold (a count capped
at one row more), above it the planner's estimate on PostgreSQL, said by
``count_is_estimate``; ``next`` stays exact; the count reads the filter alone."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from revops.api import pagination
from runbook.models import Section
from tests.runbook.factories import make_sections

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"


def _get(api, user, path):
    with CaptureQueriesContext(connection) as queries:
        response = api.as_user(user).get(path)
    assert response.status_code == 200, response.content
    return response.json(), [q["sql"] for q in queries.captured_queries]


def test_below_the_threshold_the_count_is_exact_and_reads_no_column_joins(api, viewer):
    make_sections(3)
    body, sql = _get(api, viewer, "/api/v1/sections/?page_size=5")
    assert (body["count"], body["count_is_estimate"]) == (Section.objects.count(), False)
    (count,) = [q for q in sql if q.startswith("SELECT COUNT(*)")]
    assert "revops_function" not in count and "auth_user" not in count
    assert ("LIMIT" in count) is ON_POSTGRESQL  # capped there; SQLite counts in one query


def test_above_the_threshold_the_count_says_whether_it_is_an_estimate(api, viewer,
                                                                       monkeypatch):
    monkeypatch.setattr(pagination, "EXACT_COUNT_UP_TO", 10)
    make_sections(4)
    if ON_POSTGRESQL:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE runbook_section")
    total = Section.objects.count()
    body, sql = _get(api, viewer, "/api/v1/sections/?page_size=5")
    assert body["count_is_estimate"] is ON_POSTGRESQL
    assert body["count"] > 10 and (ON_POSTGRESQL or body["count"] == total)
    if ON_POSTGRESQL:
        assert any(q.startswith("EXPLAIN") for q in sql)
        assert not [q for q in sql if q.startswith("SELECT COUNT(*)") and "LIMIT" not in q]
    # The pages' links are exact whatever the count: walk them to the end.
    seen, page = [], body
    while True:
        seen += [r["id"] for r in page["results"]]
        if not page["next"]:
            break
        page, _ = _get(api, viewer, page["next"].split("testserver", 1)[1])
    assert sorted(seen) == sorted(Section.objects.values_list("pk", flat=True))


def test_the_schema_describes_the_estimate(api, viewer):
    schema = api.as_user(viewer).get("/api/schema/?format=json").json()
    page = schema["components"]["schemas"]["PaginatedSectionList"]
    assert page["properties"]["count_is_estimate"]["type"] == "boolean"
    assert "estimate" in page["properties"]["count"]["description"]
    assert "count_is_estimate" in page["required"]
