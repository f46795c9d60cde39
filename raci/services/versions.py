"""The matrix version: a write locks the matrix (then the row), and a change to what
the heads signed moves the version on, which asks every head to sign again."""

from django.utils import timezone

from raci.models import Matrix, Row
from revops import audit, events, governance
from revops.errors import Conflict, refuse_archived


class VersionMoved(Conflict):
    """The caller acted on a matrix version that is no longer the current one."""

    def __init__(self, *, matrix, expected):
        self.matrix = matrix
        self.expected = expected
        super().__init__(
            f"{matrix.title} is at version {matrix.version}; you were looking at version "
            f"{expected}. Reload and check the changes first."
        )


def lock_matrix(matrix_or_id, *, editing=None):
    """Lock the matrix for a write; an archived matrix refuses every write (409). A write
    ``editing`` its rows (named: the matrix or the row) is refused on a governed matrix
    unless change control is applying a proposal about it (409 ``governed``)."""
    pk = getattr(matrix_or_id, "pk", matrix_or_id)
    matrix = Matrix.objects.select_for_update().get(pk=pk)
    refuse_archived(matrix, matrix.archived_at)
    if editing is not None:
        governance.refuse_governed(editing, matrix.governed)
    return matrix


def lock_row(row, *, governed=True):
    """Lock the row's matrix, then the row (always in that order: no deadlocks). A row of
    a governed matrix changes through a proposal only, except its place in the order
    (``governed=False``), which carries no meaning."""
    matrix = lock_matrix(row.matrix_id)
    locked = Row.objects.select_for_update().select_related("accountable").get(pk=row.pk)
    if governed:
        governance.refuse_governed(locked, matrix.governed)
    return matrix, locked


def record_change(matrix, *, actor, door, action, obj, changes, row=None, signed=True):
    """Audit and announce a change to the (locked) matrix. ``signed`` says it changed
    what the heads signed: then the matrix moves on one version (resetting every
    sign-off) and ``raci.changed`` goes out; a cosmetic edit keeps the version and goes
    out as ``raci.edited``, which no channel posts as "sign again"."""
    matrix.updated_at = timezone.now()
    if signed:
        matrix.version += 1
        matrix.save(update_fields=["version", "updated_at"])
        changes = {**changes, "matrix_version": [matrix.version - 1, matrix.version]}
    else:
        matrix.save(update_fields=["updated_at"])
    audit.record(actor=actor, door=door, action=action, obj=obj, changes=changes)
    events.emit("raci.changed" if signed else "raci.edited", {
        "matrix": matrix.pk, "version": matrix.version, "action": action,
        "row": row.pk if row is not None else None,
    })
    return matrix
