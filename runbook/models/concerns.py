"""Readers' concerns: "this section may be out of date", one open per reader and section."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from revops import constraints
from revops.models import Door
from runbook.models.runbooks import Section

MAX_REASON_CHARS = 1000
ONE_OPEN_CONCERN = ("You already have an open concern on this section; it is answered when "
                    "the section is next reviewed or revised.")


class Concern(models.Model):
    """A reader's "this looks out of date", open until the section is next reviewed or
    revised; the review's note (or the revision's summary) is its answer."""

    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="concerns")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_at = models.DateTimeField(default=timezone.now)
    door = models.CharField(max_length=10, choices=Door.choices)
    reason = models.TextField(max_length=MAX_REASON_CHARS)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    answer = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "raised_by"],
                condition=Q(resolved_at__isnull=True),
                name="runbook_one_open_concern_per_reader",
            ),
        ]

    def __str__(self):
        status = "open" if self.resolved_at is None else "answered"
        return f"{self.section}: concern of {self.raised_at:%Y-%m-%d} ({status})"

    @property
    def is_open(self):
        return self.resolved_at is None


constraints.register({"runbook_one_open_concern_per_reader": ONE_OPEN_CONCERN})
