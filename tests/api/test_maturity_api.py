"""``GET, POST /api/v1/maturity/``: newest quarter first and paginated, a POST that
creates this quarter's assessment (201) or updates it (200), 400s naming the field and
the rule, the schema, and constant query counts for the list and the page."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator

from overview.models import MaturityAssessment
from revops import fiscal
from revops.models import AuditEntry

pytestmark = pytest.mark.django_db

URL = "/api/v1/maturity/"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # FY2026 Q4
BODY = {"people": 5, "process": 6, "data": 3, "technology": 7,
        "people_evidence": "RevOps reports to the CRO.",
        "process_evidence": "Hand-offs have SLAs.",
        "data_evidence": "Duplicates everywhere.",
        "technology_evidence": "One integration owner."}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def past_quarters(count, *, lead=None):
    """``count`` assessments of the quarters before this one, written in bulk (size data,
    the rows the service would write)."""
    index = fiscal.quarter_index(NOW.date())
    MaturityAssessment.objects.bulk_create([
        MaturityAssessment(quarter_start=fiscal.quarter_start(index - n), recorded_by=lead,
                           people=n % 9, process=(n + 3) % 9, data=(n + 5) % 9,
                           technology=(n + 1) % 9,
                           **{k: v for k, v in BODY.items() if k.endswith("_evidence")})
        for n in range(1, count + 1)
    ])


def test_a_lead_creates_this_quarters_assessment_then_updates_it(api, lead):
    client = api.as_user(lead)
    created = client.post(URL, BODY, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["quarter"] == "FY2026-Q4"
    assert (body["quarter_start"], body["quarter_end"]) == ("2026-10-01", "2026-12-31")
    assert body["stage"] == "Emergent" and body["stage_number"] == 2
    assert body["constraint"] == ["data"]
    assert body["pillars"]["process"] == {"score": 6, "stage": "Defined",
                                          "evidence": "Hand-offs have SLAs."}
    assert body["recorded_by"] == "lead" and body["occurrence"] is None

    updated = client.post(URL, {**BODY, "data": 6}, format="json")
    assert updated.status_code == 200
    assert updated.json()["id"] == body["id"] and updated.json()["stage"] == "Defined"
    assert MaturityAssessment.objects.count() == 1
    assert list(AuditEntry.objects.filter(object_type="overview.maturityassessment")
                .values_list("action", "door").order_by("id")) == [("create", "api"),
                                                                    ("update", "api")]


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"data": 9}, "data", "less than or equal to 8"),
    ({"people": -2}, "people", "greater than or equal to 0"),
    ({"technology": "high"}, "technology", "JSON integer"),
    ({"process_evidence": ""}, "process_evidence", "blank"),
    ({"quarter": "FY2027-Q1"}, "quarter", "has not started yet"),
    ({"quarter": "Q1 2026"}, "quarter", "FY2027-Q1"),
])
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(api, lead, change, field,
                                                                 words):
    response = api.as_user(lead).post(URL, {**BODY, **change}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert words in response.json()[field][0]
    assert not MaturityAssessment.objects.exists()


def test_a_missing_pillar_is_a_400_naming_it(api, lead):
    body = {k: v for k, v in BODY.items() if k != "people"}
    response = api.as_user(lead).post(URL, body, format="json")
    assert response.status_code == 400 and list(response.json()) == ["people"]


def test_an_earlier_quarter_is_recorded_when_named(api, lead):
    response = api.as_user(lead).post(URL, {**BODY, "quarter": "FY2026-Q2"}, format="json")
    assert response.status_code == 201
    assert MaturityAssessment.objects.get().quarter_start == date(2026, 4, 1)


def test_the_list_is_newest_quarter_first_and_paginated(api, viewer, lead):
    past_quarters(3, lead=lead)
    body = api.as_user(viewer).get(URL, {"page_size": 2}).json()
    assert body["count"] == 3 and body["next"] and body["previous"] is None
    assert [a["quarter"] for a in body["results"]] == ["FY2026-Q3", "FY2026-Q2"]


def test_the_list_runs_the_same_queries_at_two_sizes(api, viewer, lead,
                                                     django_assert_num_queries):
    past_quarters(2, lead=lead)
    client = api.as_user(viewer)
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL).status_code == 200
    MaturityAssessment.objects.all().delete()
    past_quarters(30, lead=lead)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(URL).json()["count"] == 30


def test_the_page_runs_the_same_queries_at_two_sizes(client, lead, django_assert_num_queries):
    client.force_login(lead)
    past_quarters(1, lead=lead)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/maturity/").status_code == 200
    MaturityAssessment.objects.all().delete()
    past_quarters(12, lead=lead)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get("/maturity/")
    assert response.status_code == 200
    assert response.content.decode().count("<circle") == 4 * 7  # the last 8 quarters


def test_the_schema_documents_the_list_and_the_write():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = schema["paths"][URL]
    assert "PaginatedMaturityAssessmentList" in str(operations["get"]["responses"]["200"])
    assert {p["name"] for p in operations["get"]["parameters"]} == {"page", "page_size"}
    assert "MaturityAssessInput" in str(operations["post"]["requestBody"])
    assert set(operations["post"]["responses"]) >= {"200", "201"}
    fields = schema["components"]["schemas"]["MaturityAssessInputRequest"]["properties"]
    assert fields["data"]["maximum"] == 8 and fields["data"]["minimum"] == 0
    assert "maturity.assessed" in str(schema["components"]["schemas"]["EventsEnum"])
