"""The departure drill and the hand-over in Chromium, and the hand-over pack printed to
PDF. The screenshots and the PDF (test-artifacts/) are for checking by eye."""

import os
import re
import zlib

import pytest
from django.contrib.auth import get_user_model

from raci.models import Cell, Row
from revops.models import Function
from tests.demo import load as load_demo
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SECTION_TITLES = ["Strategy and planning", "Process and workflow", "Systems and data",
                  "Insights and analytics", "Cadence", "Incident playbooks"]
# The run books' six parts, the RACI, the cadence with its open action items and recent
# decisions, the definitions, people and seats, and the scorecard: about 19 A4 pages for
# the demo; a pack that grows past this has started listing what it should summarise.
MAX_PAGES = 22


@pytest.fixture
def demo(transactional_db):
    load_demo()
    User = get_user_model()
    for user in User.objects.all():
        user.set_password(PASSWORD)  # the sign_in fixture's password
        user.save()
    return {u.username: u for u in User.objects.all()}


def test_the_departure_drill_and_the_hand_over(demo, sign_in, page, screenshot):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(demo["lead"], "/people/cs/")
    page.get_by_role("heading", name="If they left").wait_for()
    assert page.get_by_text("Customer Success would have no head").is_visible()
    screenshot("handover-person-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("handover-person-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Hand over to", exact=True).select_option("jamie")
    page.get_by_role("button", name="Preview the hand-over").click()
    page.get_by_role("heading", name="What moves to Jamie Osei").wait_for()
    assert page.get_by_text("Leakage review").is_visible()
    assert Function.objects.get(slug="cs").head_id == demo["cs"].pk, "a preview changes nothing"
    screenshot("handover-preview-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("handover-preview-390")

    page.get_by_role("button", name="Hand over to Jamie Osei").click()
    page.wait_for_url("**/people/jamie/")
    page.get_by_text("Handed over to Jamie Osei").wait_for()
    assert Function.objects.get(slug="cs").head_id == demo["jamie"].pk
    screenshot("handover-done-390")
    assert not errors, errors


def test_start_page_and_dashboard(demo, sign_in, page, screenshot):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(demo["cs"], "/start/")
    page.get_by_role("heading", name="Start here: your first week").wait_for()
    screenshot("start-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("start-390")
    page.goto(page.url.replace("/start/", "/"))
    page.get_by_role("link", name="Start here: what to do this week").wait_for()
    screenshot("dashboard-390")


def _pdf_pages(data):
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


def _pdf_text(data):
    """The text strings of every content stream, decompressed (enough to find headings:
    Chromium writes them as runs of glyphs, so spaces are dropped and we compare
    without them)."""
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(chunks)


def test_the_pack_prints_to_a_short_pdf_with_every_part(demo, sign_in, page, screenshot):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(demo["viewer"], "/handover/")
    page.get_by_role("heading", name="4. Cadence").wait_for()
    screenshot("handover-pack-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot("handover-pack-390")
    os.makedirs("test-artifacts", exist_ok=True)
    data = page.pdf(path="test-artifacts/handover-pack.pdf", format="A4",
                    print_background=True, outline=True, tagged=True)
    pages = _pdf_pages(data)
    assert 4 <= pages <= MAX_PAGES, pages
    # The outline (bookmarks) Chromium makes from the headings names every part.
    outline = _outline_titles(data)
    for title in ["1. People and functions", "2. Run book", "3. RACI", "4. Cadence",
                  *[f"2.{n} {t}" for n, t in enumerate(SECTION_TITLES, 1)]]:
        assert title in outline, (title, outline)


def _outline_titles(data):
    """The /Title strings of the PDF's outline entries, decoded (UTF-16 or literal)."""
    titles = []
    for raw in re.findall(rb"/Title\s*(<[0-9A-Fa-f\s]+>|\((?:\\.|[^\\)])*\))", data):
        if raw.startswith(b"<"):
            hexed = re.sub(rb"\s", b"", raw[1:-1])
            value = bytes.fromhex(hexed.decode())
            titles.append(value.decode("utf-16") if value[:2] == b"\xfe\xff" else
                          value.decode("latin-1"))
        else:
            titles.append(re.sub(rb"\\(.)", rb"\1", raw[1:-1]).decode("latin-1"))
    return titles


def test_the_lead_hands_over_and_the_successor_runs_the_install(demo, sign_in, page,
                                                                 screenshot, live_server):
    """The walk that found the gap: the lead hands everything (the RevOps seat with it)
    to Jamie and deactivates their own account; Jamie then does each lead-only thing the
    walk saw refused: setup, people, channels, a RACI edit, the console."""
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(demo["lead"], "/people/lead/")
    page.get_by_label("Hand over to", exact=True).select_option("jamie")
    page.get_by_label("Also deactivate their account").check()
    page.get_by_role("button", name="Preview the hand-over").click()
    page.get_by_role("heading", name="What moves to Jamie Osei").wait_for()
    assert page.get_by_text("Jamie Osei becomes RevOps lead: may edit every section").is_visible()
    screenshot("lead-handover-preview")
    page.get_by_role("button", name="Hand over to Jamie Osei").click()
    page.wait_for_url("**/people/jamie/")
    assert not get_user_model().objects.get(username="lead").is_active

    page.context.clear_cookies()
    for path in ("/setup/", "/people/sales/", "/channels/", "/seats/", "/admin/auth/user/",
                 "/admin/revops/function/"):
        response = sign_in(demo["jamie"], path).goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "Only RevOps leads" not in page.content(), path

    row = Row.objects.filter(matrix__is_current=True).exclude(accountable__slug="finance").first()
    current = Cell.objects.filter(row=row, function__slug="finance").values_list(
        "letter", flat=True).first()
    letter = "I" if current == "C" else "C"
    page.goto(f"{live_server.url}/raci/")
    page.get_by_label(f"Finance on {row.name}").select_option(letter)
    page.get_by_text(f"Finance is now {letter} on {row.name}.").wait_for()
    assert Cell.objects.get(row=row, function__slug="finance").letter == letter

    page.goto(f"{live_server.url}/seats/")
    page.get_by_label("Deputy").nth(0).select_option("sales")
    page.get_by_role("button", name="Save the RevOps seat").click()
    page.get_by_text("RevOps's seat saved.").wait_for()
    assert Function.objects.get(slug="revops").deputy == demo["sales"]
    screenshot("successor-seats")
    page.goto(f"{live_server.url}/readiness/")
    assert page.get_by_text("Diego Alvarez deputises for the RevOps seat").is_visible()
    assert not errors, errors
