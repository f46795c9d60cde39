"""``page`` and ``page_size`` are whole numbers from 1 (``page_size`` to 500): anything
else is a 400 naming the parameter, never read as "the default" (schemathesis found
``?page_size=null`` listing 50); the schema says the same bounds, and every operation
documents the contract's error answers."""

import pytest

from tests.runbook.factories import make_runbook

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("query", "name"), [
    ("page_size=null", "page_size"), ("page_size=true", "page_size"),
    ("page_size=0", "page_size"), ("page_size=-5", "page_size"),
    ("page_size=501", "page_size"), ("page_size=", "page_size"),
    ("page_size=%C2%B2", "page_size"), ("page=0", "page"), ("page=null", "page"),
    ("page=1.5", "page"),
])
def test_an_unreadable_page_or_page_size_is_a_400_naming_it(api, viewer, query, name):
    make_runbook()
    response = api.as_user(viewer).get(f"/api/v1/sections/?{query}")
    assert response.status_code == 400, response.content
    assert list(response.json()) == [name]


def test_a_page_size_within_bounds_is_used(api, viewer):
    make_runbook()
    body = api.as_user(viewer).get("/api/v1/sections/?page_size=2&page=2").json()
    assert body["count"] == 6 and len(body["results"]) == 2
    assert len(api.as_user(viewer).get("/api/v1/sections/?page_size=500").json()[
        "results"]) == 6


def test_the_schema_bounds_paging_and_documents_the_error_answers(api, viewer):
    schema = api.as_user(viewer).get("/api/schema/", {"format": "json"}).json()
    listing = schema["paths"]["/api/v1/sections/"]["get"]
    bounds = {p["name"]: p["schema"] for p in listing["parameters"]
              if p["name"] in {"page", "page_size"}}
    assert bounds["page"]["minimum"] == 1 and bounds["page_size"]["maximum"] == 500
    assert {"400", "401", "403", "404", "429"} <= set(listing["responses"])
    assert "409" not in listing["responses"]
    patch = schema["paths"]["/api/v1/sections/{id}/"]["patch"]["responses"]
    assert {"400", "401", "403", "404", "409", "429"} <= set(patch)
    assert patch["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"}
    assert "ValidationError" in schema["components"]["schemas"]
