"""Calendar feed tokens: one live link per person."""

from django.db import transaction
from django.utils import timezone

from cadence.models import FeedToken
from revops import audit, policy


@transaction.atomic
def feed_token_create(*, user, actor, door):
    """A new calendar feed token for ``user``; earlier ones are revoked (one live link
    per person). Returns ``(token, raw)``: the raw value is shown once, never stored."""
    policy.require_manage_tokens_of(actor, user)
    now = timezone.now()
    for old in FeedToken.objects.filter(user=user, revoked_at__isnull=True):
        feed_token_revoke(token=old, actor=actor, door=door)
    token, raw = FeedToken.issue(user=user, created_at=now)
    token.full_clean()
    token.save()
    audit.record(actor=actor, door=door, action="create", obj=token)
    return token, raw


@transaction.atomic
def feed_token_revoke(*, token, actor, door):
    policy.require_manage_tokens_of(actor, token.user_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, door=door, action="revoke", obj=token)
    return token


def feed_token_user(raw):
    """The user a raw feed token belongs to, or None (unknown, revoked, expired, inactive)."""
    token = FeedToken.authenticate(raw)
    return token.user if token else None
