"""State changes of the shared core: functions, profiles, API tokens, webhooks and
channels."""

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from revops import audit, events, people, policy, revocation, seats, tokens, zones
from revops.models import ApiToken, Channel, Function, Profile, Webhook

FUNCTION_FIELDS = ["slug", "name", "position", "head", "deputy"]
SEAT_FIELDS = {"head", "deputy"}


def _sync_head_staff(user):
    """Seat holders, deputies and leads get the console (staff); someone who is none of
    these any more loses it."""
    if user is None or user.is_superuser:
        return
    staff = seats.should_be_staff(user)
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])


def _seat_event(function, before):
    events.emit("seat.changed", {
        "function": function.slug,
        "holder": function.head.get_username() if function.head_id else None,
        "deputy": function.deputy.get_username() if function.deputy_id else None,
        "vacant_since": function.vacant_since.isoformat() if function.vacant_since else None,
        "previous_holder": before["head"],
        "previous_deputy": before["deputy"],
    })


@transaction.atomic
def function_create(*, actor, door, slug, name, position=0, head=None, deputy=None):
    policy.require_administer(actor)
    people.lock_active([("head", head), ("deputy", deputy)])
    function = Function(slug=slug, name=name, position=position, head=head, deputy=deputy,
                        vacant_since=None if head else timezone.now())
    function.full_clean()
    function.save()
    _sync_head_staff(head)
    _sync_head_staff(deputy)
    audit.record(actor=actor, door=door, action="create", obj=function,
                 changes=audit.changes_between({}, audit.snapshot(function, FUNCTION_FIELDS)))
    return function


@transaction.atomic
def function_update(*, actor, door, function, **fields):
    """Change name, position or the seat: its holder (``head``) and ``deputy``.

    A seat's people must be active, checked under their row locks (taken before the
    function's, as the hand-over takes them), even when they already hold it: the
    caller's instance may predate a hand-over that moved the seat; a seat left
    without a holder records since when it is vacant; holders and deputies get the
    console. Changing the RevOps seat moves lead rights, so it is refused (``NoLeadLeft``)
    if it would leave nobody with them. A seat change is announced as ``seat.changed``."""
    policy.require_administer(actor)
    unknown = set(fields) - {"name", "position", *SEAT_FIELDS}
    if unknown:
        raise TypeError(f"function_update() cannot change {sorted(unknown)!r}")
    if function.is_revops_seat and SEAT_FIELDS & set(fields):
        seats.hold_lead_rights()
    people.lock_active([(name, fields[name]) for name in sorted(SEAT_FIELDS & set(fields))])
    function = Function.objects.select_for_update().get(pk=function.pk)
    before = audit.snapshot(function, FUNCTION_FIELDS)
    previous = {function.head, function.deputy} - {None}
    for name, value in fields.items():
        setattr(function, name, value)
    if function.head_id is None and function.vacant_since is None:
        function.vacant_since = timezone.now()
    elif function.head_id is not None:
        function.vacant_since = None
    function.full_clean()
    function.save()
    changes = audit.changes_between(before, audit.snapshot(function, FUNCTION_FIELDS))
    seat_changed = bool(SEAT_FIELDS & set(changes))
    if seat_changed:
        for person in previous | {function.head, function.deputy} - {None}:
            _sync_head_staff(person)
        if function.is_revops_seat:
            seats.require_a_lead_remains()
    if changes:
        audit.record(actor=actor, door=door, action="update", obj=function, changes=changes)
    if seat_changed:
        _seat_event(function, before)
    return function


@transaction.atomic
def person_deactivate(*, actor, door, person):
    """The person can no longer sign in. Refused (``NoLeadLeft``) when they are the last
    active person with lead rights, including a lead deactivating themselves. What they
    hold stays with them: the hand-over and the departure move it first."""
    policy.require_administer(actor)
    seats.hold_lead_rights()
    person = get_user_model().objects.select_for_update(no_key=True).get(pk=person.pk)
    if not person.is_active:
        return person
    person.is_active = False
    person.save(update_fields=["is_active"])
    seats.require_a_lead_remains()
    audit.record(actor=actor, door=door, action="deactivate", obj=person,
                 changes={"is_active": [True, False]})
    return person


@transaction.atomic
def person_reactivate(*, actor, door, person):
    """The person can sign in again (an identity provider enabled them again). What they
    held when they left stays with whoever holds it now, and the tokens revoked then stay
    revoked: a lead gives them seats again if they should have them."""
    policy.require_administer(actor)
    person = get_user_model().objects.select_for_update(no_key=True).get(pk=person.pk)
    if person.is_active:
        return person
    person.is_active = True
    person.save(update_fields=["is_active"])
    _sync_head_staff(person)
    audit.record(actor=actor, door=door, action="reactivate", obj=person,
                 changes={"is_active": [False, True]})
    return person


@transaction.atomic
def leads_change(*, actor, door, add=(), remove=()):
    """Grant lead rights to the people in ``add`` and take them from those in ``remove``
    (membership of the leads group, the explicit grant; the RevOps seat grants them too).
    Only active people are granted them. Refused (``NoLeadLeft``, nothing changed) when
    nobody with lead rights would remain. Each person's change is audited as
    ``revops_lead``; returns the people whose rights changed."""
    policy.require_administer(actor)
    leads = policy.ensure_leads_group()
    wanted = {person.pk: True for person in add} | {person.pk: False for person in remove}
    if set(wanted) & {p.pk for p in add} & {p.pk for p in remove}:
        raise ValidationError({"members": "A person cannot be both added and removed."})
    if remove:
        seats.hold_lead_rights()
    people = (get_user_model().objects.select_for_update(no_key=True).filter(pk__in=wanted)
              .order_by("pk"))
    members = set(leads.user_set.filter(pk__in=wanted).values_list("pk", flat=True))
    changed = []
    for person in people:
        grant = wanted[person.pk]
        if grant == (person.pk in members):
            continue
        if grant and not person.is_active:
            raise ValidationError({"members": f"“{person.get_username()}” is deactivated: "
                                              "grant lead rights to someone who can sign in."})
        (leads.user_set.add if grant else leads.user_set.remove)(person)
        _sync_head_staff(person)
        audit.record(actor=actor, door=door, action="update", obj=person,
                     changes={"revops_lead": [not grant, grant]})
        changed.append(person)
    if any(person.pk in members for person in changed):
        seats.require_a_lead_remains()
    return changed


def time_zone_of(user):
    """The zone a person reads times in: their profile's, else the site's."""
    profile = Profile.objects.filter(user_id=user.pk).values_list("time_zone", flat=True)
    return next(iter(profile), None) or zones.default_zone()


@transaction.atomic
def profile_update(*, actor, door, user, time_zone):
    """Set the zone ``user`` reads times in (their own, or anyone's for a lead)."""
    policy.require_edit_profile_of(actor, user)
    # A first profile made by two requests at once: the later one waits for the row
    # (get_or_create re-reads it after losing the insert) and then updates it.
    profile, _ = Profile.objects.select_for_update().get_or_create(
        user=user, defaults={"time_zone": zones.default_zone()})
    before = profile.time_zone
    profile.time_zone = (time_zone or "").strip()
    profile.full_clean()
    profile.save()
    if profile.time_zone != before:
        audit.record(actor=actor, door=door, action="update", obj=profile,
                     changes={"time_zone": [before, profile.time_zone]})
    return profile


@transaction.atomic
def api_token_create(*, actor, door, user, name, scope, expires_at=None, expires_on=None):
    """Make a token; returns ``(token, raw)``. The raw value is never stored.

    It expires at the instant ``expires_at``, or works through the whole day
    ``expires_on`` (a date, as people pick it), or never."""
    policy.require_manage_tokens_of(actor, user)
    if expires_on is not None:
        if expires_at is not None:
            raise TypeError("api_token_create() takes expires_at or expires_on, not both")
        expires_at = tokens.end_of_day(expires_on)
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "A token's expiry must be in the future."})
    token, raw = ApiToken.issue(user=user, name=name, scope=scope, expires_at=expires_at)
    token.full_clean()
    token.save()
    audit.record(actor=actor, door=door, action="create", obj=token,
                 changes={"user": [None, user.get_username()], "scope": [None, scope]})
    return token, raw


def api_token_revoke(*, actor, door, token):
    return api_tokens_revoke(actor=actor, door=door, tokens=[token])[0]


@transaction.atomic
def api_tokens_revoke(*, actor, door, tokens):
    """Revoke ``tokens`` (the hand-over and a departure revoke all of a person's): one
    statement and one bulk insert of their audit entries, whatever their number; a token
    already revoked stays as it was. Returns the tokens."""
    return revocation.revoke(ApiToken, actor=actor, door=door, tokens=tokens)


def _subscription_update(subscription, fields, changeable, snapshot, *, target_key):
    """Set ``fields`` (only ``changeable`` ones) on a webhook or channel, validate and save
    it; returns the audit's changes. The trail keeps a URL's target, not its path (the
    path may be the secret), so a change of the path alone is said in words."""
    before, url_before = snapshot(subscription), subscription.url
    for name, value in fields.items():
        if name not in changeable:
            raise TypeError(f"{type(subscription).__name__}: cannot change {name!r}")
        setattr(subscription, name, list(value) if name in {"events", "layers"} else value)
    subscription.full_clean()
    subscription.save()
    changes = audit.changes_between(before, snapshot(subscription))
    if subscription.url != url_before and target_key not in changes:
        changes[target_key] = [before[target_key], f"{subscription.target} (path changed)"]
    return changes


WEBHOOK_FIELDS = ["url", "events", "active"]


def _webhook_snapshot(webhook):
    """What the audit trail keeps of a webhook: its ``target``, never the whole URL."""
    return {**audit.snapshot(webhook, WEBHOOK_FIELDS), "url": webhook.target}


@transaction.atomic
def webhook_create(*, actor, door, url, events, secret="", active=True):
    """Subscribe a URL to events; a secret is generated when none is given."""
    policy.require_administer(actor)
    webhook = Webhook(url=url, events=list(events), secret=secret or secrets.token_urlsafe(32),
                      active=active, created_by=actor)
    webhook.full_clean()
    webhook.save()
    audit.record(actor=actor, door=door, action="create", obj=webhook,
                 changes=audit.changes_between({}, _webhook_snapshot(webhook)))
    return webhook


@transaction.atomic
def webhook_update(*, actor, door, webhook, **fields):
    policy.require_administer(actor)
    changes = _subscription_update(webhook, fields, {"url", "events", "secret", "active"},
                                   _webhook_snapshot, target_key="url")
    if "secret" in fields:
        changes["secret"] = ["…", "(rotated)"]
    if changes:
        audit.record(actor=actor, door=door, action="update", obj=webhook, changes=changes)
    return webhook


CHANNEL_FIELDS = ["name", "kind", "events", "layers", "active"]
CHANNEL_CHANGEABLE = {"name", "address", "url", "events", "layers", "active"}


def _channel_snapshot(channel):
    """What the audit trail keeps of a channel: where it goes as ``target`` (a Slack URL's
    path is its secret), never the whole URL."""
    return {**audit.snapshot(channel, CHANNEL_FIELDS), "target": channel.target}


@transaction.atomic
def channel_create(*, actor, door, name, kind, events, layers=(), address="", url="",
                   active=True):
    """A place people read about events: an e-mail address or a Slack-compatible incoming
    webhook, subscribed to some of ``revops.registry.channel_events()``, of some
    ``layers`` only or (none) of every layer."""
    policy.require_administer(actor)
    channel = Channel(name=name, kind=kind, events=list(events), layers=list(layers),
                      address=address, url=url, active=active,
                      created_by=audit.user_or_none(actor))
    channel.full_clean()
    channel.save()
    audit.record(actor=actor, door=door, action="create", obj=channel,
                 changes=audit.changes_between({}, _channel_snapshot(channel)))
    return channel


@transaction.atomic
def channel_update(*, actor, door, channel, **fields):
    """Rename, re-target, re-subscribe, pause or resume a channel (its kind stays)."""
    policy.require_administer(actor)
    changes = _subscription_update(channel, fields, CHANNEL_CHANGEABLE, _channel_snapshot,
                                   target_key="target")
    if changes:
        audit.record(actor=actor, door=door, action="update", obj=channel, changes=changes)
    return channel


@transaction.atomic
def channel_delete(*, actor, door, channel):
    """Remove a channel; its messages still waiting in the outbox go with it."""
    policy.require_administer(actor)
    audit.record(actor=actor, door=door, action="delete", obj=channel,
                 changes=audit.changes_between(_channel_snapshot(channel), {}))
    channel.delete()
