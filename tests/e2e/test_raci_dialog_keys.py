"""The reassign dialog by keyboard: Tab stays inside it, Escape cancels it."""

import pytest
from playwright.sync_api import expect

from tests.raci import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROW = "Lead routing rules and response SLAs"
FOCUSED = "document.activeElement.getAttribute('aria-label') || document.activeElement.value"


def test_tab_stays_in_the_dialog_and_escape_cancels_it(sign_in, lead, page):
    matrix = factories.matrix("Revenue operating model RACI")
    factories.row(matrix, ROW, {"sales": "A", "marketing": "R"}, layer="process")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(lead, "/raci/")

    page.get_by_label(f"CRO on {ROW}").select_option("A")
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    assert page.evaluate(FOCUSED) == "R"
    inside = "!!document.activeElement.closest('dialog.raci-dialog')"
    for _ in range(6):  # radios, confirm, cancel… and round again
        page.keyboard.press("Tab")
        assert page.evaluate(inside)
    for _ in range(6):
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(inside)

    page.keyboard.press("Escape")
    dialog.wait_for(state="detached")
    assert page.get_by_label(f"CRO on {ROW}").input_value() == ""
    # The row comes back by htmx and then takes the focus: wait for it, do not race it.
    expect(page.get_by_label(f"CRO on {ROW}")).to_be_focused()
    assert not errors
