"""Matrices: created (with their first rows), renamed or made current, archived."""

from django.db import transaction
from django.utils import timezone

from raci.models import Matrix
from raci.services.rows import functions_by_slug, insert_row
from raci.services.versions import lock_matrix
from revops import audit, events, policy


@transaction.atomic
def matrix_create(*, title, is_current=None, actor, door, rows=()):
    """A new matrix at version 1, with ``rows`` (each ``{"name", "cells", "layer",
    "description"}``, checked as ``row_create`` checks them) made with it: nobody can
    have signed a matrix that did not exist, so its first rows do not move its version.
    The first matrix becomes the current one."""
    policy.require_administer(actor)
    if is_current is None:
        is_current = not Matrix.objects.filter(is_current=True).exists()
    if is_current:
        Matrix.objects.filter(is_current=True).update(is_current=False)
    matrix = Matrix(title=(title or "").strip(), is_current=is_current)
    matrix.full_clean()
    matrix.save()
    audit.record(actor=actor, door=door, action="create", obj=matrix,
                 changes={"title": [None, matrix.title], "is_current": [None, is_current]})
    by_slug = functions_by_slug()
    for position, spec in enumerate(rows, start=1):
        row, changes = insert_row(matrix, by_slug, position=position * 10, **spec)
        audit.record(actor=actor, door=door, action="create", obj=row, changes=changes)
    if rows:
        events.emit("raci.changed", {"matrix": matrix.pk, "version": matrix.version,
                                     "action": "create", "row": None})
    return matrix


@transaction.atomic
def matrix_update(*, matrix, actor, door, title=None, is_current=None):
    """Rename a matrix or make it the current one. Its rows are untouched."""
    policy.require_administer(actor)
    matrix = lock_matrix(matrix)
    before = audit.snapshot(matrix, ["title", "is_current"])
    if title is not None:
        matrix.title = title.strip()
    if is_current and not matrix.is_current:
        Matrix.objects.filter(is_current=True).update(is_current=False)
        matrix.is_current = True
    elif is_current is False:
        matrix.is_current = False
    matrix.full_clean()
    matrix.save(update_fields=["title", "is_current"])
    changes = audit.changes_between(before, audit.snapshot(matrix, ["title", "is_current"]))
    if changes:
        audit.record(actor=actor, door=door, action="update", obj=matrix, changes=changes)
    return matrix


@transaction.atomic
def matrix_archive(*, matrix, actor, door, at=None):
    """Set a matrix aside, readable and read-only, when its model is replaced: it is no
    longer current. Returns the matrix."""
    policy.require_administer(actor)
    matrix = lock_matrix(matrix)
    now = at or timezone.now()
    matrix.archived_at = now
    matrix.is_current = False
    matrix.save(update_fields=["archived_at", "is_current"])
    audit.record(actor=actor, door=door, action="archive", obj=matrix,
                 changes={"archived_at": [None, now.isoformat()]})
    return matrix
