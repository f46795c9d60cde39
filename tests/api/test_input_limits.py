"""Input that is well-formed but beyond what anything here can hold — nesting that
exhausts the stack, numbers no column can store — is a 400 naming where it is, on every
door, never a 500 (issue 29)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

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
