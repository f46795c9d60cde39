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
from django.db.models.functions import Lower
from django.utils import timezone

from revops import constraints
from revops.models import Door, Function
from runbook.choices import Layer, ReviewState, SectionKind

MAX_BODY_BYTES = 200 * 1024


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
    # The current revision's words for search (runbook/search.py); PostgreSQL only.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = SectionQuerySet.as_manager()

    locked_fields = ("title",)

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


class RevisionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError("Revisions are append-only.")

    def delete(self):
        raise ValidationError("Revisions are append-only.")


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


class Revision(RevisionBase):
    """One saved version of a section's Markdown."""

    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="revisions")

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


class Review(ReviewBase):
    """Someone read a section and vouched that it is still true."""

    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="reviews")

    class Meta(ReviewBase.Meta):
        pass

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


# Definitions ------------------------------------------------------------------------------


MAX_FORMULA_CHARS = 300


class Definition(ReviewedDocument):
    """A term the functions must mean the same thing by (an MQL, a stage's exit
    criteria, sales velocity…). Written, revised and reviewed like a section; on top
    of that, each agreeing function's head confirms the current revision."""

    term = models.CharField(max_length=80)
    slug = models.SlugField(max_length=90, unique=True)
    layer = models.CharField(max_length=20, choices=Layer.choices)
    owner = models.ForeignKey(Function, on_delete=models.PROTECT, related_name="definitions")
    agreeing = models.ManyToManyField(
        Function, blank=True, related_name="+",
        help_text="The functions whose heads must agree to the current wording.")
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="definitions",
        help_text="The run-book section that uses it.")
    formula = models.CharField(max_length=MAX_FORMULA_CHARS, blank=True,
                               help_text="The current revision's formula, if any.")
    created_at = models.DateTimeField(default=timezone.now)
    # The term, formula and current wording for search (runbook/search.py); PostgreSQL only.
    search_vector = SearchVectorField(null=True, editable=False)

    locked_fields = ("term", "formula")

    class Meta:
        ordering = ["layer", "term"]
        constraints = [
            models.UniqueConstraint(Lower("term"), name="runbook_definition_term_once"),
        ]

    def __str__(self):
        return self.term


class DefinitionRevision(RevisionBase):
    """One saved version of a definition's text and formula."""

    definition = models.ForeignKey(
        Definition, on_delete=models.PROTECT, related_name="revisions")
    formula = models.CharField(max_length=MAX_FORMULA_CHARS, blank=True)

    class Meta:
        ordering = ["definition_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["definition", "number"], name="runbook_definition_revision_once"
            ),
            models.CheckConstraint(condition=Q(number__gte=1),
                                   name="runbook_definition_revision_pos"),
        ]

    def __str__(self):
        return f"{self.definition} r{self.number}"


class DefinitionReview(ReviewBase):
    """Someone read a definition and vouched that it is still true."""

    definition = models.ForeignKey(Definition, on_delete=models.PROTECT, related_name="reviews")

    class Meta(ReviewBase.Meta):
        pass

    def __str__(self):
        return f"{self.definition} reviewed {self.reviewed_on:%Y-%m-%d}"


class DefinitionStaleFlag(StaleFlagBase):
    """A definition's stale flag, raised and closed by the same scan as sections'."""

    document_key = "definition"
    definition = models.ForeignKey(
        Definition, on_delete=models.PROTECT, related_name="stale_flags")
    closed_by = models.ForeignKey(
        DefinitionReview, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta(StaleFlagBase.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["definition"],
                condition=Q(closed_at__isnull=True),
                name="runbook_one_open_definition_flag",
            ),
        ]


class Agreement(models.Model):
    """A function's head confirmed a revision of a definition. Kept as history: a
    function agrees to the current wording when whoever acts for its seat now agreed to
    the definition's current revision (``selectors.agreements_for``)."""

    definition = models.ForeignKey(
        Definition, on_delete=models.PROTECT, related_name="agreements")
    function = models.ForeignKey(Function, on_delete=models.PROTECT, related_name="+")
    revision_number = models.PositiveIntegerField()
    agreed_at = models.DateTimeField(default=timezone.now)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+")
    door = models.CharField(max_length=10, choices=Door.choices)

    class Meta:
        ordering = ["-agreed_at", "-id"]
        constraints = [
            # Once per person: a new head confirms a revision their predecessor agreed to.
            models.UniqueConstraint(
                fields=["definition", "function", "revision_number", "agreed_by"],
                name="runbook_agreement_once_per_revision_and_person"),
        ]

    def __str__(self):
        return f"{self.function} agreed to {self.definition} r{self.revision_number}"


constraints.register(
    {
        "runbook_definition_term_once": "term: a definition with this term already exists.",
        "runbook_definition_revision_once": (
            "base_revision: the definition has moved on; reload it and merge your changes."
        ),
        "runbook_one_open_definition_flag": "This definition already has an open stale flag.",
        "runbook_agreement_once_per_revision_and_person": (
            "function: you have already agreed to this revision for this function."
        ),
    }
)
