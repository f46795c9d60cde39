"""An identity provider deprovisions a person and the departure happens at once: Okta
by a PUT of the whole user with ``active: false``, Entra by a PATCH replacing ``active``
(with and without a path). Through scim2-client, the way a provider talks to us."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from scim2_models import Error, NotFoundException

from overview import departures
from overview.models import Departure
from revops import services
from revops.models import ApiToken, AuditEntry, Door
from tests.factories import UserFactory, function

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

ENTRA_SHAPES = {
    "no path": {"op": "replace", "value": {"active": False}},
    "path active": {"op": "Replace", "path": "active", "value": False},
}


def okta_user(user_id, *, active, username="dana"):
    """What Okta PUTs: the whole user, with attributes we do not keep."""
    return {"schemas": [USER], "id": user_id, "userName": username,
            "name": {"givenName": "Dana", "familyName": "Scully"},
            "emails": [{"primary": True, "value": "dana@example.com", "type": "work"}],
            "displayName": "Dana Scully", "locale": "en-US", "externalId": "00u1dana",
            "groups": [], "active": active}


def entra_patch(scim, person, *operations):
    """A PATCH as Entra sends it, sent as is."""
    return scim.modify("User", str(person.pk),
                       {"schemas": [PATCH], "Operations": list(operations)},
                       check_request_payload=False)


@pytest.fixture
def dana(scim, okta):
    """Provisioned by the provider, then named head of Customer Success (Jamie
    deputising) in the app, with an API token."""
    body = okta_user(None, active=True)
    del body["id"]
    created = scim.create(body, check_request_payload=False, url="/Users")
    person = get_user_model().objects.get(pk=created["id"])
    services.function_update(actor=okta, door=Door.UI, function=function("cs"), head=person,
                             deputy=UserFactory(username="jamie"))
    services.api_token_create(actor=person, door=Door.UI, user=person, name="bi",
                              scope="read")
    return person


def _departed(person, *, successor):
    person.refresh_from_db()
    departure = Departure.objects.get(person=person)
    cs = function("cs")
    assert not person.is_active
    assert departure.done_at is not None and departure.successor == successor
    assert not ApiToken.objects.filter(user=person, revoked_at__isnull=True).exists()
    entry = AuditEntry.objects.get(action="depart")
    assert (entry.actor.username, entry.door) == ("okta", Door.SCIM)
    return cs


def test_a_provisioned_person_is_a_user_with_no_password_and_their_identity(dana):
    assert dana.is_active and not dana.has_usable_password()
    assert (dana.first_name, dana.last_name, dana.email) == ("Dana", "Scully",
                                                             "dana@example.com")
    assert dana.scim_identity.external_id == "00u1dana"
    entry = AuditEntry.objects.get(object_type="auth.user", object_id=str(dana.pk),
                                   action="create")
    assert entry.door == Door.SCIM and entry.changes["username"] == [None, "dana"]


def test_okta_puts_the_user_inactive_and_their_seat_falls_vacant_for_the_deputy(scim, dana):
    replaced = scim.replace(okta_user(str(dana.pk), active=False),
                            check_request_payload=False, url=f"/Users/{dana.pk}")
    assert replaced["active"] is False
    cs = _departed(dana, successor=None)
    assert cs.head is None and cs.vacant_since is not None
    assert cs.deputy.username == "jamie"


@pytest.mark.parametrize("operation", ENTRA_SHAPES.values(), ids=ENTRA_SHAPES.keys())
def test_entra_patches_active_and_the_successor_recorded_takes_over(scim, okta, dana,
                                                                    operation):
    sam = UserFactory(username="sam")
    departures.departure_record(actor=okta, door=Door.UI, person=dana, successor=sam,
                                leaves_on=timezone.localdate() + timedelta(days=30))
    response = entra_patch(scim, dana, operation)
    assert response is None  # 204: nothing was asked back
    cs = _departed(dana, successor=sam)
    assert cs.head == sam
    assert Departure.objects.get(person=dana).handover.successor == sam


def test_a_person_already_gone_is_not_made_to_leave_twice(scim, okta, dana):
    services.person_deactivate(actor=okta, door=Door.CONSOLE, person=dana)
    scim.replace(okta_user(str(dana.pk), active=False), check_request_payload=False,
                 url=f"/Users/{dana.pk}")
    assert not Departure.objects.exists()


def test_enabled_again_they_may_sign_in_again_holding_nothing(scim, dana):
    entra_patch(scim, dana, ENTRA_SHAPES["path active"])
    entra_patch(scim, dana, {"op": "replace", "path": "active", "value": True})
    dana.refresh_from_db()
    assert dana.is_active and function("cs").head is None
    entry = AuditEntry.objects.get(action="reactivate")
    assert (entry.door, entry.changes) == (Door.SCIM, {"is_active": [False, True]})


def test_deleted_by_the_provider_they_leave_and_are_gone_from_scim_but_kept(scim, dana):
    model = scim.get_resource_model("User")
    scim.delete(model, str(dana.pk))
    _departed(dana, successor=None)
    assert isinstance(scim.query(model, str(dana.pk), raise_scim_errors=False), Error)
    with pytest.raises(NotFoundException):
        scim.query(model, str(dana.pk))
    listed = scim.query(model)
    assert str(dana.pk) not in {user.id for user in listed.resources}
    assert get_user_model().objects.filter(pk=dana.pk, is_active=False).exists()
