"""Input that is well-formed but beyond what anything here can hold — nesting that
exhausts the stack, numbers no column can store — is a 400 naming where it is, on every
door, never a 500 (issue 29)."""

import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from overview.model_file import json_path
from revops.api.parsers import MAX_DEPTH
from tests.api.test_cadence_api import WEEKLY
from tests.raci import factories

pytestmark = pytest.mark.django_db

# Deep enough that json (and any walk over its result) would hit the recursion limit.
ABYSS = 100_000


def nested(depth):
    return "[" * depth + "]" * depth


@pytest.fixture
def row():
    return factories.row(factories.matrix(), "Lead routing rules", {"sales": "A"})


def post_json(client, url, text):
    return client.post(url, text, content_type="application/json")


@pytest.mark.parametrize("url", ["/api/v1/rituals/", "/api/v1/raci/rows/",
                                 "/api/v1/bootstrap/", "/api/v1/webhooks/"])
def test_a_deeply_nested_body_is_a_400_on_every_json_endpoint(api, lead, url):
    response = post_json(api.as_user(lead), url, nested(ABYSS))
    assert response.status_code == 400
    assert "nested deeper" in json.dumps(response.json())


def test_a_deeply_nested_value_in_one_field_is_a_400(api, lead, row):
    text = json.dumps({**WEEKLY, "name": "DEEP"}).replace('"DEEP"', nested(ABYSS))
    response = post_json(api.as_user(lead), "/api/v1/rituals/", text)
    assert response.status_code == 400
    assert "nested deeper" in json.dumps(response.json())


def test_nesting_at_the_limit_reaches_the_serializer_which_names_the_field(api, lead):
    text = json.dumps({**WEEKLY, "name": "DEEP"}).replace('"DEEP"', nested(MAX_DEPTH - 1))
    response = post_json(api.as_user(lead), "/api/v1/rituals/", text)
    assert response.status_code == 400
    assert "name" in response.json()


def test_brackets_inside_strings_are_not_nesting(api, lead):
    text = json.dumps({**WEEKLY, "name": "[" * (MAX_DEPTH + 1) + '\\"{'})
    response = post_json(api.as_user(lead), "/api/v1/rituals/", text)
    assert response.status_code == 201, response.json()


def test_a_deeply_nested_model_file_is_a_400_on_file(api, lead):
    upload = SimpleUploadedFile("model.json", ('{"format": ' + nested(ABYSS) + "}").encode(),
                                "application/json")
    answer = api.as_user(lead).post("/api/v1/model/import/", {"file": upload},
                                    format="multipart")
    assert answer.status_code == 400
    assert "nested deeper" in answer.json()["file"][0]


# --- numbers and strings no column can hold ----------------------------------------------

HUGE = [str(2**70), "9" * 5000, "1e999", "-1e999"]


@pytest.mark.parametrize("value", HUGE)
@pytest.mark.parametrize("field", ["position", "matrix"])
def test_a_number_beyond_any_column_in_the_api_is_a_400_naming_the_field(
        api, lead, row, field, value):
    body = {"matrix": row.matrix_id, "layer": "process", "name": "Deal desk",
            "cells": {"sales": "A"}, "position": 1}
    text = json.dumps({**body, field: "N"}).replace('"N"', value)
    response = post_json(api.as_user(lead), "/api/v1/raci/rows/", text)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("value", HUGE)
def test_a_number_beyond_any_column_in_a_key_lookup_is_a_400(api, lead, value):
    """A related object looked up by a number: ``int(1e999)`` was an OverflowError."""
    body = {"term": "ARR", "body": "Annual recurring revenue.", "layer": "insights",
            "owner": "revops", "section": "N"}
    text = json.dumps(body).replace('"N"', value)
    response = post_json(api.as_user(lead), "/api/v1/definitions/", text)
    assert response.status_code == 400
    assert "section" in response.json()


def _model_import(api, lead, text):
    upload = SimpleUploadedFile("model.json", text.encode("utf-8", "surrogatepass"),
                                "application/json")
    return api.as_user(lead).post("/api/v1/model/import/", {"file": upload},
                                  format="multipart")


@pytest.fixture(scope="module")
def model_document(django_db_setup, django_db_blocker):
    from tests.overview.test_model_file import _motion, exported_then_rolled_back

    with django_db_blocker.unblock():
        return exported_then_rolled_back(_motion("sales-led"))


def _with(document, path, raw):
    """The document as JSON text with the value at ``path`` replaced by ``raw`` (JSON
    text, written as a client would)."""
    target = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = "@@SPOT@@"
    return json.dumps(document).replace('"@@SPOT@@"', raw)


STRING_PLACES = [("raci", 0, "rows", 1, "name"), ("functions", 1, "name"),
                 ("runbooks", 0, "sections", 2, "revisions", 0, "body")]
NUMBER_PLACES = [("raci", 0, "rows", 1, "position"), ("functions", 1, "position"),
                 ("runbooks", 0, "sections", 2, "revisions", 0, "number")]
CASES = [
    *[(p, '"a\\u0000b"', "NUL") for p in STRING_PLACES],
    *[(p, '"\\udc80"', "surrogate") for p in STRING_PLACES],
    *[(p, raw, words) for p in NUMBER_PLACES
      for raw, words in [(str(2**31), "maximum"), (str(2**70), "maximum"),
                         ("9" * 5000, "this long"), ("1e999", "this large")]],
]


@pytest.mark.parametrize(("path", "raw", "words"), CASES,
                         ids=[f"{c[0][0]}.{c[0][-1]}-{c[2]}-{len(c[1])}" for c in CASES])
def test_model_import_refuses_what_no_column_holds_naming_the_json_path(
        api, lead, model_document, path, raw, words):
    answer = _model_import(api, lead, _with(copy.deepcopy(model_document), path, raw))
    assert answer.status_code == 400, answer.content
    where = json_path(path)
    assert where in answer.json(), answer.json()
    assert any(words in message for message in answer.json()[where])


def test_a_key_that_is_not_text_in_the_model_file_is_reported_where_it_sits(
        api, lead, model_document):
    document = copy.deepcopy(model_document)
    document["raci"][0]["rows"][0]["cells"]["@@KEY@@"] = "R"
    answer = _model_import(api, lead, json.dumps(document).replace("@@KEY@@", "\\u0000"))
    assert answer.status_code == 400
    assert "raci[0].rows[0].cells" in answer.json()
