"""Run books: six owned sections, their append-only revisions, reviews, releases,
stale flags (and their escalation), readers' concerns and the definitions of the
glossary, one module per subject:

- ``documents``: what sections and definitions share (revisions, reviews, stale flags);
- ``runbooks``: run books, sections, their revisions, reviews and stale flags;
- ``releases``, ``concerns``, ``freshness`` (the daily snapshot), ``definitions``.

The invariants live here as database constraints so that no door (UI, API, console,
shell, two concurrent requests) can break them: one revision number per section,
one open stale flag per section, one default run book, unique release names, one open
concern per reader and section, one freshness snapshot per day.
"""

from runbook.choices import Layer, ReviewState, SectionKind
from runbook.models.concerns import MAX_REASON_CHARS, ONE_OPEN_CONCERN, Concern
from runbook.models.definitions import (
    MAX_FORMULA_CHARS,
    Agreement,
    Definition,
    DefinitionReview,
    DefinitionRevision,
    DefinitionStaleFlag,
)
from runbook.models.documents import (
    MAX_BODY_BYTES,
    ReviewBase,
    ReviewedDocument,
    RevisionBase,
    RevisionQuerySet,
    StaleFlagBase,
)
from runbook.models.freshness import FreshnessSnapshot
from runbook.models.releases import Release, ReleaseSection
from runbook.models.runbooks import (
    WRITTEN,
    Review,
    Revision,
    Runbook,
    RunbookQuerySet,
    Section,
    SectionQuerySet,
    StaleFlag,
)

__all__ = [
    "MAX_BODY_BYTES", "MAX_FORMULA_CHARS", "MAX_REASON_CHARS", "ONE_OPEN_CONCERN",
    "WRITTEN", "Agreement", "Concern", "Definition", "DefinitionReview", "DefinitionRevision",
    "DefinitionStaleFlag", "FreshnessSnapshot", "Layer", "Release", "ReleaseSection",
    "Review", "ReviewBase", "ReviewState", "ReviewedDocument", "Revision", "RevisionBase",
    "RevisionQuerySet", "Runbook", "RunbookQuerySet", "Section", "SectionKind",
    "SectionQuerySet", "StaleFlag", "StaleFlagBase",
]
