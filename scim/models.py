"""What an identity provider keeps about a person through SCIM, beyond the user itself."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ScimIdentity(models.Model):
    """The provider's side of a person: its own id for them (``externalId``), the kind of
    their e-mail address, when SCIM last changed them, and whether the provider deleted
    them. A deleted person stays in RevOps, deactivated, with their history, and is gone
    from SCIM (404, out of every search), as RFC 7644 §3.6 allows."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="scim_identity")
    external_id = models.CharField(max_length=255, blank=True, db_index=True)
    email_type = models.CharField(max_length=40, blank=True)
    changed_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "SCIM identity"
        verbose_name_plural = "SCIM identities"

    def __str__(self):
        return f"SCIM identity of {self.user}"
