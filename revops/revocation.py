"""Revoking tokens of either kind (API, calendar feed): the one way both apps' services
do it, one statement and one bulk insert of audit entries for any number of tokens."""

from django.utils import timezone

from revops import audit, policy


def revoke(model, *, actor, door, tokens):
    """Revoke ``tokens`` of ``model``, each asked for (their owner or a lead); a token
    already revoked stays as it was. The caller holds the transaction. Returns the
    tokens."""
    tokens = list(tokens)
    for token in tokens:
        policy.require_manage_tokens_of(actor, token.user_id)
    live = [t for t in tokens if t.revoked_at is None]
    if live:
        now = timezone.now()
        model.objects.filter(pk__in=[t.pk for t in live]).update(revoked_at=now)
        for token in live:
            token.revoked_at = now
        audit.record_many(actor=actor, door=door, action="revoke",
                          changes_by_object=[(t, None) for t in live])
    return tokens
