"""Run books and their six owned sections: revisions, reviews and stale flags."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone

from revops import constraints
from revops.models import Function
from runbook.choices import SectionKind
from runbook.models.documents import ReviewBase, ReviewedDocument, RevisionBase, StaleFlagBase


class RunbookQuerySet(models.QuerySet):
    """The one notion of "the live model" for run books: every run book not archived.
    Every reader (dashboard, readiness, the pack, the brief, the scan, search…) starts
    here, so an archived model is absent from all of them unless asked for."""

    def live(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)


class Runbook(models.Model):
    """One written operating model; a hybrid company keeps one per motion. An archived
    run book (``archived_at`` set when its model was replaced) is read-only."""

    title = models.CharField(max_length=120, unique=True)
    motion = models.CharField(
        max_length=60, blank=True, help_text="The go-to-market motion it covers, e.g. sales-led."
    )
    is_default = models.BooleanField(default=False)
    version = models.PositiveIntegerField(
        default=0, help_text="Number of the latest release (0 before the first)."
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    archived_at = models.DateTimeField(
        null=True, blank=True, editable=False,
        help_text="When the model it belongs to was replaced; archived run books are read-only.",
    )
    governed = models.BooleanField(
        default=False, help_text="Its sections change only through proposals (change control).")

    objects = RunbookQuerySet.as_manager()

    class Meta:
        ordering = ["-is_default", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="runbook_single_default",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_archived(self):
        return self.archived_at is not None

    @property
    def short_name(self):
        """How lists name the run book beside a section: its motion ("Product-led"), or
        its title when it has none."""
        return self.motion[:1].upper() + self.motion[1:] if self.motion else self.title


class SectionQuerySet(models.QuerySet):
    def live(self):
        return self.filter(runbook__archived_at__isnull=True)


class Section(ReviewedDocument):
    """One of the six parts of a run book. Its text lives in its revisions;
    the row carries the current revision number and the last-reviewed stamp."""

    runbook = models.ForeignKey(Runbook, on_delete=models.PROTECT, related_name="sections")
    kind = models.CharField(max_length=20, choices=SectionKind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=120)
    owner = models.ForeignKey(Function, on_delete=models.PROTECT, related_name="sections")
    governed = models.BooleanField(
        default=False, help_text="Changes only through proposals (change control); a section "
        "of a governed run book is governed whatever this says.")
    # The current revision's words for search (runbook/search.py); PostgreSQL only.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = SectionQuerySet.as_manager()

    locked_fields = ("title", "governed")

    class Meta:
        ordering = ["runbook_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["runbook", "kind"], name="runbook_section_kind_once"),
        ]

    def __str__(self):
        return f"{self.runbook} · {self.title}"

    @property
    def full_title(self):
        """The section named with its run book ("Product-led · Process and workflow"):
        how every list names it when the live model has several run books."""
        return f"{self.runbook.short_name} · {self.title}"


# A revision with any text in it: the readiness check "written" asks it of every
# section's current revision.
WRITTEN = Q(body__regex=r"\S")


class Revision(RevisionBase):
    """One saved version of a section's Markdown."""

    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="revisions")

    class Meta:
        ordering = ["section_id", "-number"]
        indexes = [
            # Exactly the revisions with text: the check reads this index instead of
            # 100,000 bodies (PostgreSQL uses it only for a query whose condition is
            # the same ``WRITTEN``).
            models.Index(fields=["section", "number"], condition=WRITTEN,
                         name="runbook_revision_written"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "number"], name="runbook_revision_number_once"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="runbook_revision_number_pos"),
        ]

    def __str__(self):
        return f"{self.section} r{self.number}"


class Review(ReviewBase):
    """Someone read a section and vouched that it is still true."""

    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="reviews")

    class Meta(ReviewBase.Meta):
        pass

    def __str__(self):
        return f"{self.section} reviewed {self.reviewed_on:%Y-%m-%d}"


class StaleFlag(StaleFlagBase):
    """A section's stale flag. One still open some days after it was raised is
    escalated once, to the Accountable function of the section's layer: the review that
    closes the flag ends the escalation with it."""

    document_key = "section"
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="stale_flags")
    closed_by = models.ForeignKey(
        Review, null=True, blank=True, on_delete=models.SET_NULL, related_name="closed_flags"
    )

    class Meta(StaleFlagBase.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["section"],
                condition=Q(closed_at__isnull=True),
                name="runbook_one_open_stale_flag",
            ),
        ]

    @property
    def owning_function_id(self):
        return self.section.owner_id


constraints.register(
    {
        "runbook_single_default": "Only one run book can be the default.",
        "runbook_section_kind_once": "A run book has exactly one section of each kind.",
        "runbook_revision_number_once": (
            "base_revision: the section has moved on; reload it and merge your changes."
        ),
        "runbook_release_name_once": "name: this run book already has a release with that name.",
        "runbook_release_number_once": "A release with that number already exists.",
        "runbook_one_open_stale_flag": "This section already has an open stale flag.",
        "revision_append_only": "Revisions are append-only.",
    }
)
