"""The one SCIM Group, "RevOps leads": a provider links its group to it and adds or
removes members, which grants or takes lead rights (audited, through SCIM's door). It is
found by name, cannot be renamed, and no other group is made or deleted."""

import pytest
from scim2_models import Error, SearchRequest

from revops import policy
from revops.models import AuditEntry, Door
from tests.factories import UserFactory
from tests.scim.test_departures import PATCH

GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


@pytest.fixture
def leads():
    return policy.ensure_leads_group()


def _patch(scim, group, *operations, **kwargs):
    return scim.modify("Group", str(group.pk), {"schemas": [PATCH], "Operations": operations},
                       check_request_payload=False, **kwargs)


def test_the_provider_finds_the_leads_group_by_name_with_its_members(scim, okta, leads):
    found = scim.query(scim.get_resource_model("Group"), query_parameters=SearchRequest(
        filter='displayName eq "RevOps leads"'))
    assert found.total_results == 1
    (group,) = found.resources
    assert group.id == str(leads.pk) and group.display_name == "RevOps leads"
    assert [m.value for m in group.members] == [str(okta.pk)]
    assert scim.query(scim.get_resource_model("Group"), query_parameters=SearchRequest(
        filter='displayName eq "Sales"')).total_results == 0
    user = scim.query(scim.get_resource_model("User"), str(okta.pk))
    assert [(g.value, g.display) for g in user.groups] == [(str(leads.pk), "RevOps leads")]


def test_okta_adds_a_member_who_becomes_a_lead_audited(scim, okta, leads):
    dana = UserFactory(username="dana")
    _patch(scim, leads, {"op": "add", "path": "members",
                         "value": [{"value": str(dana.pk), "display": "dana"}]})
    assert policy.is_lead(dana)
    entry = AuditEntry.objects.get(object_id=str(dana.pk), action="update")
    assert (entry.actor, entry.door, entry.changes) == (okta, Door.SCIM,
                                                        {"revops_lead": [False, True]})


@pytest.mark.parametrize("removal", [
    lambda pk: {"op": "remove", "path": f'members[value eq "{pk}"]'},  # Okta
    lambda pk: {"op": "Remove", "path": "members", "value": [{"value": str(pk)}]},  # Entra
], ids=["okta", "entra"])
def test_removing_a_member_takes_their_lead_rights_while_another_lead_remains(
        scim, okta, leads, removal):
    dana = UserFactory(username="dana")
    leads.user_set.add(dana)
    _patch(scim, leads, removal(dana.pk))
    assert not dana.groups.filter(pk=leads.pk).exists()
    assert policy.is_lead(okta)


def test_a_member_must_be_a_user_here(scim, leads):
    error = _patch(scim, leads, {"op": "add", "path": "members", "value": [{"value": "999"}]},
                   raise_scim_errors=False)
    assert isinstance(error, Error) and error.status == 400 and "999" in error.detail


def test_the_group_keeps_its_name(scim, leads):
    error = _patch(scim, leads, {"op": "replace", "path": "displayName", "value": "Admins"},
                   raise_scim_errors=False)
    assert isinstance(error, Error) and error.status == 400
    assert error.scim_type == "mutability"
    leads.refresh_from_db()
    assert leads.name == "RevOps leads"


def test_no_other_group_is_created_or_deleted(scim, leads):
    created = scim.create({"schemas": [GROUP], "displayName": "Sales"},
                          check_request_payload=False, url="/Groups", raise_scim_errors=False)
    assert isinstance(created, Error) and created.status == 501
    assert "RevOps leads" in created.detail
    deleted = scim.delete("Group", str(leads.pk), raise_scim_errors=False)
    assert isinstance(deleted, Error) and deleted.status == 501
