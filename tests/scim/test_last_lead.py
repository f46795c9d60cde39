"""The install never loses its last active lead through SCIM: deactivating, deleting or
taking the leads group from the last one is refused with a SCIM 409 naming the rule, and
nothing changes. The last lead is the token's owner themselves (a token acts for a
lead), so these are a provider deprovisioning the very account it provisions with."""

import json

import pytest
from scim2_models import Error

from overview.models import Departure
from revops import policy
from revops.models import ApiToken, AuditEntry
from scim.models import ScimIdentity
from tests.factories import UserFactory
from tests.scim.conftest import scim_token
from tests.scim.test_departures import ENTRA_SHAPES, PATCH, entra_patch, okta_user

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def _nothing_changed(okta, audit_before):
    okta.refresh_from_db()
    assert okta.is_active and policy.is_lead(okta)
    assert not Departure.objects.exists()
    assert ApiToken.objects.filter(user=okta, revoked_at__isnull=True).exists()
    assert AuditEntry.objects.count() == audit_before


def _refused(error):
    assert isinstance(error, Error)
    assert error.status == 409
    assert "At least one active person must have RevOps lead rights" in error.detail
    assert "lead_remains" in error.detail


def test_okta_put_inactive_of_the_last_lead_is_a_409_naming_the_rule(scim, okta):
    before = AuditEntry.objects.count()
    body = okta_user(str(okta.pk), active=False, username="okta")
    _refused(scim.replace(body, check_request_payload=False, url=f"/Users/{okta.pk}",
                          raise_scim_errors=False))
    _nothing_changed(okta, before)


@pytest.mark.parametrize("operation", ENTRA_SHAPES.values(), ids=ENTRA_SHAPES.keys())
def test_entra_patch_inactive_of_the_last_lead_is_a_409(scim, okta, operation):
    before = AuditEntry.objects.count()
    _refused(scim.modify("User", str(okta.pk), {"schemas": [PATCH], "Operations": [operation]},
                         check_request_payload=False, raise_scim_errors=False))
    _nothing_changed(okta, before)


def test_deleting_the_last_lead_is_a_409(scim, okta):
    before = AuditEntry.objects.count()
    _refused(scim.delete("User", str(okta.pk), raise_scim_errors=False))
    _nothing_changed(okta, before)
    assert not ScimIdentity.objects.filter(deleted_at__isnull=False).exists()


def test_taking_the_last_lead_out_of_the_leads_group_is_a_409(scim, okta):
    before = AuditEntry.objects.count()
    group = policy.ensure_leads_group()
    remove = {"op": "remove", "path": f'members[value eq "{okta.pk}"]'}
    _refused(scim.modify("Group", str(group.pk), {"schemas": [PATCH], "Operations": [remove]},
                         check_request_payload=False, raise_scim_errors=False))
    _nothing_changed(okta, before)


def test_the_409_is_a_scim_error_body_with_status_409(client, okta):
    response = client.patch(
        f"/scim/v2/Users/{okta.pk}", json.dumps({"schemas": [PATCH], "Operations": [
            ENTRA_SHAPES["path active"]]}), content_type="application/scim+json",
        HTTP_AUTHORIZATION=f"Bearer {scim_token(okta)}")
    assert response.status_code == 409
    assert response["Content-Type"] == "application/scim+json"
    body = response.json()
    assert body["schemas"] == [ERROR] and body["status"] == "409"
    assert "(rule: lead_remains)" in body["detail"]


def test_with_another_lead_left_the_same_deactivation_happens(scim, okta):
    policy.ensure_leads_group().user_set.add(UserFactory(username="other-lead"))
    entra_patch(scim, okta, ENTRA_SHAPES["no path"])
    okta.refresh_from_db()
    assert not okta.is_active and Departure.objects.get(person=okta).done_at
