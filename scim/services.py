"""The writes an identity provider makes through SCIM: people provisioned, changed,
deactivated (their departure) and deleted. Each asks the policy with the token's owner
as the actor, is audited, and leaves the rules of leaving to the departure itself
(``overview.departures.person_leaves``), so a provider's ``active: false`` is the same
departure a lead records: hand-over to the successor an open departure names, else the
seats fall vacant for the deputies, tokens revoked, refused if no lead would remain."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from overview import departures
from revops import audit, policy, seats
from revops import services as core_services
from scim.models import ScimIdentity

#: What a provider may change about a person, as user fields.
USER_FIELDS = ["username", "first_name", "last_name", "email"]
#: What only SCIM keeps about them.
IDENTITY_FIELDS = ["external_id", "email_type"]


def _snapshot(user, identity):
    return {**audit.snapshot(user, USER_FIELDS), **audit.snapshot(identity, IDENTITY_FIELDS)}


def _set_active(*, actor, door, user, active):
    """``active: false`` is the person's departure, at once; ``true`` lets them back in."""
    if active == user.is_active:
        return
    if active:
        core_services.person_reactivate(actor=actor, door=door, person=user)
    else:
        departures.person_leaves(actor=actor, door=door, person=user)
    user.refresh_from_db(fields=["is_active", "is_staff"])


@transaction.atomic
def user_provision(*, actor, door, username, first_name="", last_name="", email="",
                   email_type="", external_id="", active=True):
    """A person the provider assigned to RevOps: a new user with no usable password
    (they sign in with single sign-on, or choose a password by e-mail). Made inactive
    when the provider says so, holding nothing to hand over."""
    policy.require_administer(actor)
    user = get_user_model()(username=username, first_name=first_name, last_name=last_name,
                            email=email, is_active=active)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    identity = ScimIdentity(user=user, external_id=external_id, email_type=email_type)
    identity.full_clean()
    identity.save()
    audit.record(actor=actor, door=door, action="create", obj=user, changes={
        **audit.changes_between({}, _snapshot(user, identity)), "is_active": [None, active]})
    return user


@transaction.atomic
def user_update(*, actor, door, user, active=None, **fields):
    """Change what the provider keeps about a person (``USER_FIELDS`` and
    ``IDENTITY_FIELDS``), then, when ``active`` changes, start their departure or let them
    back in. All or nothing: a departure refused (``NoLeadLeft``) changes nothing."""
    policy.require_administer(actor)
    unknown = set(fields) - {*USER_FIELDS, *IDENTITY_FIELDS}
    if unknown:
        raise TypeError(f"user_update() cannot change {sorted(unknown)!r}")
    if active is False:
        seats.hold_lead_rights()  # before any row lock, as every such write does
    user = get_user_model().objects.select_for_update(no_key=True).get(pk=user.pk)
    identity, _ = ScimIdentity.objects.select_for_update().get_or_create(user=user)
    before, was_active = _snapshot(user, identity), user.is_active
    for name, value in fields.items():
        setattr(identity if name in IDENTITY_FIELDS else user, name, value)
    user.full_clean()
    identity.full_clean()
    changes = audit.changes_between(before, _snapshot(user, identity))
    if changes:
        user.save(update_fields=[f for f in USER_FIELDS if f in changes])
        audit.record(actor=actor, door=door, action="update", obj=user, changes=changes)
    if active is not None:
        _set_active(actor=actor, door=door, user=user, active=active)
    if changes or user.is_active != was_active:
        identity.changed_at = timezone.now()
        identity.save()
    return user


@transaction.atomic
def user_delete(*, actor, door, user):
    """The provider deleted the person: they leave (if they had not already) and are gone
    from SCIM, while RevOps keeps them, deactivated, with everything they did."""
    policy.require_administer(actor)
    seats.hold_lead_rights()
    user = get_user_model().objects.select_for_update(no_key=True).get(pk=user.pk)
    identity, _ = ScimIdentity.objects.select_for_update().get_or_create(user=user)
    if identity.deleted_at is not None:
        return user
    _set_active(actor=actor, door=door, user=user, active=False)
    identity.deleted_at = identity.changed_at = timezone.now()
    identity.save()
    audit.record(actor=actor, door=door, action="scim_delete", obj=user,
                 changes={"scim": ["provisioned", "deleted"]})
    return user
