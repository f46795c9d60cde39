"""The reassign dialog by keyboard: Tab stays inside it, Escape cancels it."""

import pytest
from playwright.sync_api import expect

from tests.raci import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROW = "Lead routing rules and response SLAs"


def test_tab_stays_in_the_dialog_and_escape_cancels_it(sign_in, lead, page):
    matrix = factories.matrix("Revenue operating model RACI")
    factories.row(matrix, ROW, {"sales": "A", "marketing": "R"}, layer="process")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("requestfailed", lambda r: errors.append(f"{r.method} {r.url}: {r.failure}"))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    sign_in(lead, "/raci/")

    page.get_by_label(f"CRO on {ROW}").select_option("A")
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    expect(dialog.get_by_label("R — responsible")).to_be_focused()
    inside = "!!document.activeElement.closest('dialog.raci-dialog')"
    for _ in range(6):  # radios, confirm, cancel… and round again
        page.keyboard.press("Tab")
        assert page.evaluate(inside)
    for _ in range(6):
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(inside)

    page.keyboard.press("Escape")
    expect(dialog, "Escape closes the dialog at once").to_be_hidden()
    try:  # …and the Cancel request brings the row back and empties the dialog's container
        expect(page.locator("#raci-dialog dialog")).to_have_count(0)
    except AssertionError as exc:
        raise AssertionError(f"the row did not come back; the browser saw: {errors}") from exc
    assert page.get_by_label(f"CRO on {ROW}").input_value() == ""
    # The row comes back by htmx and then takes the focus: wait for it, do not race it.
    expect(page.get_by_label(f"CRO on {ROW}")).to_be_focused()
    assert not errors
