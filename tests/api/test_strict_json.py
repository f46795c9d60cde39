"""A JSON body is read as the schema types it (``revops/api/strict.py``): a value of
another JSON type is a 400 naming the field, never coerced; form input (a query string,
a multipart upload) is text and read as before."""

import importlib
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework import fields, relations, serializers

from cadence.models import Ritual
from revops.api import strict
from tests.api.test_cadence_api import WEEKLY
from tests.cadence.factories import runbook_sections
from tests.raci import factories

pytestmark = pytest.mark.django_db

API_MODULES = ["revops", "runbook", "raci", "cadence", "changes", "insights", "overview"]
# Fields that take one JSON type by themselves, or any: a JSON value, a file upload, the
# items of a list or object whose shape the service reads (a proposal's ``fields``, the
# lines of a bulk metric upload).
TYPED_BY_DRF = (serializers.BaseSerializer, fields.ListField, fields.DictField,
                fields.JSONField, fields.FileField, fields.HiddenField,
                relations.ManyRelatedField, fields._UnvalidatedField)


def every_api_serializer():
    for app in API_MODULES:
        importlib.import_module(f"{app}.api.serializers")
        importlib.import_module(f"{app}.api.views")
    importlib.import_module("overview.api.model_views")
    found, todo = set(), [serializers.BaseSerializer]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in API_MODULES and sub is not strict.ModelSerializer:
                found.add(sub)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def loose_fields(field, path):
    if field.read_only:
        return
    if isinstance(field, serializers.ListSerializer):
        yield from loose_fields(field.child, f"{path}[]")
    elif isinstance(field, serializers.BaseSerializer):
        for name, child in field.fields.items():
            yield from loose_fields(child, f"{path}.{name}")
    elif isinstance(field, (fields.ListField, fields.DictField)):
        yield from loose_fields(field.child, f"{path}[]")
    elif isinstance(field, relations.ManyRelatedField):
        yield from loose_fields(field.child_relation, f"{path}[]")
    elif not isinstance(field, (strict.JSONTyped, *TYPED_BY_DRF)):
        yield f"{path}: {type(field).__name__}"


def test_every_writable_field_of_every_api_serializer_reads_json_strictly():
    serializer_classes = every_api_serializer()
    assert len(serializer_classes) > 50
    loose = [problem for cls in serializer_classes
             for problem in loose_fields(cls(), cls.__qualname__)]
    assert loose == []


@pytest.fixture
def ritual_body(db):
    return {**WEEKLY, "output_section": runbook_sections()["insights"].pk}


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("active", 1, "Must be a JSON boolean (true or false), not a number."),
    ("active", "true", "Must be a JSON boolean (true or false), not a string."),
    ("name", 3, "Must be a JSON string, not a number."),
    ("duration_minutes", "45", "Must be a JSON integer, not a string."),
    ("duration_minutes", 45.0, "Must be a JSON integer, not a number."),
    ("duration_minutes", True, "Must be a JSON integer, not a boolean."),
    ("output_section", "1", "Must be a JSON integer (an id), not a string."),
    ("owner", 1, "Must be a JSON string, not a number."),
    ("horizon", ["weekly"], "Must be a JSON string, not an array."),
    ("horizon", 7, "Must be a JSON string, not a number."),
])
def test_a_json_value_of_another_type_is_a_400_naming_the_field(api, lead, ritual_body, field,
                                                                value, expected):
    response = api.as_user(lead).post("/api/v1/rituals/", {**ritual_body, field: value},
                                      format="json")
    assert response.status_code == 400
    assert response.json() == {field: [expected]}
    assert not Ritual.objects.exists()


def test_values_of_the_types_the_schema_names_are_taken(api, lead, ritual_body):
    with time_machine.travel(datetime(2026, 3, 4, 15, 0, tzinfo=UTC), tick=False):
        response = api.as_user(lead).post("/api/v1/rituals/", {**ritual_body, "active": False},
                                          format="json")
    assert response.status_code == 201, response.json()
    assert Ritual.objects.get().active is False


def test_a_multipart_upload_reads_its_fields_as_text(api, lead):
    matrix = factories.matrix()
    factories.row(matrix, "Lead routing rules", {"sales": "A"})
    api.as_user(lead)
    text = api.get(f"/api/v1/raci/matrices/{matrix.pk}/export.csv").content.decode()
    version = api.get(f"/api/v1/raci/matrices/{matrix.pk}/").json()["version"]
    upload = SimpleUploadedFile("raci.csv", text.encode(), content_type="text/csv")
    response = api.post(f"/api/v1/raci/matrices/{matrix.pk}/import/",
                        {"file": upload, "version": str(version)}, format="multipart")
    assert response.status_code == 200, response.json()


def test_a_query_string_is_read_as_text(api, lead):
    response = api.as_user(lead).get("/api/v1/settings/preview/",
                                     {"fiscal_year_start_month": "2"})
    assert response.status_code == 200, response.json()


@pytest.fixture
def schema(api, viewer):
    return api.as_user(viewer).get("/api/schema/", {"format": "json"}).json()


def test_the_schema_says_a_requests_text_and_keys_hold_no_nul(schema):
    ritual = schema["components"]["schemas"]["RitualRequest"]
    assert ritual["properties"]["name"]["pattern"] == "^[^\\u0000]*$"
    assert ritual["propertyNames"] == {"pattern": "^[^\\u0000]*$"}
    search = schema["paths"]["/api/v1/search/"]["get"]["parameters"]
    assert {p["name"]: p["schema"] for p in search}["q"]["pattern"] == "^[^\\u0000]*$"
    # Answers are not requests: what the API stored is shown as it is.
    assert "pattern" not in schema["components"]["schemas"]["Ritual"]["properties"]["name"]

