"""A list answers 400 naming a query parameter it does not read, where it silently
listed everything (issue 29): ``page``, ``page_size``, ``format`` and each list's own
filters are read."""

import pytest

from tests.raci import factories
from tests.runbook.factories import make_runbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def model(db):
    make_runbook()
    factories.row(factories.matrix(), "Lead routing rules", {"sales": "A"})


@pytest.mark.parametrize(("path", "name"), [
    ("/api/v1/sections/?search=x", "search"),
    ("/api/v1/sections/?kind=process&ownr=sales", "ownr"),
    ("/api/v1/raci/rows/?layers=process", "layers"),
    ("/api/v1/audit/?object=x", "object"),
    ("/api/v1/rituals/?pagesize=5", "pagesize"),
    ("/api/v1/definitions/?q=arr", "q"),
])
def test_an_unknown_query_parameter_is_a_400_naming_it(api, lead, model, path, name):
    response = api.as_user(lead).get(path)
    assert response.status_code == 400, response.content
    assert name in response.json()
    assert "page_size" in response.json()[name][0]  # it says what the list takes


@pytest.mark.parametrize("path", [
    "/api/v1/sections/?page=1&page_size=5&format=json",
    "/api/v1/sections/?kind=process",
    "/api/v1/raci/rows/?layer=process",
    "/api/v1/audit/?door=api&since=2020-01-01T00:00:00Z",
    "/api/v1/rituals/?include=archived",
])
def test_known_parameters_still_filter(api, lead, model, path):
    assert api.as_user(lead).get(path).status_code == 200


def test_a_single_object_is_not_a_list(api, lead, model):
    from runbook.models import Section

    section = Section.objects.first()
    assert api.as_user(lead).get(f"/api/v1/sections/{section.pk}/?x=1").status_code == 200
