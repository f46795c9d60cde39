"""Calendar feed tokens: one live link per person."""

from django.db import transaction
from django.utils import timezone

from cadence.models import FeedToken
from revops import audit, policy, revocation


@transaction.atomic
def feed_token_create(*, user, actor, door):
    """A new calendar feed token for ``user``; earlier ones are revoked (one live link
    per person). Returns ``(token, raw)``: the raw value is shown once, never stored."""
    policy.require_manage_tokens_of(actor, user)
    now = timezone.now()
    feed_tokens_revoke(tokens=FeedToken.objects.filter(user=user, revoked_at__isnull=True),
                       actor=actor, door=door)
    token, raw = FeedToken.issue(user=user, created_at=now)
    token.full_clean()
    token.save()
    audit.record(actor=actor, door=door, action="create", obj=token)
    return token, raw


def feed_token_revoke(*, token, actor, door):
    return feed_tokens_revoke(tokens=[token], actor=actor, door=door)[0]


@transaction.atomic
def feed_tokens_revoke(*, tokens, actor, door):
    """Revoke ``tokens`` in one statement and one bulk insert of audit entries (the
    hand-over's and a departure's move). Returns the tokens."""
    return revocation.revoke(FeedToken, actor=actor, door=door, tokens=tokens)


def feed_token_user(raw):
    """The user a raw feed token belongs to, or None (unknown, revoked, expired, inactive)."""
    token = FeedToken.authenticate(raw)
    return token.user if token else None
