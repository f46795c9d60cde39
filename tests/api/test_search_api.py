"""``GET /api/v1/search/``: the contract (shape, 400s naming the field, 401 when signed
out), a constant query count, and the list endpoints' honesty: none advertises a query
parameter it ignores (``?search=`` used to be silently ignored)."""

import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator

from cadence.models import Ritual
from raci.models import Matrix, Row
from revops import services as core_services
from revops.models import Door
from runbook import services as runbook_services
from runbook.models import Definition, Release, Runbook, Section
from tests.cadence.factories import bulk_rituals, ritual
from tests.demo import load as load_demo
from tests.factories import LeadFactory
from tests.raci.factories import bulk_rows, matrix, row
from tests.runbook.factories import make_definition, make_runbook, make_sections

pytestmark = pytest.mark.django_db
URL = "/api/v1/search/"


@pytest.fixture
def model(db):
    book = make_runbook("Sales-led")
    sec = book.sections.get(kind="process")
    runbook_services.section_revise(section=sec, body="## Deal desk\n\nDiscounts over 20%.",
                                    base_revision=sec.revision, actor=None, door=Door.CLI)
    ritual(name="Deal desk retrospective")
    row(matrix(), "Deal desk charter", {"finance": "A"})
    return book


def test_signed_out_callers_get_401(api, model):
    response = api.get(URL, {"q": "deal"})
    assert response.status_code == 401


def test_a_search_answers_a_ranked_page_of_typed_results(api, viewer, model):
    response = api.as_user(viewer).get(URL, {"q": "deal desk"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"count", "count_is_estimate", "next", "previous", "results"}
    assert body["count"] == len(body["results"]) == 3
    assert {r["type"] for r in body["results"]} == {"section", "ritual", "raci_row"}
    for result in body["results"]:
        assert set(result) == {"type", "id", "title", "url", "snippet", "rank", "review_state"}
    ranks = [r["rank"] for r in body["results"]]
    assert ranks == sorted(ranks, reverse=True)
    by_type = {r["type"]: r for r in body["results"]}
    assert by_type["section"]["review_state"] == "fresh"
    assert by_type["ritual"]["review_state"] is None
    assert "<mark>" in by_type["section"]["snippet"]


def test_a_token_can_search(api, lead, model):
    _, raw = core_services.api_token_create(actor=None, door=Door.CLI, user=lead, name="bot",
                                            scope="read")
    response = api.get(URL, {"q": "deal", "type": "section"}, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert {r["type"] for r in response.json()["results"]} == {"section"}


def test_pages_follow_the_project_pagination(api, viewer, model):
    first = api.as_user(viewer).get(URL, {"q": "deal desk", "page_size": 2}).json()
    second = api.get(URL, {"q": "deal desk", "page_size": 2, "page": 2}).json()
    assert first["count"] == second["count"] == 3
    assert len(first["results"]) == 2 and len(second["results"]) == 1
    assert first["next"] and second["previous"]


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [({}, "q", "at least 2"), ({"q": ""}, "q", "Give a value"), ({"q": "d"}, "q", "at least 2"),
     ({"q": "d" * 500}, "q", "under 500"), ({"q": "deal\x00desk"}, "q", "NUL"),
     ({"q": "-deal"}, "q", "at least one word"),
     ({"q": "deal", "type": "people"}, "type", "people"),
     ({"q": "deal", "owner": "nobody"}, "owner", "slug"),
     ({"q": "deal", "state": "rotten"}, "state", "fresh")],
)
def test_bad_input_is_a_400_naming_the_field(api, viewer, model, params, field, words):
    response = api.as_user(viewer).get(URL, params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert list(body) == [field] and words in body[field][0]


@pytest.mark.parametrize("q", ["\U0001f600 deal", "d\u0301eal", "'; DROP TABLE x; --", "<mark>",
                               "((deal", '""', "deal & | ! <-> :*", "%ED%B3%BF%ED%B3%BE deal",
                               "%FF%FE", "%C0%80deal"])
def test_any_unicode_or_operator_soup_is_never_a_server_error(api, viewer, model, q):
    # Raw in the query string: percent-encoded bytes that are no UTF-8 (a surrogate's, an
    # overlong NUL) reach the view as Django decodes them.
    response = api.as_user(viewer).get(
        f"{URL}?type=section,ritual,raci_row,release&q={q if '%' in q else quote(q)}")
    assert response.status_code in (200, 400), response.content


def test_a_definition_is_found_by_its_term_formula_and_wording(api, viewer, model):
    by_term = make_definition("Tapir velocity")
    by_formula = make_definition("Win rate", formula="won tapirs ÷ all tapirs")
    by_wording = make_definition("Pipeline", body="Every open tapir deal.")
    response = api.as_user(viewer).get(URL, {"q": "tapir", "type": "definition"})
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert sorted(r["id"] for r in results) == sorted(
        d.pk for d in (by_term, by_formula, by_wording))
    assert {r["type"] for r in results} == {"definition"}
    hit = next(r for r in results if r["id"] == by_term.pk)
    assert hit["url"] == "/definitions/tapir-velocity/" and hit["review_state"] == "fresh"
    assert results[0]["id"] == by_term.pk  # the term match first, on either database
    default = api.get(URL, {"q": "tapir"}).json()["results"]
    assert {r["type"] for r in default} == {"definition"}


def grow(n):
    make_sections(n)
    bulk_rituals(n, name="Deal call")
    bulk_rows(Matrix.objects.get(), n)
    for i in range(3):
        make_definition(f"Bulk term {n} {i}", body="Each open deal counts.")


def test_a_search_runs_the_same_queries_at_two_sizes(api, viewer, model,
                                                     django_assert_num_queries):
    runbook_services.release_create(runbook=model, name="Q4", actor=None, door=Door.CLI)
    make_definition("Deal velocity", formula="deals won ÷ days")
    client = api.as_user(viewer)
    params = {"q": "deal", "type": "section,definition,ritual,raci_row,release",
              "page_size": 500}
    with CaptureQueriesContext(connection) as small:
        first = client.get(URL, params)
    assert {r["type"] for r in first.json()["results"]} == {
        "section", "definition", "ritual", "raci_row", "release"}
    grow(20)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(URL, params)
    assert response.json()["count"] > first.json()["count"]


# The schema ------------------------------------------------------------------------------


def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_documents_the_search_parameters_and_result():
    operation = schema()["paths"][URL]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert params["q"]["required"] is True
    assert set(params) == {"q", "type", "owner", "state", "include", "page", "page_size"}
    assert "definition" in params["type"]["description"]
    assert "SearchPage" in str(operation["responses"]["200"])


def test_the_schema_lists_every_search_type_as_a_result_type():
    components = schema()["components"]["schemas"]
    type_schema = components["SearchResult"]["properties"]["type"]
    if "$ref" in type_schema:
        type_schema = components[type_schema["$ref"].rsplit("/", 1)[-1]]
    assert type_schema["enum"] == ["section", "definition", "ritual", "raci_row", "metric",
                                   "release"]


NOTHING = "zz-matches-nothing"


def demo_id(path):
    """The id of a demo object for the ``{id}`` in ``path``."""
    models = {"/api/v1/runbooks/": Runbook, "/api/v1/sections/": Section,
              "/api/v1/raci/matrices/": Matrix, "/api/v1/raci/rows/": Row,
              "/api/v1/rituals/": Ritual, "/api/v1/definitions/": Definition}
    model = next(m for prefix, m in models.items() if path.startswith(prefix))
    return model.objects.order_by("pk").values_list("pk", flat=True).first()


def list_operations():
    for path, item in schema()["paths"].items():
        get = item.get("get")
        if get and get["operationId"].endswith("_list"):
            yield path, get


def test_no_list_endpoint_advertises_a_search_parameter_it_ignores():
    for path, operation in list_operations():
        names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        assert "search" not in names, path


def size(response):
    body = response.json()
    return len(body) if isinstance(body, list) else body["count"]


def test_every_advertised_list_filter_is_applied(api):
    """Each query parameter a list endpoint advertises either narrows the list (a value
    that matches nothing empties it) or refuses the value (400): none is ignored."""
    load_demo()
    lead = LeadFactory(username="lead")  # the demo's lead, in the leads group too
    runbook_services.release_create(runbook=Runbook.objects.order_by("pk").first(), name="Q4",
                                    actor=None, door=Door.CLI)
    assert Release.objects.exists()
    client = api.as_user(lead)
    checked = 0
    for path, operation in list_operations():
        url = re.sub(r"\{\w+\}", lambda _, path=path: str(demo_id(path)), path)
        filters = [p["name"] for p in operation.get("parameters", [])
                   if p["in"] == "query" and p["name"] not in ("page", "page_size")]
        if not filters:
            continue
        everything = client.get(url)
        assert everything.status_code == 200, (url, everything.content)
        assert size(everything) > 0, f"the demo has nothing at {url}"
        for name in filters:
            response = client.get(url, {name: NOTHING})
            assert response.status_code == 400 or size(response) == 0, (
                f"{url}?{name}= is advertised but ignored")
            checked += 1
    assert checked >= 10
