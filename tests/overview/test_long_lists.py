"""A head of a function owning thousands of sections is shown the first of them and
their count, on every page that lists what they own, in the same queries whatever the
number: the first week (20), the console's to-do (50), their person page (50, and the
readiness impact names 10)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from revops.models import Function
from runbook.models import Section
from tests.runbook.factories import make_sections

pytestmark = pytest.mark.django_db


def owned_by_sales(n_runbooks):
    """``n_runbooks`` run books of six never-reviewed sections, all owned by Sales."""
    make_sections(n_runbooks)
    Section.objects.update(owner=Function.objects.get(slug="sales"))
    return Section.objects.count()


def read(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_first_week_names_twenty_sections_and_counts_the_rest(client, sales_head):
    client.force_login(sales_head)
    owned_by_sales(2)
    page, few = read(client, "/start/")
    assert page.count("Review “") == 12 and "more section" not in page
    total = owned_by_sales(10)
    page, many = read(client, "/start/")
    assert many == few
    assert page.count("Review “") == 20
    assert f"And {total - 20} more sections to review" in page
    assert f'href="/people/{sales_head.username}/#sections-title"' in page


def test_the_console_to_do_lists_fifty_sections_and_counts_the_rest(client, sales_head):
    sales_head.is_staff = True
    sales_head.save()
    client.force_login(sales_head)
    owned_by_sales(2)
    page, few = read(client, "/admin/")
    assert page.count('<th scope="row">Review</th>') == 12
    total = owned_by_sales(10)
    page, many = read(client, "/admin/")
    assert many == few
    assert page.count('<th scope="row">Review</th>') == 51  # 50 and the count
    assert f"And {total - 50} more sections to review" in page


def test_the_person_page_counts_a_heads_sections_and_names_ten_in_the_impact(
        client, lead, sales_head):
    client.force_login(lead)
    owned_by_sales(2)
    _, few = read(client, f"/people/{sales_head.username}/")
    total = owned_by_sales(10)
    page, many = read(client, f"/people/{sales_head.username}/")
    assert many == few
    assert f"Run-book sections <span class=\"muted\">({total})</span>" in page
    assert f"Sales would have no head: {total} sections and" in page
    named = re.search(r"Sections owned by a function with no head: ([^<]*)\.", page).group(1)
    assert named.endswith(f" and {total - 10} more") and named.count(",") == 9
