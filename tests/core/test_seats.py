"""Seats: rights come from the RevOps seat, deputies cover vacant seats, and no door may
leave the install without an active person with lead rights."""

import json

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client

from overview import model_file
from overview import services as overview_services
from revops import policy, seats, services
from revops.models import AuditEntry, Door, Function, WebhookDelivery
from tests.factories import LeadFactory, UserFactory, make_head

pytestmark = pytest.mark.django_db


def _fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.fixture
def seat_lead(db):
    """The only person with lead rights, and they have them through the RevOps seat."""
    person = UserFactory(username="riley", first_name="Riley", last_name="Okafor")
    services.function_update(actor=None, door=Door.CLI, function=Function.objects.get(
        slug="revops"), head=person)
    return _fresh(person)


def _state():
    return {
        "seats": sorted(Function.objects.values_list("slug", "head_id", "deputy_id")),
        "active": sorted(User.objects.filter(is_active=True).values_list("username", flat=True)),
        "groups": sorted(User.objects.filter(groups__isnull=False)
                         .values_list("username", "groups__name")),
        "audit": AuditEntry.objects.count(),
    }


# Rights come from seats ------------------------------------------------------------------


def test_the_revops_seat_holder_is_a_lead_without_the_group(seat_lead):
    assert policy.is_lead(seat_lead) and not seat_lead.groups.exists()
    assert _fresh(seat_lead).is_staff, "the seat brings the console"
    assert list(seats.active_leads()) == [seat_lead]


def test_handing_the_seat_over_hands_the_rights_over(seat_lead):
    jamie = UserFactory(username="jamie", first_name="Jamie", last_name="Osei")
    plan = overview_services.person_hand_over(actor=seat_lead, door=Door.UI, person=seat_lead,
                                              successor=jamie, deactivate=True)
    assert plan.rights == ["Jamie Osei becomes RevOps lead: " + seats.LEAD_RIGHTS]
    assert policy.is_lead(_fresh(jamie)) and _fresh(jamie).is_staff
    assert not _fresh(seat_lead).is_active


def test_a_deputy_covers_a_vacant_seat_and_only_then(seat_lead):
    deputy = UserFactory(username="dana")
    other = LeadFactory(username="other-lead")
    revops = Function.objects.get(slug="revops")
    services.function_update(actor=other, door=Door.API, function=revops, deputy=deputy)
    assert not policy.is_lead(_fresh(deputy)), "a deputy backs up; the holder acts"
    services.function_update(actor=other, door=Door.API, function=revops, head=None)
    revops.refresh_from_db()
    assert revops.vacant and revops.vacant_since is not None
    assert policy.is_lead(_fresh(deputy)) and revops.covered_by == deputy
    assert seats.holder_label(revops) == "Vacant (covered by dana)"


def test_a_head_seats_deputy_signs_off_only_while_the_seat_is_vacant(lead):
    head = make_head("sales", "sales-head")
    deputy = UserFactory(username="sales-deputy")
    sales = Function.objects.get(slug="sales")
    services.function_update(actor=lead, door=Door.UI, function=sales, deputy=deputy)
    assert not policy.can_sign_off(_fresh(deputy), sales)
    services.function_update(actor=lead, door=Door.UI, function=sales, head=None)
    assert policy.can_sign_off(_fresh(deputy), Function.objects.get(slug="sales"))
    assert not policy.can_sign_off(_fresh(head), Function.objects.get(slug="sales"))


def test_a_deputy_cannot_be_the_holder_by_the_database(seat_lead):
    revops = Function.objects.get(slug="revops")
    with pytest.raises(ValidationError, match="deputy cannot be its holder"):
        services.function_update(actor=None, door=Door.CLI, function=revops, deputy=seat_lead)
    from django.db import IntegrityError, transaction
    with pytest.raises(IntegrityError), transaction.atomic():
        Function.objects.filter(slug="revops").update(deputy=seat_lead)


def test_an_inactive_person_cannot_take_a_seat(lead):
    gone = UserFactory(username="gone", is_active=False)
    for field in ("head", "deputy"):
        with pytest.raises(ValidationError) as error:
            services.function_update(actor=lead, door=Door.UI,
                                     function=Function.objects.get(slug="cs"), **{field: gone})
        assert field in error.value.message_dict


def test_a_seat_change_is_announced(seat_lead):
    hook = services.webhook_create(actor=None, door=Door.CLI, events=["seat.changed"],
                                   url="https://hooks.example.com/seats")
    jamie = UserFactory(username="jamie")
    services.function_update(actor=seat_lead, door=Door.API,
                             function=Function.objects.get(slug="cs"), deputy=jamie)
    services.function_update(actor=seat_lead, door=Door.API,
                             function=Function.objects.get(slug="cs"), name="CS")
    [delivery] = WebhookDelivery.objects.filter(webhook=hook)
    assert delivery.payload["data"] == {
        "function": "cs", "holder": None, "deputy": "jamie",
        "vacant_since": Function.objects.get(slug="cs").vacant_since.isoformat(),
        "previous_holder": None, "previous_deputy": None}


# No door leaves the install without a lead ------------------------------------------------


def test_service_refuses_to_vacate_the_last_leads_seat(seat_lead):
    before = _state()
    with pytest.raises(seats.NoLeadLeft, match="At least one active person"):
        services.function_update(actor=seat_lead, door=Door.UI,
                                 function=Function.objects.get(slug="revops"), head=None)
    assert _state() == before


def test_a_lead_cannot_deactivate_themselves_when_nobody_else_can_run_it(seat_lead):
    before = _state()
    with pytest.raises(seats.NoLeadLeft):
        services.person_deactivate(actor=seat_lead, door=Door.UI, person=seat_lead)
    assert _state() == before


def test_api_doors_answer_409_naming_the_rule_and_change_nothing(seat_lead, api):
    jamie = UserFactory(username="jamie")
    before = _state()
    client = api.as_user(seat_lead)
    for method, url, body in [
        ("patch", "/api/v1/seats/revops/", {"holder": None}),
        ("patch", "/api/v1/functions/revops/", {"head": None}),
    ]:
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 409, (url, response.content)
        assert "At least one active person must have RevOps lead rights" in (
            response.json()["detail"])
    # The hand-over of a group-only lead who deactivates themselves leaves nobody.
    grant_only = LeadFactory(username="grant-only")
    Function.objects.filter(slug="revops").update(head=None, vacant_since="2026-01-01T00:00Z")
    response = api.as_user(grant_only).post("/api/v1/people/grant-only/handover/",
                                            {"to": "jamie", "deactivate": True}, format="json")
    assert response.status_code == 409, response.content
    assert _fresh(grant_only).is_active and not policy.is_lead(_fresh(jamie))
    Function.objects.filter(slug="revops").update(head=seat_lead, vacant_since=None)
    assert {k: v for k, v in _state().items() if k != "groups"} == {
        k: v for k, v in before.items() if k != "groups"} | {
        "active": sorted([*before["active"], "grant-only"])}


def test_the_seats_api_lists_and_changes_seats(seat_lead, api):
    UserFactory(username="jamie")
    client = api.as_user(seat_lead)
    body = client.get("/api/v1/seats/").json()
    revops = next(s for s in body["results"] if s["function"] == "revops")
    assert revops == {"function": "revops", "name": "RevOps", "holder": "riley",
                      "deputy": None, "vacant_since": None, "lead_seat": True,
                      "covered_by": "riley"}
    response = client.patch("/api/v1/seats/cs/", {"holder": "jamie"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["holder"] == "jamie" and response.json()["vacant_since"] is None
    refused = api.as_user(_fresh(User.objects.get(username="jamie"))).patch(
        "/api/v1/seats/cs/", {"deputy": "riley"}, format="json")
    assert refused.status_code == 403


def test_ui_seat_form_refuses_with_the_rule_and_changes_nothing(seat_lead):
    client = Client()
    client.force_login(seat_lead)
    before = _state()
    response = client.post("/seats/revops/", {"revops-holder": "", "revops-deputy": ""},
                           follow=True)
    assert "At least one active person must have RevOps lead rights" in response.content.decode()
    assert _state() == before
    page = client.get("/seats/").content.decode()
    assert "Riley Okafor" in page and "RevOps lead" in page


def test_ui_hand_over_refuses_the_last_leads_deactivation_with_409(api):
    grant_only = LeadFactory(username="grant-only")
    UserFactory(username="jamie")
    client = Client()
    client.force_login(grant_only)
    before = _state()
    response = client.post("/people/grant-only/handover/", {"to": "jamie", "deactivate": "on"})
    assert response.status_code == 409
    assert "At least one active person" in response.content.decode()
    assert _state() == before


@pytest.mark.parametrize("change", ["deactivate", "ungroup", "unsuperuser", "delete"])
def test_console_refuses_to_remove_the_last_leads_rights(change):
    grant_only = LeadFactory(username="grant-only", is_staff=True)
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    target = superuser if change == "unsuperuser" else grant_only
    # Whoever is not the target has left: the target is the last lead.
    User.objects.filter(pk=(grant_only if change == "unsuperuser" else superuser).pk).update(
        is_active=False)
    client = Client()
    client.force_login(superuser if change == "unsuperuser" else grant_only)
    before = _state()
    if change == "delete":
        response = client.post(f"/admin/auth/user/{target.pk}/delete/", {"post": "yes"},
                               follow=True)
    else:
        form = {"username": target.username, "first_name": "", "last_name": "",
                "email": "", "is_active": "on", "is_staff": "on",
                "is_superuser": "on" if target.is_superuser else "",
                "groups": [str(g.pk) for g in target.groups.all()],
                "last_login_0": "", "last_login_1": "",
                "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"}
        if change == "deactivate":
            form["is_active"] = ""
        elif change == "ungroup":
            form["groups"] = []
        else:
            form["is_superuser"] = ""
        response = client.post(f"/admin/auth/user/{target.pk}/change/", form, follow=True)
    assert "At least one active person must have RevOps lead rights" in (
        response.content.decode()), response.content.decode()[:2000]
    assert _state() == before
    assert User.objects.filter(pk=target.pk).exists()


def test_console_function_form_refuses_to_empty_the_revops_seat(seat_lead):
    client = Client()
    client.force_login(seat_lead)
    before = _state()
    revops = Function.objects.get(slug="revops")
    response = client.post(f"/admin/revops/function/{revops.pk}/change/",
                           {"name": "RevOps", "position": revops.position, "head": "",
                            "deputy": ""}, follow=True)
    assert "At least one active person must have RevOps lead rights" in (
        response.content.decode())
    assert _state() == before


def test_a_model_import_that_gives_the_revops_seat_to_nobody_who_can_sign_in_is_refused(
        seat_lead):
    document = model_file.export_model()
    newcomer = {"username": "newcomer", "first_name": "New", "last_name": "Comer",
                "email": "new@example.com"}
    document["people"].append(newcomer)
    next(f for f in document["functions"] if f["slug"] == "revops")["head"] = "newcomer"
    before = _state()
    with pytest.raises(seats.NoLeadLeft):
        model_file.import_model(document=json.loads(json.dumps(document)), actor=seat_lead,
                                door=Door.API, replace=True)
    assert _state() == before
    assert not User.objects.filter(username="newcomer").exists()


# How a seat reads and who it gives the console -------------------------------------


def test_a_seat_is_named_with_its_deputy_or_as_vacant_and_who_covers_it(db):
    sales = Function.objects.get(slug="sales")
    hannah = UserFactory(first_name="Hannah", last_name="Kim")
    jamie = UserFactory(first_name="Jamie", last_name="Osei")
    Function.objects.filter(pk=sales.pk).update(head=hannah, deputy=jamie)
    sales.refresh_from_db()
    assert seats.holder_label(sales) == "Hannah Kim (deputy: Jamie Osei)"
    Function.objects.filter(pk=sales.pk).update(head=None)
    sales.refresh_from_db()
    assert seats.holder_label(sales) == "Vacant (covered by Jamie Osei)"
    Function.objects.filter(pk=sales.pk).update(deputy=None)
    sales.refresh_from_db()
    assert seats.holder_label(sales) == "Vacant"


def test_a_vacant_seat_without_a_deputy_is_covered_by_whoever_acts_for_revops(seat_lead):
    Function.objects.filter(slug="sales").update(head=None, deputy=None)
    functions = list(Function.objects.select_related("head", "deputy"))
    covered = dict(seats.vacancies(functions))
    assert covered[next(f for f in functions if f.slug == "sales")] == seat_lead


def test_a_seat_holder_and_a_deputy_get_the_console_and_nobody_else(db):
    holder, deputy, other = UserFactory(), UserFactory(), UserFactory()
    Function.objects.filter(slug="finance").update(head=holder, deputy=deputy)
    assert seats.should_be_staff(holder) and seats.should_be_staff(deputy)
    assert not seats.should_be_staff(other)
