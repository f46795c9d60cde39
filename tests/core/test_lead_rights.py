"""Lead rights granted and taken through the leads group, and people let back in: the
core services an identity provider's group and ``active: true`` come through."""

import pytest
from django.core.exceptions import ValidationError

from revops import policy, seats, services
from revops.errors import Refused
from revops.models import AuditEntry, Door
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _is_member(user):
    return user.groups.filter(pk=policy.ensure_leads_group().pk).exists()


def test_granting_lead_rights_makes_a_lead_with_the_console_and_is_audited(lead):
    dana = UserFactory(username="dana")
    changed = services.leads_change(actor=lead, door=Door.SCIM, add=[dana])
    dana.refresh_from_db()
    assert changed == [dana] and _is_member(dana) and dana.is_staff
    entry = AuditEntry.objects.get(object_id=str(dana.pk), action="update")
    assert (entry.actor, entry.door, entry.changes) == (lead, Door.SCIM,
                                                        {"revops_lead": [False, True]})


def test_taking_lead_rights_from_the_last_lead_is_refused_and_changes_nothing(lead):
    with pytest.raises(seats.NoLeadLeft):
        services.leads_change(actor=lead, door=Door.SCIM, remove=[lead])
    assert _is_member(lead)
    assert not AuditEntry.objects.filter(object_id=str(lead.pk)).exists()


def test_a_lead_may_hand_lead_rights_to_someone_else_in_one_change(lead):
    dana = UserFactory(username="dana")
    services.leads_change(actor=lead, door=Door.SCIM, add=[dana], remove=[lead])
    assert _is_member(dana) and not _is_member(lead)


def test_a_deactivated_person_is_not_granted_lead_rights(lead):
    gone = UserFactory(username="gone", is_active=False)
    with pytest.raises(ValidationError) as refusal:
        services.leads_change(actor=lead, door=Door.SCIM, add=[gone])
    assert "members" in refusal.value.message_dict and not _is_member(gone)


def test_nothing_to_change_writes_nothing(lead):
    assert services.leads_change(actor=lead, door=Door.SCIM, add=[lead]) == []
    assert not AuditEntry.objects.exists()


def test_reactivating_lets_them_sign_in_again_audited(lead):
    back = UserFactory(username="back", is_active=False)
    services.person_reactivate(actor=lead, door=Door.SCIM, person=back)
    back.refresh_from_db()
    assert back.is_active
    entry = AuditEntry.objects.get(action="reactivate")
    assert entry.door == Door.SCIM and entry.changes == {"is_active": [False, True]}


@pytest.mark.parametrize("write", [
    lambda actor, other: services.leads_change(actor=actor, door=Door.API, add=[other]),
    lambda actor, other: services.person_reactivate(actor=actor, door=Door.API, person=other),
])
def test_only_leads_may_grant_rights_or_let_people_back(write, viewer):
    other = UserFactory(username="other", is_active=False)
    with pytest.raises(Refused):
        write(viewer, other)
