"""The writes a section and a definition share, once: both are versioned, reviewed
documents (``models.ReviewedDocument``) with append-only revisions, reviews and stale
flags. The services of each kind (``section_*`` and ``definition_*`` in ``services/``)
ask the policy, call these inside their transaction, then write their own audit entry
and events (which say different things about a section and a definition).

Each document kind names its own models: a revision, review and stale flag model whose
foreign key to the document is named after it (``section``, ``definition``).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from revops import audit, rendering
from revops.errors import Conflict
from runbook.models import MAX_BODY_BYTES

_STAMP = ("revision", "owner_id", "last_reviewed_at", "last_reviewed_on", "last_reviewed_by_id",
          "last_reviewed_revision")


class RevisionConflict(Conflict):
    """A save was based on a revision that is no longer the document's current one.

    Nothing was written; ``current`` is the revision the writer must merge with."""

    def __init__(self, *, document, base_revision, current):
        self.document = document
        self.base_revision = base_revision
        self.current = current
        super().__init__(
            f"The {document._meta.verbose_name} is at revision "
            f"{current.number if current else 0}; your edit was based on revision "
            f"{base_revision}."
        )

    @property
    def section(self):
        return self.document

    def detail(self):
        return {"base_revision": self.base_revision,
                "current_revision": self.current.number if self.current else 0}


def validate_body(body):
    """The Markdown body must be non-empty and at most 200 KB (UTF-8)."""
    if body is None or not str(body).strip():
        raise ValidationError({"body": "The body is empty; write some Markdown."})
    size = len(str(body).encode("utf-8"))
    if size > MAX_BODY_BYTES:
        raise ValidationError(
            {
                "body": f"The body is {size // 1024} KB; the limit is "
                f"{MAX_BODY_BYTES // 1024} KB. Link out to longer material instead."
            }
        )


def _key(document):
    return document._meta.model_name


def lock(document):
    """Re-read the document under a row lock: concurrent writers queue here, so each
    sees the revision (and review stamp) the one before it wrote."""
    names = (*_STAMP, *document.locked_fields)
    locked = type(document).objects.select_for_update().values(*names).get(pk=document.pk)
    for name in names:
        setattr(document, name, locked[name])
    return document


def append_revision(*, document, revisions, body, base_revision, actor, door, summary="",
                    at=None, **extra):
    """Append a revision of ``document`` (``revisions``: its revision model) written on
    top of ``base_revision``, and move the document's current number to it. Raises
    ``RevisionConflict`` (nothing written) when the document has moved on since.
    ``extra`` are the kind's own revision fields (a definition's formula)."""
    validate_body(body)
    if isinstance(base_revision, bool) or not isinstance(base_revision, int):
        raise ValidationError({"base_revision": "Give the revision number your edit is based on."})
    summary = (summary or "").strip()
    if len(summary) > 200:
        raise ValidationError({"summary": "Keep the summary under 200 characters."})
    lock(document)
    key = _key(document)
    if base_revision != document.revision:
        current = revisions.objects.filter(**{key: document}, number=document.revision).first()
        raise RevisionConflict(document=document, base_revision=base_revision, current=current)
    revision = revisions(
        **{key: document},
        number=document.revision + 1,
        base_number=base_revision,
        body=body,
        body_html=rendering.render(body),
        summary=summary,
        created_at=at or timezone.now(),
        created_by=audit.user_or_none(actor),
        door=door,
        **extra,
    )
    revision.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            revision.save()
    except IntegrityError:  # a writer on another connection won the same number
        current = revisions.objects.filter(**{key: document}).order_by("-number").first()
        raise RevisionConflict(
            document=document, base_revision=base_revision, current=current
        ) from None
    document.revision = revision.number
    document.save(update_fields=["revision"])
    return revision


def record_review(*, document, reviews, flags, actor, door, note="", revision=None, at=None):
    """Record that ``actor`` read ``document`` and it is still true: a review of
    ``revision`` (a revision, its number, or None for the current one), the document's
    last-review stamp, and the open stale flag (``flags``: its flag model) closed by it.
    Returns ``(review, number reviewed, whether a flag was closed, the stamp's audit
    changes)``."""
    lock(document)
    before = (document.last_reviewed_on, document.last_reviewed_revision)
    key = _key(document)
    if getattr(revision, f"{key}_id", document.pk) != document.pk:
        raise ValidationError(
            {"revision": f"That revision belongs to another {document._meta.verbose_name}."})
    number = getattr(revision, "number", revision)
    if number is None:
        number = document.revision
    if not isinstance(number, int) or not 0 <= number <= document.revision:
        raise ValidationError({"revision": f"The {document._meta.verbose_name} has no "
                                           f"revision {number}."})
    now = at or timezone.now()
    review = reviews(
        **{key: document},
        revision_number=number,
        reviewed_at=now,
        reviewed_on=timezone.localdate(now),
        reviewer=audit.user_or_none(actor),
        door=door,
        note=(note or "").strip(),
    )
    review.full_clean()
    review.save()
    document.last_reviewed_at = review.reviewed_at
    document.last_reviewed_on = review.reviewed_on
    document.last_reviewed_by = review.reviewer
    document.last_reviewed_revision = number
    document.save(update_fields=["last_reviewed_at", "last_reviewed_on", "last_reviewed_by",
                                 "last_reviewed_revision"])
    closed = flags.objects.filter(**{key: document}, closed_at__isnull=True).update(
        closed_at=now, closed_by=review)
    stamp = {"last_reviewed_on": [before[0], review.reviewed_on], "revision": [before[1], number]}
    return review, number, bool(closed), stamp
