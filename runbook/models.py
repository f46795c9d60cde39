"""Run books: six owned sections, their append-only revisions, reviews, releases,
stale flags (and their escalation) and readers' concerns.

The invariants live here as database constraints so that no door (UI, API, console,
shell, two concurrent requests) can break them: one revision number per section,
one open stale flag per section, one default run book, unique release names, one open
concern per reader and section, one freshness snapshot per day.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from revops import constraints
from revops.models import Door, Function

MAX_BODY_BYTES = 200 * 1024


class SectionKind(models.TextChoices):
    """The six sections of every run book, in document order."""

    STRATEGY = "strategy", "Strategy and planning"
    PROCESS = "process", "Process and workflow"
    SYSTEMS = "systems", "Systems and data"
    INSIGHTS = "insights", "Insights and analytics"
    CADENCE = "cadence", "Cadence"
    PLAYBOOKS = "playbooks", "Incident playbooks"

    @classmethod
    def position_of(cls, kind):
        return cls.values.index(kind)


class ReviewState(models.TextChoices):
    FRESH = "fresh", "Fresh"
    DUE = "due", "Due"
    STALE = "stale", "Stale"
    NEVER = "never", "Never reviewed"


class Runbook(models.Model):
    """One written operating model; a hybrid company keeps one per motion."""

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


class Section(models.Model):
    """One of the six parts of a run book. Its text lives in its revisions;
    the row carries the current revision number and the last-reviewed stamp."""

    runbook = models.ForeignKey(Runbook, on_delete=models.PROTECT, related_name="sections")
    kind = models.CharField(max_length=20, choices=SectionKind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=120)
    owner = models.ForeignKey(Function, on_delete=models.PROTECT, related_name="sections")
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
    # The current revision's words for search (runbook/search.py); PostgreSQL only.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["runbook_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["runbook", "kind"], name="runbook_section_kind_once"),
        ]

    def __str__(self):
        return f"{self.runbook} · {self.title}"

    @property
    def owning_function_id(self):
        return self.owner_id


class RevisionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError("Revisions are append-only.")

    def delete(self):
        raise ValidationError("Revisions are append-only.")


class Revision(models.Model):
    """One saved version of a section's Markdown. Append-only: never changed or removed
    (the model refuses it, and on PostgreSQL a trigger refuses it too)."""

    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="revisions")
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
        ordering = ["section_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "number"], name="runbook_revision_number_once"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="runbook_revision_number_pos"),
        ]

    def __str__(self):
        return f"{self.section} r{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Revisions are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Revisions are append-only.")


class Review(models.Model):
    """Someone read a section and vouched that it is still true."""

    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="reviews")
    revision_number = models.PositiveIntegerField()
    reviewed_at = models.DateTimeField(default=timezone.now)
    reviewed_on = models.DateField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    door = models.CharField(max_length=10, choices=Door.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-reviewed_at", "-id"]

    def __str__(self):
        return f"{self.section} reviewed {self.reviewed_on:%Y-%m-%d}"


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


class StaleFlag(models.Model):
    """Raised by the daily scan when a section goes stale; closed by the next review.

    A flag still open some days after it was raised is escalated once, to the
    Accountable function of the section's layer: the review that closes the flag ends
    the escalation with it."""

    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="stale_flags")
    raised_at = models.DateTimeField(default=timezone.now)
    raised_on = models.DateField()
    state = models.CharField(
        max_length=10,
        choices=[(ReviewState.STALE, "Stale"), (ReviewState.NEVER, "Never reviewed")],
    )
    last_reviewed_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        Review, null=True, blank=True, on_delete=models.SET_NULL, related_name="closed_flags"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        Function, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["section"],
                condition=Q(closed_at__isnull=True),
                name="runbook_one_open_stale_flag",
            ),
        ]

    def __str__(self):
        status = "open" if self.closed_at is None else "closed"
        return f"{self.section} stale since {self.raised_on:%Y-%m-%d} ({status})"

    @property
    def is_open(self):
        return self.closed_at is None

    @property
    def owning_function_id(self):
        return self.section.owner_id


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


class FreshnessSnapshot(models.Model):
    """How many sections were fresh, due, stale and never reviewed on a day, across every
    run book: recorded by the daily scan (one row per day; a second scan that day updates
    it), so that the run book's freshness can be charted over months."""

    day = models.DateField(unique=True)
    fresh = models.PositiveIntegerField(default=0)
    due = models.PositiveIntegerField(default=0)
    stale = models.PositiveIntegerField(default=0)
    never = models.PositiveIntegerField(default=0)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day"]

    def __str__(self):
        return (f"{self.day:%Y-%m-%d}: {self.fresh} fresh, {self.due} due, "
                f"{self.stale} stale, {self.never} never")


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
        "runbook_one_open_concern_per_reader": ONE_OPEN_CONCERN,
        "revision_append_only": "Revisions are append-only.",
    }
)
