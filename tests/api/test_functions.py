import pytest

from revops import services
from revops.models import AuditEntry, Door, Function

pytestmark = pytest.mark.django_db


def test_functions_list_in_position_order_with_the_contract_fields(api, viewer):
    response = api.as_user(viewer).get("/api/v1/functions/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "count_is_estimate", "next", "previous", "results"}
    assert [f["slug"] for f in body["results"]] == [
        "revops", "cro", "marketing", "sales", "cs", "finance"
    ]
    assert set(body["results"][0]) == {"slug", "name", "position", "head"}


def test_anonymous_gets_401(api):
    assert api.get("/api/v1/functions/").status_code == 401


def test_lead_creates_a_function_and_the_audit_names_the_api_door(api, lead):
    response = api.as_user(lead).post(
        "/api/v1/functions/", {"slug": "partners", "name": "Partnerships", "position": 7}
    )
    assert response.status_code == 201, response.json()
    entry = AuditEntry.objects.get(object_type="revops.function", action="create")
    assert (entry.actor, entry.door) == (lead, Door.API)


def test_naming_a_head_makes_that_user_staff(api, lead, viewer):
    response = api.as_user(lead).patch("/api/v1/functions/finance/", {"head": viewer.pk})
    assert response.status_code == 200, response.json()
    viewer.refresh_from_db()
    assert viewer.is_staff
    assert Function.objects.get(slug="finance").head == viewer


@pytest.mark.parametrize("user_fixture", ["viewer", "sales_head"])
def test_only_leads_change_functions(api, request, user_fixture):
    user = request.getfixturevalue(user_fixture)
    response = api.as_user(user).patch("/api/v1/functions/sales/", {"name": "Field sales"})
    assert response.status_code == 403
    assert Function.objects.get(slug="sales").name == "Sales"


def test_bad_input_names_the_field_and_writes_nothing(api, lead):
    response = api.as_user(lead).post("/api/v1/functions/", {"slug": "sales", "name": ""})
    assert response.status_code == 400
    assert set(response.json()) >= {"slug", "name"}
    assert Function.objects.count() == 6


def test_unknown_head_is_refused(api, lead):
    response = api.as_user(lead).patch("/api/v1/functions/sales/", {"head": 999999})
    assert response.status_code == 400
    assert "head" in response.json()


def test_service_refuses_changing_the_slug(lead):
    with pytest.raises(TypeError):
        services.function_update(
            actor=lead, door=Door.CLI, function=Function.objects.get(slug="cs"), slug="x"
        )


def test_functions_list_query_count_does_not_grow(api, viewer, django_assert_max_num_queries):
    api.as_user(viewer)
    with django_assert_max_num_queries(4):
        api.get("/api/v1/functions/")
    for n in range(50):
        Function.objects.create(slug=f"f{n}", name=f"Function {n}", position=10 + n)
    with django_assert_max_num_queries(4):
        api.get("/api/v1/functions/?page_size=500")


def test_a_former_head_loses_the_console(api, lead, sales_head, viewer):
    api.as_user(lead).patch("/api/v1/functions/sales/", {"head": viewer.pk})
    sales_head.refresh_from_db()
    viewer.refresh_from_db()
    assert viewer.is_staff and not sales_head.is_staff


def test_a_former_head_who_is_a_lead_keeps_the_console(api, lead, viewer):
    lead.is_staff = True
    lead.save()
    api.as_user(lead).patch("/api/v1/functions/finance/", {"head": lead.pk})
    api.patch("/api/v1/functions/finance/", {"head": viewer.pk})
    lead.refresh_from_db()
    assert lead.is_staff


@pytest.mark.parametrize("head", [1.5, "1.5", True, [1], {"id": 1}, "1e0"])
def test_a_head_that_is_not_a_whole_number_id_is_a_400_and_sets_nobody(api, lead, head):
    """``1.5`` used to be looked up as user 1."""
    response = api.as_user(lead).patch("/api/v1/functions/cs/", {"head": head}, format="json")
    assert response.status_code == 400
    assert "head" in response.json()
    assert Function.objects.get(slug="cs").head is None


def test_a_head_given_as_a_digit_string_is_a_400_asking_for_a_json_integer(api, lead, viewer):
    response = api.as_user(lead).patch("/api/v1/functions/cs/", {"head": str(viewer.pk)},
                                       format="json")
    assert response.status_code == 400
    assert response.json() == {"head": ["Must be a JSON integer (an id), not a string."]}
    assert Function.objects.get(slug="cs").head is None
