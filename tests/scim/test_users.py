"""Users as a provider reads and writes them: found by filter (``userName eq`` first of
all, as Okta and Entra look a person up before creating them), paged, created once per
username, with one e-mail address kept; every page of the list costs the same queries."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from scim2_models import Error, SearchRequest

from revops.errors import Refused
from revops.models import Door
from scim import services
from tests.factories import UserFactory
from tests.scim.test_departures import USER


def _provision(scim, username, raise_scim_errors=True, **extra):
    body = {"schemas": [USER], "userName": username, "active": True, **extra}
    return scim.create(body, check_request_payload=False, url="/Users",
                       raise_scim_errors=raise_scim_errors)


def _search(scim, **parameters):
    return scim.query(scim.get_resource_model("User"),
                      query_parameters=SearchRequest(**parameters))


@pytest.mark.parametrize(("scim_filter", "expected"), [
    ('userName eq "Dana.Scully"', ["dana.scully"]),
    ('externalId eq "00u2"', ["fox"]),
    ('externalId eq "00U2"', []),
    ('emails.value co "@fbi.example"', ["dana.scully", "fox"]),
    ('emails[type eq "home"]', []),
    ('emails[type eq "work" and value sw "fox"]', ["fox"]),
    ('name.familyName eq "mulder" or userName sw "dana"', ["dana.scully", "fox"]),
    ("active eq false", ["walter"]),
    ('not (userName eq "okta") and active eq true', ["dana.scully", "fox"]),
])
def test_filters_find_people_as_the_rfc_compares(scim, scim_filter, expected):
    _provision(scim, "dana.scully", emails=[{"value": "dana@fbi.example", "type": "work"}])
    _provision(scim, "fox", externalId="00u2", name={"familyName": "Mulder"},
               emails=[{"value": "fox@fbi.example", "type": "work"}])
    _provision(scim, "walter", active=False)
    found = _search(scim, filter=scim_filter)
    assert sorted(user.user_name for user in found.resources or []) == expected
    assert found.total_results == len(expected)


def test_a_filter_on_groups_is_refused_as_invalid(scim):
    error = scim.query("User", query_parameters={"filter": 'groups.value eq "1"'},
                       raise_scim_errors=False)
    assert isinstance(error, Error) and error.status == 400
    assert error.scim_type == "invalidFilter"


def test_pages_by_start_index_and_count(scim, okta):
    for name in ["a1", "a2", "a3"]:
        _provision(scim, name)
    page = _search(scim, start_index=2, count=2)
    assert (page.total_results, page.start_index, page.items_per_page) == (4, 2, 2)
    assert [user.user_name for user in page.resources] == ["a1", "a2"]
    assert _search(scim, count=0).total_results == 4


def test_a_username_is_provisioned_once(scim):
    _provision(scim, "dana")
    error = _provision(scim, "DANA".lower(), raise_scim_errors=False)
    assert isinstance(error, Error) and error.status == 409 and error.scim_type == "uniqueness"
    assert get_user_model().objects.filter(username="dana").count() == 1


def test_a_bad_username_or_address_is_a_400_naming_it(scim):
    error = _provision(scim, "dana scully", raise_scim_errors=False)
    assert isinstance(error, Error) and error.status == 400
    assert error.scim_type == "invalidValue" and error.detail.startswith("userName: ")
    error = _provision(scim, "dana", emails=[{"value": "not an address"}],
                       raise_scim_errors=False)
    assert isinstance(error, Error) and error.status == 400
    assert error.detail.startswith("emails.value: ")
    assert not get_user_model().objects.filter(username__startswith="dana").exists()


def test_of_several_addresses_the_primary_one_is_kept(scim):
    created = _provision(scim, "dana", emails=[
        {"value": "home@example.com", "type": "home"},
        {"value": "dana@fbi.example", "type": "work"},
        {"value": "primary@example.com", "type": "other", "primary": True}])
    assert created["emails"] == [{"value": "primary@example.com", "type": "other"}]
    person = get_user_model().objects.get(username="dana")
    assert person.email == "primary@example.com"


def test_a_nul_character_is_refused_not_stored(scim):
    error = _provision(scim, "dana", name={"givenName": "Da\x00na"}, raise_scim_errors=False)
    assert isinstance(error, Error) and error.status == 400


def _queries_for_a_page(scim):
    with CaptureQueriesContext(connection) as queries:
        _search(scim, count=50)
    return len(queries)


def test_the_list_costs_the_same_queries_for_3_or_30_people(scim, okta):
    UserFactory.create_batch(3)
    few = _queries_for_a_page(scim)
    UserFactory.create_batch(27)
    assert _queries_for_a_page(scim) == few


@pytest.mark.parametrize("write", [
    lambda actor, person: services.user_provision(actor=actor, door=Door.SCIM, username="x"),
    lambda actor, person: services.user_update(actor=actor, door=Door.SCIM, user=person,
                                               active=False),
    lambda actor, person: services.user_delete(actor=actor, door=Door.SCIM, user=person),
], ids=["provision", "update", "delete"])
def test_the_services_refuse_anyone_but_a_lead_whatever_the_door(write, viewer):
    person = UserFactory(username="dana")
    with pytest.raises(Refused):
        write(viewer, person)
    person.refresh_from_db()
    assert person.is_active and not get_user_model().objects.filter(username="x").exists()


def test_what_entra_sends_beyond_what_we_keep_is_accepted_and_ignored(scim):
    enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    created = scim.create({
        "schemas": [USER, enterprise], "userName": "dana@fbi.example", "active": True,
        "displayName": "Dana Scully", "title": "Agent", "preferredLanguage": "en-US",
        "phoneNumbers": [{"type": "work", "value": "+1 202 555 0100"}],
        enterprise: {"department": "X-Files", "employeeNumber": "42"},
        "emails": [{"primary": True, "type": "work", "value": "dana@fbi.example"}],
    }, check_request_payload=False, url="/Users")
    assert created["userName"] == "dana@fbi.example" and "displayName" not in created
    assert get_user_model().objects.get(username="dana@fbi.example").email == (
        "dana@fbi.example")


@pytest.mark.parametrize("before", [None, "old@fbi.example"])
def test_entra_sets_the_work_address_through_a_filtered_path(scim, before):
    extra = {"emails": [{"value": before, "type": "work"}]} if before else {}
    created = _provision(scim, "dana", **extra)
    scim.modify("User", created["id"], {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Replace", "path": 'emails[type eq "work"].value',
                        "value": "dana@fbi.example"}]}, check_request_payload=False)
    person = get_user_model().objects.get(username="dana")
    assert (person.email, person.scim_identity.email_type) == ("dana@fbi.example", "work")
