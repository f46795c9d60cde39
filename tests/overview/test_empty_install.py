"""An empty install tells the truth and leads the way: the dashboard and /start/ lead to
/setup/, every page they link to says what to do, and no panel claims fresh, on track or
consistent over zero items."""

import re

import pytest
from django.utils import timezone

from overview import bootstrap
from revops.models import Door
from runbook import services as runbook_services

pytestmark = pytest.mark.django_db

CLAIMS = ('class="badge fresh"', "On track", "Consistent", "Every section was reviewed")


def _links(html):
    return {href for href in re.findall(r'href="(/[^"#?]*)', html)
            if not href.startswith(("/static/", "/accounts/", "/admin/", "/api/"))}


def test_the_empty_dashboard_leads_to_setup_and_claims_nothing(client, lead):
    client.force_login(lead)
    page = client.get("/").content.decode()
    assert 'href="/setup/"' in page and "Start your model: choose your motion" in page
    assert "No sections yet" in page
    for claim in CLAIMS:
        assert claim not in page, claim


def test_the_freshness_chart_waits_for_the_first_scan_instead_of_drawing_empty_axes(
        client, lead):
    client.force_login(lead)
    page = client.get("/").content.decode()
    assert "Run book: freshness over the year" in page
    assert 'id="chart-freshness"' not in page
    assert "Nothing to chart yet: the daily stale scan records" in page
    bootstrap.bootstrap(motion="sales-led", actor=None, door=Door.CLI)
    runbook_services.freshness_snapshot_record(today=timezone.localdate())
    page = client.get("/").content.decode()
    assert 'id="chart-freshness"' in page and "Nothing to chart yet" not in page


def test_the_dashboards_readiness_figure_opens_the_readiness_page(client, lead):
    client.force_login(lead)
    page = client.get("/").content.decode()
    assert re.search(r'<a class="score" href="/readiness/"', page)
    assert 'href="/api/v1/readiness/"' not in page


def test_start_puts_setting_up_the_model_first(client, lead):
    client.force_login(lead)
    page = client.get("/start/").content.decode()
    first = re.search(r'<li class="step[^"]*">.*?<a href="([^"]+)">([^<]+)</a>', page, re.S)
    assert first.groups() == ("/setup/", "Start your model: choose your motion")


@pytest.mark.parametrize("start", ["/", "/start/"])
def test_every_page_linked_says_what_to_do(client, lead, start):
    client.force_login(lead)
    for href in _links(client.get(start).content.decode()) - {"/", "/setup/", start}:
        page = client.get(href)
        assert page.status_code == 200, href
        text = page.content.decode()
        for claim in ("On track", "Consistent", "Every section was reviewed"):
            assert claim not in text, (href, claim)
    for href in ("/runbook/", "/raci/", "/cadence/"):
        assert "Start your model: choose your motion" in client.get(href).content.decode()


def test_readiness_on_an_empty_install_passes_no_check_about_nothing():
    from django.utils import timezone

    from overview.readiness import report

    checks = {c.code: c for c in report(today=timezone.localdate()).checks}
    assert not checks["rituals_complete"].passed
    assert not checks["model_consistent"].passed
    assert checks["runbook_written"].fix_url == "/setup/"


def test_load_demo_prints_the_address_it_is_served_on(settings):
    from io import StringIO

    from django.core.management import call_command

    settings.REVOPS_SITE_URL = "http://127.0.0.1:8101/"
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "Sign in at http://127.0.0.1:8101 with:" in out.getvalue()


def test_an_empty_install_fails_the_friday_test(viewer, api):
    body = api.as_user(viewer).get("/api/v1/readiness/").json()
    assert body["score"] < 50
    assert all(set(c) >= {"code", "passed", "message"} for c in body["checks"])
