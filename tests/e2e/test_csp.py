"""No page breaks its own Content-Security-Policy: Chromium reports every blocked inline
style or script as a console error, and these pages must log none."""

import pytest

from runbook.models import Section
from tests.demo import load as load_demo
from tests.runbook.factories import make_runbook

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    load_demo()


def console_errors(page):
    errors = []
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}")
            if m.type == "error" else None)
    return errors


def visit(page, live_server, paths, *, settle=False):
    """Open each page and wait for its load event: a blocked inline style or script is
    reported while the page is parsed, before that. ``settle`` waits until the network
    is quiet too: Chromium asks for a page's icons after the load event."""
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        if settle:
            page.wait_for_load_state("networkidle")


def test_api_docs_and_console_pages_log_no_csp_error(demo, lead, sign_in, page, live_server):
    errors = console_errors(page)
    section = Section.objects.order_by("pk").first()
    sign_in(lead, "/api/docs/")
    page.locator(".swagger-ui .info").wait_for()
    visit(page, live_server, [
        "/admin/", "/admin/runbook/section/", f"/admin/runbook/section/{section.pk}/change/",
        "/admin/raci/matrix/", "/admin/raci/row/", "/admin/cadence/ritual/",
        "/admin/cadence/ritual/add/", "/admin/revops/auditentry/", "/admin/auth/user/",
        "/admin/auth/group/add/", "/admin/revops/channel/add/", "/admin/password_change/",
    ])
    assert [e for e in errors if "Content Security Policy" in e] == []
    assert errors == []


def test_the_print_view_and_the_app_ask_for_no_missing_icon(lead, sign_in, page, live_server):
    errors = console_errors(page)
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    runbook = make_runbook()
    sign_in(lead, "/")
    page.wait_for_load_state("networkidle")
    visit(page, live_server, [f"/runbook/{runbook.pk}/print/", "/favicon.ico"], settle=True)
    assert missing == [] and errors == []
