"""What change control reads of the run book: the items it governs, by id, and what a
definition's change touches (the sections that link it and the releases that pinned
it). Each a fixed number of queries."""

from runbook.models import Definition, Release, Section
from runbook.selectors.model_wide import current_body_contains, pinned_body_contains


def sections_by_ids(pks):
    """``{id: section}`` with their run books, for the ids that exist."""
    return Section.objects.select_related("runbook", "owner").in_bulk(pks)


def definitions_by_ids(pks):
    return Definition.objects.select_related("owner").in_bulk(pks)


def section_is_governed(section):
    """A section is governed when marked itself or when its run book is (read with the
    section's run book, loaded by ``section_by_id``)."""
    return section.governed or section.runbook.governed


def sections_linking(term):
    """Live sections whose current text links ``term`` as ``[[term]]``, in order."""
    return (Section.objects.live().select_related("runbook")
            .filter(current_body_contains(f"[[{term}]]")).order_by("runbook_id", "position"))


def releases_pinning(term):
    """Live run books' releases that pinned a text mentioning ``term``, newest first."""
    return (Release.objects.filter(runbook__archived_at__isnull=True)
            .filter(pinned_body_contains(term)).select_related("runbook")
            .order_by("-created_at", "-id"))
