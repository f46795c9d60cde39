"""The cadence page draws 50 live rituals at a time, in horizon order."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadence.selectors import RITUALS_PER_PAGE
from tests.cadence.factories import bulk_rituals

pytestmark = pytest.mark.django_db


def drawn(html):
    return re.findall(r'<a href="/cadence/rituals/(\d+)/">', html)


def test_many_rituals_are_drawn_a_page_at_a_time(client, viewer):
    bulk_rituals(70)
    client.force_login(viewer)
    first = client.get("/cadence/").content.decode()
    assert len(set(drawn(first))) == RITUALS_PER_PAGE == 50
    assert "Page 1 of 2" in first
    second = client.get("/cadence/?page=2").content.decode()
    assert len(set(drawn(second))) == 20
    assert not set(drawn(first)) & set(drawn(second))
    assert "No daily ritual yet" not in second  # a page names only the horizons it draws


def test_every_page_runs_the_same_queries(client, viewer, django_assert_num_queries):
    bulk_rituals(60)
    client.force_login(viewer)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/cadence/?page=2").status_code == 200
    bulk_rituals(200, name="More")
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get("/cadence/?page=4").status_code == 200
