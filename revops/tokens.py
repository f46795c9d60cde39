"""Secrets we hand out once and keep only as a SHA-256 digest: API tokens and calendar
feed tokens are both a ``HashedToken``."""

import hashlib
import secrets
from datetime import datetime, time, timedelta

from django.db import models
from django.utils import timezone

# Recording every use would be a write per request; to the minute is all the pages show.
LAST_USED_EVERY = timedelta(minutes=1)


def end_of_day(day):
    """A token that "expires on" a date works through that whole day in the configured
    time zone: it stops at the next midnight there."""
    midnight = datetime.combine(day + timedelta(days=1), time.min)
    return timezone.make_aware(midnight, timezone.get_default_timezone())


class HashedToken(models.Model):
    """A secret that acts as its user until it is revoked or expires.

    Subclasses add ``user`` (the person it acts as) and set ``KIND`` (what the raw value
    begins with, so a leaked one can be recognised), ``SECRET_BYTES`` and
    ``PREFIX_LENGTH`` (how much of the secret is kept to tell tokens apart; at most the
    ``prefix`` column's 8)."""

    KIND = ""
    SECRET_BYTES = 32
    PREFIX_LENGTH = 8

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"
        REVOKED = "revoked", "Revoked"

    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @staticmethod
    def digest_of(raw):
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, **fields):
        """A new, unsaved token; returns ``(token, raw)``. The raw value is never stored."""
        raw = cls.KIND + secrets.token_urlsafe(cls.SECRET_BYTES)
        token = cls(prefix=raw[len(cls.KIND):][:cls.PREFIX_LENGTH], digest=cls.digest_of(raw),
                    **fields)
        return token, raw

    @classmethod
    def authenticate(cls, raw):
        """The usable token whose raw value is ``raw`` (its user loaded), with this use
        recorded; None when it is unknown, revoked or expired, or its user is inactive."""
        if not raw:
            return None
        token = cls.objects.select_related("user").filter(digest=cls.digest_of(raw)).first()
        if token is None or not token.is_usable or not token.user.is_active:
            return None
        token._record_use()
        return token

    def _record_use(self):
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at > LAST_USED_EVERY:
            type(self).objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now

    @property
    def is_expired(self):
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def state(self):
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.is_expired:
            return self.State.EXPIRED
        return self.State.ACTIVE

    @property
    def is_usable(self):
        return self.state == self.State.ACTIVE
