"""What sections and definitions share: a reviewed document with append-only
revisions, reviews and stale flags (the abstract bases both kinds build on)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from revops.models import Door, Function
from runbook.choices import ReviewState

MAX_BODY_BYTES = 200 * 1024


class RevisionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError("Revisions are append-only.")

    def delete(self):
        raise ValidationError("Revisions are append-only.")


class ReviewedDocument(models.Model):
    """What a section and a definition share: text kept in append-only revisions (the
    row carries the current revision number) and a last-reviewed stamp that the one
    staleness rule (``rules.review_state``) reads. ``runbook/documents.py`` holds the
    writes both make."""

    revision = models.PositiveIntegerField(
        default=0, help_text="Number of the current revision (0 before the first)."
    )
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    last_reviewed_on = models.DateField(
        null=True, blank=True, db_index=True, help_text="Local date of the last review."
    )
    last_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_reviewed_revision = models.PositiveIntegerField(null=True, blank=True)

    # What a writer re-reads under the row lock besides the revision and review stamp
    # (runbook/documents.py: lock): what its events and e-mails say about it.
    locked_fields = ()

    class Meta:
        abstract = True

    @property
    def owning_function_id(self):
        return self.owner_id


class RevisionBase(models.Model):
    """One saved version of a document's Markdown. Append-only: never changed or removed
    (the model refuses it, and on PostgreSQL a trigger refuses it too)."""

    number = models.PositiveIntegerField()
    base_number = models.PositiveIntegerField(
        default=0, help_text="The revision this one was written on top of."
    )
    body = models.TextField()
    body_html = models.TextField(blank=True)
    summary = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    door = models.CharField(max_length=10, choices=Door.choices, default=Door.UI)

    objects = RevisionQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Revisions are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Revisions are append-only.")


class ReviewBase(models.Model):
    """Someone read a document and vouched that it is still true."""

    revision_number = models.PositiveIntegerField()
    reviewed_at = models.DateTimeField(default=timezone.now)
    reviewed_on = models.DateField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    door = models.CharField(max_length=10, choices=Door.choices)
    note = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["-reviewed_at", "-id"]


class StaleFlagBase(models.Model):
    """Raised by the daily scan when a document goes stale; closed by the next review,
    or by the next scan once the rule no longer calls it stale (a scan run for a future
    day, a changed threshold)."""

    raised_at = models.DateTimeField(default=timezone.now)
    raised_on = models.DateField()
    state = models.CharField(
        max_length=10,
        choices=[(ReviewState.STALE, "Stale"), (ReviewState.NEVER, "Never reviewed")],
    )
    last_reviewed_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        Function, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["-raised_at", "-id"]

    def __str__(self):
        status = "open" if self.is_open else "closed"
        document = getattr(self, self.document_key)
        return f"{document} stale since {self.raised_on:%Y-%m-%d} ({status})"

    @property
    def is_open(self):
        return self.closed_at is None
