"""The RACI's REST contract (docs/api.md)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from raci.models import DESCRIPTION_MAX_LENGTH, Matrix, Row, SignOff
from tests.raci import factories

PYTHON_CSV_FIELD_LIMIT = 131_072  # csv.field_size_limit() unless a program changes it

pytestmark = pytest.mark.django_db


@pytest.fixture
def matrix():
    return factories.matrix()


@pytest.fixture
def routing(matrix):
    return factories.row(matrix, "Lead routing rules",
                         {"sales": "A", "marketing": "R", "revops": "C"})


def version(m):
    return Matrix.objects.get(pk=m.pk).version


def test_anonymous_gets_401(api, matrix):
    assert api.get("/api/v1/raci/matrices/").status_code in (401, 403)
    assert api.get("/api/v1/raci/rows/").status_code in (401, 403)


def test_matrix_detail_has_functions_rows_and_signoff_status(api, viewer, matrix, routing):
    body = api.as_user(viewer).get(f"/api/v1/raci/matrices/{matrix.pk}/").json()
    assert body["title"] == "Revenue RACI" and body["version"] == 2
    assert [f["slug"] for f in body["functions"]] == [
        "revops", "cro", "marketing", "sales", "cs", "finance"]
    assert body["rows"][0]["cells"] == {"sales": "A", "marketing": "R", "revops": "C"}
    assert {s["function"] for s in body["signoffs"]} >= {"sales"}
    assert body["signoffs"][0]["signed_current"] is False


def test_matrix_create_is_for_leads(api, lead, viewer, sales_head):
    assert api.as_user(viewer).post("/api/v1/raci/matrices/", {"title": "X"}).status_code == 403
    assert api.as_user(sales_head).post("/api/v1/raci/matrices/", {"title": "X"}).status_code \
        == 403
    res = api.as_user(lead).post("/api/v1/raci/matrices/", {"title": "PLG motion"}, format="json")
    assert res.status_code == 201 and res.json()["is_current"] is True


def test_row_create_and_its_errors(api, lead, matrix):
    api.as_user(lead)
    ok = api.post("/api/v1/raci/rows/", {
        "matrix": matrix.pk, "layer": "process", "name": "Deal desk",
        "cells": {"sales": "A/R", "finance": "c"}}, format="json")
    assert ok.status_code == 201, ok.json()
    assert ok.json()["cells"] == {"sales": "A/R", "finance": "C"}
    two = api.post("/api/v1/raci/rows/", {
        "matrix": matrix.pk, "name": "Lead routing rules",
        "cells": {"marketing": "A", "sales": "A"}}, format="json")
    assert two.status_code == 400
    assert two.json() == {"cells": [
        "Lead routing rules must have exactly one Accountable; "
        "Marketing and Sales are both marked A."]}
    none = api.post("/api/v1/raci/rows/", {"matrix": matrix.pk, "name": "Orphan",
                                           "cells": {"sales": "R"}}, format="json")
    assert none.status_code == 400 and "Orphan must have exactly one" in none.json()["cells"][0]
    bad = api.post("/api/v1/raci/rows/", {"matrix": matrix.pk, "name": "Bad",
                                          "cells": {"sales": "A", "legal": "R"}}, format="json")
    assert bad.status_code == 400 and "'legal'" in bad.json()["cells"][0]
    letter = api.post("/api/v1/raci/rows/", {"matrix": matrix.pk, "name": "Bad",
                                             "cells": {"sales": "A", "cs": "Q"}}, format="json")
    assert letter.status_code == 400 and "'Q'" in letter.json()["cells"][0]
    assert Row.objects.filter(matrix=matrix).count() == 1


def test_row_patch_two_a_is_400_and_nothing_changes(api, lead, routing, matrix):
    v = version(matrix)
    res = api.as_user(lead).patch(f"/api/v1/raci/rows/{routing.pk}/", {
        "name": "Routing", "cells": {"marketing": "A", "sales": "A"}}, format="json")
    assert res.status_code == 400
    assert "Marketing and Sales are both marked A" in res.json()["cells"][0]
    assert version(matrix) == v and Row.objects.get(pk=routing.pk).name == "Lead routing rules"
    res = api.patch(f"/api/v1/raci/rows/{routing.pk}/", {"cells": {"marketing": "A"}},
                    format="json")
    assert res.status_code == 200 and res.json()["cells"] == {"marketing": "A"}


def test_reassign_endpoint(api, lead, routing):
    res = api.as_user(lead).post(f"/api/v1/raci/rows/{routing.pk}/reassign/",
                                 {"to": "marketing", "previous_becomes": "C"}, format="json")
    assert res.status_code == 200
    assert res.json()["cells"] == {"marketing": "A", "sales": "C", "revops": "C"}
    bad = api.post(f"/api/v1/raci/rows/{routing.pk}/reassign/",
                   {"to": "nobody", "previous_becomes": "Z"}, format="json")
    assert bad.status_code == 400 and set(bad.json()) == {"to"}
    bad = api.post(f"/api/v1/raci/rows/{routing.pk}/reassign/",
                   {"to": "cs", "previous_becomes": "Z"}, format="json")
    assert bad.status_code == 400 and "R, C, I or none" in bad.json()["previous_becomes"][0]


def test_row_delete(api, lead, routing, matrix):
    assert api.as_user(lead).delete(f"/api/v1/raci/rows/{routing.pk}/").status_code == 204
    assert not Row.objects.exists() and version(matrix) == 3


def test_lint_endpoint(api, viewer, matrix):
    row = factories.row(matrix, "Everyone consulted", {"revops": "A", "cro": "C",
                                                       "marketing": "C", "sales": "C",
                                                       "cs": "C", "finance": "C"})
    body = api.as_user(viewer).get(f"/api/v1/raci/matrices/{matrix.pk}/lint/").json()
    assert {"row": row.pk, "function": None, "code": "no_responsible", "severity": "warning",
            "message": "Everyone consulted has no R: nobody is named to do the work."} in body


def test_signoff_by_head_viewer_refused_stale_version_409(api, matrix, routing, sales_head,
                                                          viewer, lead):
    res = api.as_user(sales_head).post(f"/api/v1/raci/matrices/{matrix.pk}/signoffs/", {},
                                       format="json")
    assert res.status_code == 201
    assert res.json()["function"] == "sales" and res.json()["version"] == version(matrix)
    assert api.as_user(viewer).post(
        f"/api/v1/raci/matrices/{matrix.pk}/signoffs/").status_code == 403
    assert api.as_user(lead).post(
        f"/api/v1/raci/matrices/{matrix.pk}/signoffs/").status_code == 403
    res = api.as_user(sales_head).post(f"/api/v1/raci/matrices/{matrix.pk}/signoffs/",
                                       {"version": 1}, format="json")
    assert res.status_code == 409
    assert SignOff.objects.count() == 1
    detail = api.get(f"/api/v1/raci/matrices/{matrix.pk}/").json()
    sales = next(s for s in detail["signoffs"] if s["function"] == "sales")
    assert sales["signed_current"] and sales["signed_by"] == "sales-head"


def _upload(text, name="raci.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_csv_export_then_import_is_a_noop(api, lead, matrix, routing):
    factories.row(matrix, "Annual plan", {"cro": "A", "revops": "R", "finance": "C"},
                  layer="strategy", description='Targets, "coverage", capacity')
    factories.row(matrix, "Unlayered thing", {"cs": "A/R"}, layer="")
    api.as_user(lead)
    exported = api.get(f"/api/v1/raci/matrices/{matrix.pk}/export.csv")
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    text = exported.content.decode()
    assert text.splitlines()[0] == "layer,name,description,revops,cro,marketing,sales,cs,finance"
    assert text.splitlines()[1].startswith("strategy,Annual plan,")
    v = version(matrix)
    res = api.post(f"/api/v1/raci/matrices/{matrix.pk}/import/", {"file": _upload(text)},
                   format="multipart")
    assert res.status_code == 200, res.json()
    assert res.json() == {"created": 0, "updated": 0, "deleted": 0, "unchanged": 3,
                          "reordered": False, "version": v}
    again = api.get(f"/api/v1/raci/matrices/{matrix.pk}/export.csv", HTTP_ACCEPT="text/csv")
    assert again.status_code == 200 and again.content.decode() == text


def test_the_longest_description_goes_out_and_comes_back_in(api, lead, matrix, routing):
    # Longer than Python's csv field limit once guarded: "=" gets an apostrophe in front.
    longest = "=" + "x" * (DESCRIPTION_MAX_LENGTH - 1)
    factories.row(matrix, "Annual plan", {"cro": "A"}, description=longest)
    factories.row(matrix, "Deal desk", {"sales": "A"}, description="y" * DESCRIPTION_MAX_LENGTH)
    api.as_user(lead)
    text = api.get(f"/api/v1/raci/matrices/{matrix.pk}/export.csv").content.decode()
    res = api.post(f"/api/v1/raci/matrices/{matrix.pk}/import/", {"file": _upload(text)},
                   format="multipart")
    assert res.status_code == 200, res.json()
    assert res.json()["unchanged"] == 3
    assert Row.objects.get(name="Annual plan").description == longest


def test_a_description_the_app_cannot_store_is_refused_at_every_door(api, lead, matrix, routing):
    over_csv_limit = "x" * (PYTHON_CSV_FIELD_LIMIT + 1)
    res = api.as_user(lead).patch(f"/api/v1/raci/rows/{routing.pk}/",
                                  {"description": over_csv_limit}, format="json")
    assert res.status_code == 400 and "description" in res.json()
    text = f"name,layer,description,sales\nX,,,A\nLong,,{over_csv_limit},A\n"
    res = api.post(f"/api/v1/raci/matrices/{matrix.pk}/import/", {"file": _upload(text)},
                   format="multipart")
    assert res.status_code == 400
    assert res.json() == {"file": [
        f"line 3: the description value is {len(over_csv_limit):,} characters long; "
        f"a cell holds at most {DESCRIPTION_MAX_LENGTH + 1:,}."]}
    just_over = "x" * (DESCRIPTION_MAX_LENGTH + 1)
    res = api.post(f"/api/v1/raci/matrices/{matrix.pk}/import/",
                   {"file": _upload(f"name,layer,description,sales\nLong,,{just_over},A\n")},
                   format="multipart")
    assert res.status_code == 400
    assert res.json() == {"file": [
        f"line 2 (Long): the description is {DESCRIPTION_MAX_LENGTH + 1:,} characters long; "
        f"a description holds at most {DESCRIPTION_MAX_LENGTH:,}."]}
    assert list(Row.objects.values_list("name", flat=True)) == ["Lead routing rules"]


def test_csv_import_with_a_two_a_line_changes_nothing(api, lead, matrix, routing):
    text = (
        "layer,name,description,revops,cro,marketing,sales,cs,finance\r\n"
        "process,Lead routing rules,,C,,R,A,,\r\n"
        "process,Deal desk,,,,A,A,,\r\n"
        "systems,CRM governance,,A,,,,,\r\n"
    )
    v = version(matrix)
    res = api.as_user(lead).post(f"/api/v1/raci/matrices/{matrix.pk}/import/",
                                 {"file": _upload(text)}, format="multipart")
    assert res.status_code == 400
    assert res.json() == {"file": [
        "line 3 (Deal desk): Deal desk must have exactly one Accountable; "
        "Marketing and Sales are both marked A."]}
    assert version(matrix) == v and list(Row.objects.values_list("name", flat=True)) == [
        "Lead routing rules"]


def test_csv_import_reports_every_bad_line(api, lead, matrix):
    text = (
        "name,layer,sales,cs\n"
        "Good,process,A,R\n"
        ",process,A,\n"
        "No A,strategy,R,C\n"
        "Bad letter,process,A,X\n"
        "Bad layer,nowhere,A,\n"
        "good,process,A,\n"
    )
    res = api.as_user(lead).post(f"/api/v1/raci/matrices/{matrix.pk}/import/",
                                 {"file": _upload(text)}, format="multipart")
    errors = res.json()["file"]
    assert [e.split(" ")[1] for e in errors] == ["3", "4", "5", "6", "7"]
    assert "no function is marked A" in errors[1]
    assert "'X' under cs is not a RACI letter" in errors[2]
    assert "layer 'nowhere'" in errors[3]
    assert "already used on line 2" in errors[4]
    assert not Row.objects.exists()


def test_csv_import_unknown_function_column_named(api, lead, matrix):
    res = api.as_user(lead).post(f"/api/v1/raci/matrices/{matrix.pk}/import/",
                                 {"file": _upload("name,layer,legal\nX,process,A\n")},
                                 format="multipart")
    assert res.status_code == 400 and "line 1: unknown function 'legal'" in res.json()["file"][0]


def test_csv_import_creates_updates_deletes(api, lead, matrix, routing):
    factories.row(matrix, "Old row", {"cs": "A"})
    text = ("name,layer,sales,marketing,cs\n"
            "Deal desk,process,A/R,,C\n"
            "lead routing rules,process,R,A,\n")
    res = api.as_user(lead).post(f"/api/v1/raci/matrices/{matrix.pk}/import/",
                                 {"file": _upload(text)}, format="multipart")
    assert res.status_code == 200, res.json()
    assert res.json()["created"] == 1 and res.json()["updated"] == 1
    assert res.json()["deleted"] == 1
    rows = api.get(f"/api/v1/raci/rows/?matrix={matrix.pk}").json()["results"]
    assert [(r["name"], r["cells"]) for r in rows] == [
        ("Deal desk", {"sales": "A/R", "cs": "C"}),
        ("lead routing rules", {"marketing": "A", "sales": "R"}),
    ]


def test_csv_import_rejects_non_utf8(api, lead, matrix):
    upload = SimpleUploadedFile("x.csv", "name,layer\nCafé,\n".encode("latin-1"))
    res = api.as_user(lead).post(f"/api/v1/raci/matrices/{matrix.pk}/import/",
                                 {"file": upload}, format="multipart")
    assert res.status_code == 400 and "UTF-8" in res.json()["file"][0]


def test_rows_filter_by_layer(api, viewer, matrix, routing):
    factories.row(matrix, "Annual plan", {"cro": "A"}, layer="strategy")
    res = api.as_user(viewer).get(f"/api/v1/raci/rows/?matrix={matrix.pk}&layer=strategy")
    assert [r["name"] for r in res.json()["results"]] == ["Annual plan"]


@pytest.mark.parametrize("path", ["/api/v1/raci/rows/?matrix={pk}&page_size=500",
                                  "/api/v1/raci/matrices/{pk}/",
                                  "/api/v1/raci/matrices/",
                                  "/api/v1/raci/matrices/{pk}/lint/"])
def test_list_endpoints_run_the_same_queries_with_10_and_1000_rows(
    api, viewer, matrix, path, django_assert_num_queries, sales_head
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api.as_user(viewer)
    factories.bulk_rows(matrix, 10)
    SignOff.objects.create(matrix=matrix, function=sales_head.headed_functions.get(),
                           version=1, signed_by_name="x")
    with CaptureQueriesContext(connection) as small:
        assert api.get(path.format(pk=matrix.pk)).status_code == 200
    factories.bulk_rows(matrix, 990, start=10)
    with django_assert_num_queries(len(small)):
        assert api.get(path.format(pk=matrix.pk)).status_code == 200
