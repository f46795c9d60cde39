"""Releases: a named, numbered snapshot of a run book's sections at their revisions."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone

from runbook.choices import ReviewState
from runbook.models.runbooks import Revision, Runbook, Section


class Release(models.Model):
    """A named whole-document version pinning one revision of each section."""

    runbook = models.ForeignKey(Runbook, on_delete=models.PROTECT, related_name="releases")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=120)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The pinned text's words for search (runbook/search.py); PostgreSQL only.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["runbook_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["runbook", "number"], name="runbook_release_number_once"
            ),
            models.UniqueConstraint(fields=["runbook", "name"], name="runbook_release_name_once"),
        ]

    def __str__(self):
        return f"v{self.number} {self.name}"

    @property
    def label(self):
        return f"v{self.number}"


class ReleaseSection(models.Model):
    """What one section looked like, and whether it was in date, when a release was cut."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="entries")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="+")
    revision = models.ForeignKey(
        Revision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_state = models.CharField(max_length=10, choices=ReviewState.choices)
    last_reviewed_on = models.DateField(null=True, blank=True)
    last_reviewed_by_name = models.CharField(max_length=150, blank=True)
    last_reviewed_revision = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["release_id", "section__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "section"], name="runbook_release_section_once"
            ),
        ]

    def __str__(self):
        return f"{self.release} · {self.section.kind}"
