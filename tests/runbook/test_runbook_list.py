"""A model may hold thousands of run books: a run book's page offers a dozen to switch
to and links to the rest, which have a page of their own, fifty at a time."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from runbook.selectors.sections import SWITCHER_SHOWN
from runbook.views import RUNBOOKS_PER_PAGE
from tests.runbook.factories import make_runbook, make_sections

pytestmark = pytest.mark.django_db


def _queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_a_run_books_page_offers_a_dozen_to_switch_to_and_links_to_all(client, viewer):
    default = make_runbook("Sales-led run book", is_default=True)
    make_sections(2)
    client.force_login(viewer)
    small, page = _queries(client, f"/runbook/{default.pk}/")
    assert page.count('class="rb-switch"') == 1 and "All 3 run books" not in page
    make_sections(SWITCHER_SHOWN + 8)
    large, page = _queries(client, f"/runbook/{default.pk}/")
    assert large == small
    switcher = page.split('class="rb-switch"')[1].split("</nav>")[0]
    assert switcher.count("<li>") == SWITCHER_SHOWN + 1  # a dozen and the link to all
    assert f"All {SWITCHER_SHOWN + 11} run books" in switcher
    assert "Sales-led run book (default)" in switcher


def test_the_run_book_being_read_is_in_its_switcher_even_past_the_cut(client, viewer):
    make_runbook("Aardvark run book", is_default=True)
    make_sections(SWITCHER_SHOWN + 2)
    last = make_runbook("Zebra run book")
    client.force_login(viewer)
    switcher = client.get(f"/runbook/{last.pk}/").content.decode().split(
        'class="rb-switch"')[1].split("</nav>")[0]
    assert switcher.count("<li>") == SWITCHER_SHOWN + 1
    assert f'href="/runbook/{last.pk}/" aria-current="page">Zebra run book' in switcher


def test_every_run_book_is_listed_a_page_at_a_time(client, viewer):
    make_runbook("Sales-led run book", is_default=True)
    make_sections(3)
    client.force_login(viewer)
    small, page = _queries(client, "/runbook/all/")
    assert "4 live run books" in page and "Page 1 of" not in page
    make_sections(RUNBOOKS_PER_PAGE + 6)
    large, page = _queries(client, "/runbook/all/")
    assert large == small
    listed = page.split('class="card rb-list"')[1].split("</ul>")[0]
    assert listed.count("<li>") == RUNBOOKS_PER_PAGE
    assert "Page 1 of 2" in page
    assert 'Sales-led run book</a> <span class="muted">(default)' in listed
    second = client.get("/runbook/all/?page=2").content.decode()
    assert "Page 2 of 2" in second and "Bulk run book" in second
