"""The browser UI: the grid, htmx cell changes, the reassign dialog, rows, sign-off, CSV,
the dashboard panel."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from raci.dashboard import panel as raci_panel
from raci.models import Matrix, Row, SignOff
from tests.raci import factories
from tests.raci.test_invariant import letters

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def as_lead(client, lead):
    client.force_login(lead)
    return client


def test_grid_shows_rows_by_layer_legend_lint_and_signoffs(client, viewer, matrix, routing):
    factories.row(matrix, "Annual plan", {"cro": "A", "revops": "R"}, layer="strategy")
    client.force_login(viewer)
    page = client.get("/raci/").content.decode()
    assert page.index("Strategy and planning") < page.index("Annual plan") \
        < page.index("Process and workflow") < page.index("Lead routing rules")
    assert "Accountable</strong> — owns the outcome" in page
    assert 'id="raci-lint"' in page and 'id="raci-signoffs"' in page
    assert "<select" not in page  # viewers read


def test_grid_query_count_is_the_same_with_10_and_200_rows(client, lead, matrix,
                                                           django_assert_num_queries):
    # 200 rows show an N+1 as surely as 1000 and render in a fraction of the time.
    client.force_login(lead)
    factories.bulk_rows(matrix, 10)
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"/raci/{matrix.pk}/").status_code == 200
    factories.bulk_rows(matrix, 190, start=10)
    with django_assert_num_queries(len(small)):
        response = client.get(f"/raci/{matrix.pk}/?page=3")
    assert response.content.decode().count('class="raci-row"') == 50  # a page of rows


def test_cell_change_by_htmx_returns_the_row_and_panels(as_lead, routing):
    response = as_lead.post(f"/raci/rows/{routing.pk}/cells/cs/", {"letter": "I"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<template><tr id="row-{routing.pk}" class="raci-row" hx-swap-oob="true">' in html
    assert 'id="raci-lint" class="card raci-lint" aria-labelledby="lint-title" hx-swap-oob' in html
    assert "Customer Success is now I on Lead routing rules." in html
    assert letters(routing)["cs"] == "I"


def test_second_a_opens_the_reassign_dialog_and_changes_nothing(as_lead, routing, matrix):
    v = Matrix.objects.get(pk=matrix.pk).version
    html = as_lead.post(f"/raci/rows/{routing.pk}/cells/marketing/", {"letter": "A"},
                        **HTMX).content.decode()
    assert "<dialog open" in html
    assert "<strong>Sales</strong> is accountable now" in html
    assert "Make Marketing accountable and turn Sales into" in html
    assert Matrix.objects.get(pk=matrix.pk).version == v


def test_reassign_via_dialog(as_lead, routing):
    html = as_lead.post(f"/raci/rows/{routing.pk}/reassign/",
                        {"to": "marketing", "letter": "A", "previous_becomes": "C"},
                        **HTMX).content.decode()
    assert "Marketing is now accountable for Lead routing rules; Sales is C." in html
    assert '<div id="raci-dialog" hx-swap-oob="true"></div>' in html
    assert letters(routing) == {"marketing": "A", "sales": "C", "revops": "C"}


def test_clearing_the_a_reports_the_rule(as_lead, routing):
    html = as_lead.post(f"/raci/rows/{routing.pk}/cells/sales/", {"letter": ""},
                        **HTMX).content.decode()
    assert "Lead routing rules must have exactly one Accountable" in html
    assert letters(routing)["sales"] == "A"


def test_cells_and_rows_are_for_leads(client, viewer, sales_head, routing):
    for user in (viewer, sales_head):
        client.force_login(user)
        assert client.post(f"/raci/rows/{routing.pk}/cells/cs/", {"letter": "I"}).status_code \
            == 403
        assert client.post(f"/raci/rows/{routing.pk}/delete/").status_code == 403
        assert client.get(f"/raci/{routing.matrix_id}/rows/new/").status_code == 403


def test_add_edit_move_delete_rows(as_lead, matrix, routing):
    bad = as_lead.post(f"/raci/{matrix.pk}/rows/new/", {
        "name": "Deal desk", "layer": "process", "letter_sales": "A", "letter_finance": "A"})
    assert bad.status_code == 400
    assert "Deal desk must have exactly one Accountable; Finance and Sales are both marked A." \
        in bad.content.decode()
    ok = as_lead.post(f"/raci/{matrix.pk}/rows/new/", {
        "name": "Deal desk", "layer": "process", "letter_sales": "A/R", "letter_finance": "C"})
    assert ok.status_code == 302
    desk = Row.objects.get(name="Deal desk")
    as_lead.post(f"/raci/rows/{desk.pk}/move/", {"direction": "up"})
    assert list(Row.objects.in_grid_order().values_list("name", flat=True)) == [
        "Deal desk", "Lead routing rules"]
    edit = as_lead.post(f"/raci/rows/{desk.pk}/edit/", {
        "name": "Deal desk charter", "layer": "process", "letter_sales": "A", "letter_cs": "R"})
    assert edit.status_code == 302
    assert letters(desk) == {"sales": "A", "cs": "R"}
    as_lead.post(f"/raci/rows/{desk.pk}/delete/")
    assert not Row.objects.filter(pk=desk.pk).exists()


def test_head_signs_off_from_the_strip(client, sales_head, matrix, routing):
    client.force_login(sales_head)
    page = client.get("/raci/").content.decode()
    assert "Sign off v2 for Sales" in page and "Sign off v2 for Marketing" not in page
    client.post(f"/raci/{matrix.pk}/signoff/", {"function": "sales", "version": 2})
    assert SignOff.objects.get().version == 2
    refused = client.post(f"/raci/{matrix.pk}/signoff/", {"function": "cs", "version": 2})
    assert refused.status_code == 403  # the refused page, as for every other write
    assert "Only the head of Customer Success signs off" in refused.content.decode()


def test_changed_since_signoff_and_what_changed(client, sales_head, lead, matrix, routing):
    client.force_login(sales_head)
    client.post(f"/raci/{matrix.pk}/signoff/", {"function": "sales", "version": 2})
    client.force_login(lead)
    client.post(f"/raci/rows/{routing.pk}/cells/finance/", {"letter": "I"})
    page = client.get("/raci/").content.decode()
    assert "Changed since sign-off" in page
    changes = client.get(f"/raci/{matrix.pk}/changes/sales/").content.decode()
    assert "Lead routing rules: Finance — → I" in changes


def test_import_preview_then_confirm(as_lead, matrix, routing):
    text = "name,layer,sales,marketing\nLead routing rules,process,A,R\nDeal desk,process,A,\n"
    preview = as_lead.post(f"/raci/{matrix.pk}/import/",
                           {"file": SimpleUploadedFile("r.csv", text.encode())})
    html = preview.content.decode()
    assert "+ Add Deal desk (line 3)" in html
    assert "Revenue RACI" in html and not Row.objects.filter(name="Deal desk").exists()
    version = Matrix.objects.get(pk=matrix.pk).version
    done = as_lead.post(f"/raci/{matrix.pk}/import/",
                        {"confirm": "1", "text": text, "version": version})
    assert done.status_code == 302
    assert Row.objects.filter(name="Deal desk").exists()


def test_import_preview_lists_bad_lines_and_writes_nothing(as_lead, matrix, routing):
    text = "name,layer,sales,marketing\nDeal desk,process,A,A\n"
    preview = as_lead.post(f"/raci/{matrix.pk}/import/",
                           {"file": SimpleUploadedFile("r.csv", text.encode())})
    assert preview.status_code == 400
    assert "line 2 (Deal desk): Deal desk must have exactly one Accountable; " \
           "Marketing and Sales are both marked A." in preview.content.decode()
    assert not Row.objects.filter(name="Deal desk").exists()


def test_print_view_and_csv_export(client, viewer, matrix, routing):
    client.force_login(viewer)
    page = client.get(f"/raci/{matrix.pk}/print/").content.decode()
    assert "Lead routing rules" in page and "<select" not in page
    csv = client.get(f"/raci/{matrix.pk}/export.csv").content.decode()
    assert csv.splitlines()[1] == "process,Lead routing rules,,C,,R,A,,"


def test_empty_state_offers_leads_a_matrix(client, lead, db):
    client.force_login(lead)
    assert "Start a matrix" in client.get("/raci/").content.decode()
    response = client.post("/raci/new/", {"title": "Sales-led RACI"})
    assert response.status_code == 302 and Matrix.objects.get().is_current


def test_dashboard_panel_lists_lint_and_missing_signoffs(client, lead, matrix, routing,
                                                        sales_head,
                                                        django_assert_max_num_queries):
    client.force_login(lead)
    page = client.get("/").content.decode()
    assert "RACI: lint and sign-off" in page
    assert f"/raci/{matrix.pk}/#signoff-sales" in page
    factories.bulk_rows(matrix, 200)
    with django_assert_max_num_queries(6):
        assert raci_panel(user=lead, today=None)["finding_count"] >= 1
