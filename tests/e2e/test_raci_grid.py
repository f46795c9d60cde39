"""Click through the RACI grid in Chromium: set cells, try a second A, reassign it in
the dialog, sign off as a head. The screenshots are for checking by eye."""

import pytest
from playwright.sync_api import expect

from raci.models import Row
from tests.factories import make_head
from tests.raci import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SLUGS = ["revops", "cro", "marketing", "sales", "cs", "finance"]
LAYERS = ["strategy", "process", "systems", "insights"]


def forty_rows():
    matrix = factories.matrix("Revenue operating model RACI")
    factories.row(matrix, "Lead routing rules and response SLAs",
                  {"sales": "A", "marketing": "R", "revops": "C"}, layer="process",
                  description="Who gets which inbound lead, how fast they answer.")
    for i in range(39):
        a, r, c = SLUGS[i % 6], SLUGS[(i + 1) % 6], SLUGS[(i + 3) % 6]
        factories.row(matrix, f"Operating activity number {i + 1} with a realistic name",
                      {a: "A", r: "R", c: "C", SLUGS[(i + 4) % 6]: "I"},
                      layer=LAYERS[i % 4], description="A short line that says what it is.")
    return matrix


def letters(name):
    row = Row.objects.select_related("accountable").get(name=name)
    result = {c.function.slug: c.letter for c in row.cells.select_related("function")}
    result[row.accountable.slug] = row.accountable_letter
    return result


def test_set_cells_reassign_and_sign_off(sign_in, lead, page, screenshot):
    matrix = forty_rows()
    sales_head = make_head("sales", "diego")
    page.set_viewport_size({"width": 1280, "height": 900})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(lead, "/raci/")
    row_name = "Lead routing rules and response SLAs"

    # Set a cell by choosing a letter: no page reload, the status line confirms it.
    page.evaluate("window.__same_page = true")
    page.get_by_label(f"Customer Success on {row_name}").select_option("I")
    page.get_by_text(f"Customer Success is now I on {row_name}.").wait_for()
    assert page.evaluate("window.__same_page") is True
    assert letters(row_name)["cs"] == "I"

    # By keyboard: focus the Finance cell and type the letter; focus stays on the cell.
    finance = page.get_by_label(f"Finance on {row_name}")
    finance.focus()
    page.keyboard.press("c")
    page.get_by_text(f"Finance is now C on {row_name}.").wait_for()
    expect(finance).to_be_focused()

    # A second A opens the reassign dialog; Cancel puts the cell back.
    page.get_by_label(f"CRO on {row_name}").select_option("A")
    page.get_by_role("dialog").wait_for()
    expect(page.get_by_role("dialog").get_by_label("R — responsible")).to_be_focused()
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    page.get_by_role("dialog").wait_for(state="detached")
    assert page.get_by_label(f"CRO on {row_name}").input_value() == ""
    expect(page.get_by_label(f"CRO on {row_name}")).to_be_focused()  # back to the cell

    # Again with Marketing; nothing changes until the dialog is confirmed.
    page.get_by_label(f"Marketing on {row_name}").select_option("A")
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    assert "Sales is accountable now" in dialog.inner_text()
    assert letters(row_name)["sales"] == "A"
    screenshot("raci-reassign-dialog")

    dialog.get_by_label("C — consulted").check()
    dialog.get_by_role("button", name="Make Marketing accountable").click()
    page.get_by_text(f"Marketing is now accountable for {row_name}; Sales is C.").wait_for()
    assert letters(row_name) == {"marketing": "A", "sales": "C", "revops": "C", "cs": "I",
                                 "finance": "C"}
    assert page.get_by_role("dialog").count() == 0
    expect(page.get_by_label(f"Marketing on {row_name}")).to_be_focused()
    assert page.get_by_label(f"Marketing on {row_name}").input_value() == "A"

    # The grid fits 1,280 px: six functions, forty rows, no sideways scrolling.
    table = page.locator("table.raci-grid")
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
    assert page.locator("tr.raci-row").count() == 40
    screenshot("raci-grid-1280")
    page.screenshot(path="test-artifacts/raci-grid-1280-viewport.png")
    assert errors == [], errors

    # The head of Sales signs off from the strip.
    page.get_by_role("button", name="Sign out").click()
    sign_in(sales_head, "/raci/")
    version = matrix.__class__.objects.get(pk=matrix.pk).version
    page.get_by_role("button", name=f"Sign off v{version} for Sales").click()
    page.get_by_text(f"Signed off version {version} for Sales.").wait_for()
    strip = page.locator("#signoff-sales")
    assert f"Signed v{version}" in strip.inner_text()
    assert page.locator("main").get_by_role("combobox").count() == 0  # heads read the grid
    screenshot("raci-signed-off")


def test_on_a_phone_the_grid_scrolls_sideways_with_row_names_pinned(sign_in, lead, page,
                                                                     screenshot):
    """At 390 px the cells stay 44 px touch targets and the grid scrolls inside its box,
    the row names pinned on the left, instead of squeezing six selects into slivers."""
    forty_rows()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(lead, "/raci/")
    row_name = "Lead routing rules and response SLAs"

    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
    widths = page.locator("td.cell select").evaluate_all(
        "cells => cells.map(c => c.getBoundingClientRect().width)")
    heights = page.locator("td.cell select").evaluate_all(
        "cells => cells.map(c => c.getBoundingClientRect().height)")
    assert len(widths) == 40 * 6 and min(widths) >= 44 and min(heights) >= 44, (
        min(widths), min(heights))

    # Scrolled to the far right, the row's name is still on screen, on top.
    wrap = page.locator(".table-wrap")
    wrap.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
    finance = page.get_by_label(f"Finance on {row_name}")
    finance.scroll_into_view_if_needed()
    name = page.locator("tr.raci-row", has_text=row_name).locator("th.activity")
    box = name.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert name.evaluate("""th => { const r = th.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + 10, r.top + r.height / 2);
        return th.contains(hit); }""")
    assert wrap.evaluate("w => w.scrollLeft") > 0

    # Still editable by touch and by keyboard at this width.
    finance.select_option("I")
    page.get_by_text(f"Finance is now I on {row_name}.").wait_for()
    assert letters(row_name)["finance"] == "I"
    page.screenshot(path="test-artifacts/raci-grid-390-scrolled.png")
    wrap.evaluate("w => { w.scrollLeft = 0; }")
    screenshot("raci-grid-390")
