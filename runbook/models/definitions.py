"""Definitions (the glossary): terms owned by a function, revised, reviewed, flagged
stale and agreed by the functions that use them."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from revops import constraints
from revops.models import Door, Function
from runbook.choices import Layer
from runbook.models.documents import ReviewBase, ReviewedDocument, RevisionBase, StaleFlagBase
from runbook.models.runbooks import Section

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
    governed = models.BooleanField(
        default=True, help_text="Changed only through a proposal its layer's Accountable "
        "approves (change control). Definitions are governed unless a lead says otherwise.")
    # The term, formula and current wording for search (runbook/search.py); PostgreSQL only.
    search_vector = SearchVectorField(null=True, editable=False)

    locked_fields = ("term", "formula", "governed")

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
