"""A section's title, owner and text: renaming, handing over, revising."""

import copy

from django.core.exceptions import ValidationError
from django.db import transaction

from revops import audit, events, policy
from runbook import documents, search
from runbook.models import Revision
from runbook.services import payloads, reviews
from runbook.services.runbooks import refuse_archived_runbook, refuse_governed_section


def _apply_section_changes(section, *, title=None, owner=None):
    if title is not None:
        if not title.strip():
            raise ValidationError({"title": "The title cannot be empty."})
        section.title = title.strip()
    if owner is not None:
        section.owner = owner
    section.full_clean()


def validate_section_update(*, section, title=None, owner=None):
    """The checks ``section_update`` makes, without writing anything (forms call this in
    ``clean()``). Raises a ValidationError keyed by field."""
    _apply_section_changes(copy.copy(section), title=title, owner=owner)


@transaction.atomic
def section_update(*, section, actor, door, title=None, owner=None):
    """Rename a section or hand it to another function."""
    section = policy.locked_for_change(actor, section, lock=documents.lock)
    if owner is not None and owner.pk != section.owner_id:
        policy.require_hand_over(actor)
    refuse_archived_runbook(section, section.runbook_id)
    if title is not None and title.strip() != section.title:
        # A hand-over moves who owns it, not what it says: only the title is governed.
        refuse_governed_section(section)
    fields = ["title", "owner"]
    before = audit.snapshot(section, fields)
    _apply_section_changes(section, title=title, owner=owner)
    section.save(update_fields=["title", "owner"])
    changes = audit.changes_between(before, audit.snapshot(section, fields))
    if "title" in changes:
        search.refresh_sections([section.pk])
    if changes:
        audit.record(actor=actor, door=door, action="update", obj=section, changes=changes)
    return section


@transaction.atomic
def section_revise(
    *, section, body, base_revision, actor, door, summary="", mark_reviewed=True, note="",
    at=None,
):
    """Append a revision written on top of ``base_revision``.

    If the section has moved on since, nothing is written and ``RevisionConflict``
    carries the current revision so the writer can merge. With ``mark_reviewed`` the
    save also counts as a review of the new revision.
    """
    section = policy.locked_for_change(actor, section, lock=documents.lock)
    refuse_archived_runbook(section, section.runbook_id)
    refuse_governed_section(section)
    revision = documents.append_revision(
        document=section, revisions=Revision, body=body, base_revision=base_revision,
        actor=actor, door=door, summary=summary, at=at)
    summary = revision.summary
    search.refresh_sections([section.pk])
    audit.record(
        actor=actor,
        door=door,
        action="revise",
        obj=section,
        changes={"revision": [base_revision, revision.number], "summary": summary},
    )
    author = audit.user_or_none(actor)
    events.emit(
        "section.revised",
        {
            **payloads.section_payload(section),
            "summary": summary,
            "base_revision": base_revision,
            "by": author.get_username() if author else None,
        },
    )
    if mark_reviewed:
        reviews.section_review(
            section=section, actor=actor, door=door, note=note or summary, revision=revision,
            at=at,
        )
    else:
        reviews.answer_concerns(section, answer=summary, by=author, at=revision.created_at)
    return revision
