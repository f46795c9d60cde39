"""Input that is not text — a lone UTF-16 surrogate, a NUL, bytes that are not UTF-8 —
is a 4xx naming the field on every door, never a 500 (found by probing)."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from cadence.models import Ritual
from raci.models import Cell, Row
from tests.api.test_cadence_api import WEEKLY
from tests.cadence.factories import ritual as make_ritual
from tests.raci import factories

pytestmark = pytest.mark.django_db

SURROGATE = '"\\ud800"'  # JSON text: the escape itself, as a client sends it
NUL = '"a\\u0000b"'


@pytest.fixture
def row():
    return factories.row(factories.matrix(), "Lead routing rules", {"sales": "A"})


@pytest.fixture
def occurrence():
    with time_machine.travel(datetime(2026, 3, 4, 15, 0, tzinfo=UTC), tick=False) as t:
        r = make_ritual()
        t.shift(timedelta(days=6))
        yield r.occurrences.first()


def post_json(api, url, text):
    return api.post(url, text, content_type="application/json")


@pytest.mark.parametrize("bad", [SURROGATE, NUL])
def test_a_raci_letter_that_is_not_text_is_a_400_naming_it(api, lead, row, bad):
    text = json.dumps({"to": "sales", "letter": "BAD"}).replace('"BAD"', bad)
    response = post_json(api.as_user(lead), f"/api/v1/raci/rows/{row.pk}/reassign/", text)
    assert response.status_code == 400
    assert "letter" in response.json()


@pytest.mark.parametrize("field", ["horizon", "layer", "name", "agenda", "timezone"])
@pytest.mark.parametrize("bad", [SURROGATE, NUL])
def test_a_ritual_field_that_is_not_text_is_a_400_naming_it(api, lead, field, bad):
    text = json.dumps({**WEEKLY, field: "BAD"}).replace('"BAD"', bad)
    response = post_json(api.as_user(lead), "/api/v1/rituals/", text)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("field", ["status", "notes"])
@pytest.mark.parametrize("bad", [SURROGATE, NUL])
def test_recording_with_a_field_that_is_not_text_is_a_400_naming_it(
        api, lead, occurrence, field, bad):
    text = json.dumps({"status": "held", "notes": "ok", field: "BAD"}).replace('"BAD"', bad)
    response = post_json(api.as_user(lead), f"/api/v1/occurrences/{occurrence.pk}/record/",
                         text)
    assert response.status_code == 400
    assert field in response.json()


def test_a_raci_cell_key_with_a_nul_is_a_400_not_a_500(api, lead, row):
    """The cells go to a JSON column: PostgreSQL refuses \\u0000 in jsonb."""
    text = json.dumps({"matrix": row.matrix_id, "layer": "process", "name": "Deal desk",
                       "cells": {"BAD": "A"}}).replace('"BAD"', NUL)
    response = post_json(api.as_user(lead), "/api/v1/raci/rows/", text)
    assert response.status_code == 400
    assert "cells" in response.json()


def test_a_json_body_that_is_not_utf8_is_a_400(api, lead, row):
    response = api.as_user(lead).post(f"/api/v1/raci/rows/{row.pk}/reassign/",
                                      b'{"to": "sales\xff", "letter": "\xed\xa0\x80"}',
                                      content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("query", ["layer=%ED%A0%80", "layer=%FF%FE", "matrix=%00",
                                   "matrix=%ED%A0%80"])
def test_query_parameters_that_are_not_utf8_are_a_400_naming_them(api, viewer, row, query):
    response = api.as_user(viewer).get(f"/api/v1/raci/rows/?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [query.split("=")[0]]


def _row_and_cells(row):
    return (Row.objects.get(pk=row.pk).accountable_id,
            sorted(Cell.objects.filter(row=row).values_list("function__slug", "letter")))


@pytest.mark.parametrize("body", [b"to=sales&letter=%ED%A0%80&previous_becomes=R",
                                  b"to=%FF&letter=A&previous_becomes=%00"])
def test_ui_reassign_posts_that_are_not_text_are_refused_with_an_error_and_change_nothing(
        client, lead, row, body):
    client.force_login(lead)
    before = _row_and_cells(row)
    response = client.post(f"/raci/rows/{row.pk}/reassign/", body,
                           content_type="application/x-www-form-urlencoded")
    # The grid answers a form it cannot read with an error flashed and a redirect.
    assert response.status_code == 302
    assert "error" in {m.level_tag for m in get_messages(response.wsgi_request)}
    assert _row_and_cells(row) == before


@pytest.mark.parametrize(("body", "field"), [(b"name=%ED%A0%80&horizon=%ED%A0%80", "horizon"),
                                             (b"name=a%00b", "name")])
def test_ui_ritual_form_with_bytes_that_are_not_text_is_a_400_naming_the_field(
        client, lead, body, field):
    client.force_login(lead)
    response = client.post("/cadence/rituals/new/", body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Ritual.objects.exists()


def test_an_error_that_echoes_a_surrogate_is_still_encodable():
    """Belt and braces for any door the parser does not see: the one exception handler
    makes every error detail encodable."""
    from rest_framework.exceptions import ValidationError
    from rest_framework.renderers import JSONRenderer

    from revops.api.exceptions import exception_handler

    response = exception_handler(ValidationError({"letter": ["\ud800 is not valid."]}), {})
    assert response.status_code == 400
    assert JSONRenderer().render(response.data) == (
        '{"letter":["\ufffd is not valid."]}'.encode())


# --- a NUL inside an imported CSV: refused naming the line on both doors --------------

NUL_CSV = "name,layer,sales\nLead routing rules,process,A\nDeal\x00desk,process,A\n"


def test_api_import_with_a_nul_is_a_400_naming_the_line(api, lead, row):
    response = api.as_user(lead).post(
        f"/api/v1/raci/matrices/{row.matrix_id}/import/",
        {"file": SimpleUploadedFile("r.csv", NUL_CSV.encode())}, format="multipart")
    assert response.status_code == 400
    assert any("line 3" in m and "NUL" in m for m in response.json()["file"])
    assert not Row.objects.filter(name__startswith="Deal").exists()


def test_ui_import_with_a_nul_is_a_400_naming_the_line(client, lead, row):
    client.force_login(lead)
    response = client.post(f"/raci/{row.matrix_id}/import/",
                           {"file": SimpleUploadedFile("r.csv", NUL_CSV.encode())})
    assert response.status_code == 400
    assert "line 3: contains a NUL character" in response.content.decode()
    assert not Row.objects.filter(name__startswith="Deal").exists()


def test_a_nul_in_the_csv_header_is_refused_on_line_1(api, lead, row):
    response = api.as_user(lead).post(
        f"/api/v1/raci/matrices/{row.matrix_id}/import/",
        {"file": SimpleUploadedFile("r.csv", b"name,layer,sa\x00les\n")}, format="multipart")
    assert response.status_code == 400
    assert response.json()["file"][0].startswith("line 1: contains a NUL")

