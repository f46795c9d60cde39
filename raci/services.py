"""Every write to the RACI. The UI, the API, the console, the demo and the tests call these.

Each one locks the matrix (then the row) so writers to one matrix queue up instead of
deadlocking, checks the one-Accountable rule with a message naming the row and the
functions, writes, records the audit entry and announces it. A change to what the heads
signed (``rules.SIGNED_FIELDS``: rows added or removed, renamed, moved to another layer,
letters changed) moves the matrix version on, so every sign-off must be given again, and
emits ``raci.changed``; a cosmetic edit (a description, the rows' order) keeps the
version and the sign-offs and emits ``raci.edited``; a sign-off emits ``raci.signed_off``.
The database holds the one-A rule on its own as well (see ``raci.models``); these checks
are there to say it clearly.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from raci import csv_io, rules, selectors
from raci.models import Cell, Matrix, Row, SignOff
from revops import audit, events, policy, search
from revops.errors import Conflict, Refused, refuse_archived
from revops.models import Function

PREVIOUS_BECOMES = {"R": "R", "C": "C", "I": "I", "": "", "NONE": ""}


class VersionMoved(Conflict):
    """The caller acted on a matrix version that is no longer the current one."""

    def __init__(self, *, matrix, expected):
        self.matrix = matrix
        self.expected = expected
        super().__init__(
            f"{matrix.title} is at version {matrix.version}; you were looking at version "
            f"{expected}. Reload and check the changes first."
        )


MAX_IMPORT_BYTES = 2 * 1024 * 1024


def read_upload(upload):
    """An uploaded CSV's text (UTF-8, with or without a byte-order mark).

    Raises a ValidationError keyed ``file`` when it is too large or not UTF-8; the UI and
    the API both read uploads through here."""
    if upload.size > MAX_IMPORT_BYTES:
        raise ValidationError(
            {"file": [f"The file is larger than {MAX_IMPORT_BYTES // 1024} KB."]}
        )
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            {"file": ["The file is not UTF-8 text; save it as CSV UTF-8."]}
        ) from None


def _lock_matrix(matrix_or_id):
    """Lock the matrix for a write; an archived matrix refuses every write (409)."""
    pk = getattr(matrix_or_id, "pk", matrix_or_id)
    matrix = Matrix.objects.select_for_update().get(pk=pk)
    refuse_archived(matrix, matrix.archived_at)
    return matrix


def _lock_row(row):
    """Lock the row's matrix, then the row (always in that order: no deadlocks)."""
    matrix = _lock_matrix(row.matrix_id)
    locked = Row.objects.select_for_update().select_related("accountable").get(pk=row.pk)
    return matrix, locked


def _functions_by_slug():
    return {f.slug: f for f in Function.objects.ordered()}


def _names(by_slug):
    return {slug: f.name for slug, f in by_slug.items()}


def _letters(row):
    letters = {c.function.slug: c.letter for c in row.cells.select_related("function")}
    letters[row.accountable.slug] = row.accountable_letter
    return letters


def _changed(matrix, *, actor, door, action, obj, changes, row=None, signed=True):
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


def _split(row_name, cells, by_slug):
    """Check ``{slug: letter}`` and split it into the A and the R/C/I cells."""
    try:
        letters = rules.check_letters(cells or {}, selectors.columns(by_slug.values()))
        return rules.exactly_one_accountable(row_name, letters, _names(by_slug))
    except ValidationError as exc:
        raise ValidationError({"cells": exc.error_list}) from None


def _write_cells(row, row_letters, by_slug):
    Cell.objects.bulk_create([
        Cell(row=row, function=by_slug[slug], letter=letter, accountable_id=row.accountable_id)
        for slug, letter in row_letters.cells.items()
    ])


def _check_name(matrix, name, exclude=None):
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "A row needs a name."})
    clash = Row.objects.filter(matrix=matrix, name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise ValidationError({"name": f"{matrix.title} already has a row named {name!r}."})
    return name


# Matrices -------------------------------------------------------------------------------


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
    by_slug = _functions_by_slug()
    for position, spec in enumerate(rows, start=1):
        row, changes = _row_insert(matrix, by_slug, position=position * 10, **spec)
        audit.record(actor=actor, door=door, action="create", obj=row, changes=changes)
    if rows:
        events.emit("raci.changed", {"matrix": matrix.pk, "version": matrix.version,
                                     "action": "create", "row": None})
    return matrix


@transaction.atomic
def matrix_update(*, matrix, actor, door, title=None, is_current=None):
    """Rename a matrix or make it the current one. Its rows are untouched."""
    policy.require_administer(actor)
    matrix = _lock_matrix(matrix)
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
    matrix = _lock_matrix(matrix)
    now = at or timezone.now()
    matrix.archived_at = now
    matrix.is_current = False
    matrix.save(update_fields=["archived_at", "is_current"])
    audit.record(actor=actor, door=door, action="archive", obj=matrix,
                 changes={"archived_at": [None, now.isoformat()]})
    return matrix


# Rows -----------------------------------------------------------------------------------


@transaction.atomic
def row_create(*, matrix, name, cells, actor, door, layer="", description="", position=None):
    """Add a row. ``cells`` is ``{function_slug: letter}`` and must hold exactly one A."""
    policy.require_administer(actor)
    matrix = _lock_matrix(matrix)
    if position is None:
        last = matrix.rows.order_by("-position").values_list("position", flat=True).first()
        position = (last or 0) + 10
    row, changes = _row_insert(matrix, _functions_by_slug(), name=name, cells=cells,
                               layer=layer, description=description, position=position)
    _changed(matrix, actor=actor, door=door, action="create", obj=row, row=row,
             changes=changes)
    return row


def _row_insert(matrix, by_slug, *, name, cells, position, layer="", description=""):
    """Check and save one new row of ``matrix`` with its cells; returns the row and its
    audit changes. The caller audits it and says what it does to the version."""
    name = _check_name(matrix, name)
    split = _split(name, cells, by_slug)
    row = Row(
        matrix=matrix, name=name, layer=layer or "", description=description or "",
        position=position, accountable=by_slug[split.accountable],
        accountable_also_responsible=split.also_responsible,
    )
    row.full_clean()
    row.save()
    search.refresh_vectors(Row, [row.pk])
    _write_cells(row, split, by_slug)
    letters = {split.accountable: row.accountable_letter, **split.cells}
    return row, {"name": [None, name], "layer": [None, row.layer], "letters": [None, letters]}


ROW_FIELDS = ("name", "layer", "description", "position")


@transaction.atomic
def row_update(*, row, actor, door, cells=None, **fields):
    """Change a row's fields and, if ``cells`` is given, replace all its letters."""
    policy.require_administer(actor)
    unknown = set(fields) - set(ROW_FIELDS)
    if unknown:
        raise TypeError(f"row_update() cannot change {', '.join(sorted(unknown))}")
    matrix, row = _lock_row(row)
    by_slug = _functions_by_slug()
    before = {**audit.snapshot(row, ROW_FIELDS), "letters": _letters(row)}
    if "name" in fields:
        fields["name"] = _check_name(matrix, fields["name"], exclude=row)
    for name, value in fields.items():
        if value is None and name == "position":
            continue
        setattr(row, name, "" if value is None else value)
    split = None
    if cells is not None:
        split = _split(row.name, cells, by_slug)
        letters = {split.accountable: "A/R" if split.also_responsible else "A", **split.cells}
    else:
        letters = before["letters"]
    row.full_clean()
    after = {**audit.snapshot(row, ROW_FIELDS), "letters": letters}
    changes = audit.changes_between(before, after)
    if not changes:
        return row
    if split is not None and letters != before["letters"]:
        # Cells first, so the accountable function never holds a cell, not even briefly.
        Cell.objects.filter(row=row).delete()
        row.accountable = by_slug[split.accountable]
        row.accountable_also_responsible = split.also_responsible
        row.save()
        _write_cells(row, split, by_slug)
    else:
        row.save()
    search.refresh_vectors(Row, [row.pk])
    _changed(matrix, actor=actor, door=door, action="update", obj=row, row=row, changes=changes,
             signed=any(name in changes for name in rules.SIGNED_FIELDS))
    return row


@transaction.atomic
def row_delete(*, row, actor, door):
    policy.require_administer(actor)
    matrix, row = _lock_row(row)
    letters = _letters(row)
    pk, name = row.pk, row.name
    row.delete()
    row.pk = pk
    _changed(matrix, actor=actor, door=door, action="delete", obj=row, changes={
        "name": [name, None], "letters": [letters, None],
    })
    return row


@transaction.atomic
def rows_reorder(*, matrix, row_ids, actor, door):
    """Put the matrix's rows in the order of ``row_ids`` (every row, once)."""
    policy.require_administer(actor)
    matrix = _lock_matrix(matrix)
    rows = {r.pk: r for r in matrix.rows.all()}
    ids = [int(i) for i in row_ids]
    if sorted(ids) != sorted(rows):
        raise ValidationError({"row_ids": "List every row of the matrix exactly once."})
    before = [r.pk for r in Row.objects.filter(matrix=matrix).in_grid_order()]
    for i, pk in enumerate(ids, start=1):
        rows[pk].position = i * 10
    Row.objects.bulk_update(rows.values(), ["position"])
    after = [r.pk for r in Row.objects.filter(matrix=matrix).in_grid_order()]
    if before != after:
        _changed(matrix, actor=actor, door=door, action="reorder", obj=matrix,
                 changes={"order": [before, after]}, signed=False)
    return matrix


@transaction.atomic
def row_move(*, row, direction, actor, door):
    """Swap a row with its neighbour above or below within its layer."""
    policy.require_administer(actor)
    if direction not in {"up", "down"}:
        raise ValidationError({"direction": "Move a row 'up' or 'down'."})
    matrix, row = _lock_row(row)
    order = list(Row.objects.filter(matrix=matrix).in_grid_order())
    group = [r for r in order if r.layer == row.layer]
    i = next(i for i, r in enumerate(group) if r.pk == row.pk)
    j = i - 1 if direction == "up" else i + 1
    if not 0 <= j < len(group):
        return row
    group[i], group[j] = group[j], group[i]
    for k, r in enumerate(group, start=1):
        r.position = k * 10
    Row.objects.bulk_update(group, ["position"])
    _changed(matrix, actor=actor, door=door, action="move", obj=row, row=row,
             changes={"position": [f"{i + 1} of {len(group)}", f"{j + 1} of {len(group)}"]},
             signed=False)
    return row


# Cells and the A ------------------------------------------------------------------------


@transaction.atomic
def cell_set(*, row, function, letter, actor, door):
    """Set one function's letter on a row ('' clears it).

    The A cannot be moved this way: marking a second function A is refused with
    code ``second_accountable`` (the UI then offers ``row_reassign``), and clearing or
    downgrading the A is refused with code ``no_accountable``.
    """
    policy.require_administer(actor)
    new = rules.normalize_letter(letter)
    if new is None:
        raise ValidationError({"letter": ValidationError(
            f"{letter!r} is not a RACI letter; use R, A, C, I, A/R or leave it empty.",
            code="unknown_letter")})
    matrix, row = _lock_row(row)
    holder = row.accountable
    if function.pk == holder.pk:
        if new not in rules.ACCOUNTABLE_LETTERS:
            raise ValidationError({"letter": ValidationError(
                f"{row.name} must have exactly one Accountable; taking the A from "
                f"{holder.name} would leave it with none. Make another function "
                f"accountable instead (reassign), and say what {holder.name} becomes.",
                code="no_accountable")})
        also = new == "A/R"
        if also == row.accountable_also_responsible:
            return row
        old = row.accountable_letter
        row.accountable_also_responsible = also
        row.save(update_fields=["accountable_also_responsible"])
    else:
        if new in rules.ACCOUNTABLE_LETTERS:
            raise ValidationError({"letter": ValidationError(
                f"{row.name} must have exactly one Accountable; {holder.name} holds it, so "
                f"{function.name} cannot be marked A too. Reassign the A to "
                f"{function.name} instead.",
                code="second_accountable")})
        cell = Cell.objects.filter(row=row, function=function).first()
        old = cell.letter if cell else ""
        if old == new:
            return row
        if not new:
            cell.delete()
        elif cell:
            cell.letter = new
            cell.save(update_fields=["letter"])
        else:
            Cell.objects.create(row=row, function=function, letter=new,
                                accountable_id=row.accountable_id)
    _changed(matrix, actor=actor, door=door, action="set_cell", obj=row, row=row,
             changes={function.name: [old, new]})
    return row


@transaction.atomic
def row_reassign(*, row, to, previous_becomes, actor, door, letter="A"):
    """Move the row's A to ``to`` in one step; the previous holder becomes R, C, I or ''.

    ``to`` loses whatever letter it had; ``letter`` may be 'A/R' to make it
    accountable and responsible.
    """
    policy.require_administer(actor)
    previous = PREVIOUS_BECOMES.get(str(previous_becomes or "").strip().upper())
    if previous is None:
        raise ValidationError({"previous_becomes": (
            f"{previous_becomes!r} is not allowed: the previous Accountable becomes "
            f"R, C, I or none.")})
    if letter not in rules.ACCOUNTABLE_LETTERS:
        raise ValidationError({"letter": "The new Accountable is marked A or A/R."})
    matrix, row = _lock_row(row)
    holder, holder_letter = row.accountable, row.accountable_letter
    if to.pk == holder.pk:
        raise ValidationError({"to": f"{to.name} is already accountable for {row.name}."})
    dropped = Cell.objects.filter(row=row, function=to).first()
    if dropped:
        dropped.delete()
    row.accountable = to
    row.accountable_also_responsible = letter == "A/R"
    row.save(update_fields=["accountable", "accountable_also_responsible"])
    if previous:
        Cell.objects.create(row=row, function=holder, letter=previous, accountable_id=to.pk)
    _changed(matrix, actor=actor, door=door, action="reassign", obj=row, row=row, changes={
        "accountable": [holder.name, to.name],
        holder.name: [holder_letter, previous],
        to.name: [dropped.letter if dropped else "", letter],
    })
    return row


# Sign-off -------------------------------------------------------------------------------


@transaction.atomic
def signoff_create(*, matrix, actor, door, function=None, version=None):
    """The head of ``function`` signs off the matrix's current version for it.

    Without ``function`` the one function the actor heads is used. ``version``, when
    given, must be the current one (VersionMoved otherwise): you sign what you saw.
    Signing a version one has already signed returns that sign-off (a successor after a
    hand-over signs again: the former head's sign-off no longer counts).
    """
    user = audit.user_or_none(actor)
    if user is None:
        raise Refused("A sign-off is given by a function's head in person, not by the system.")
    headed = list(Function.objects.filter(head=user).order_by("position"))
    if function is None:
        if not headed:
            raise Refused(policy.SIGN_OFF_REFUSED)
        if len(headed) > 1:
            raise ValidationError({"function": (
                f"You head {rules.names_and(f.name for f in headed)}; say which one you "
                f"are signing off for.")})
        function = headed[0]
    policy.require_sign_off(actor, function)
    matrix = _lock_matrix(matrix)
    if version is not None and int(version) != matrix.version:
        raise VersionMoved(matrix=matrix, expected=version)
    existing = SignOff.objects.filter(matrix=matrix, function=function,
                                      version=matrix.version, signed_by=user).first()
    if existing:
        return existing
    signoff = SignOff.objects.create(
        matrix=matrix, function=function, version=matrix.version, signed_by=user,
        signed_by_name=actor.get_username(), snapshot=selectors.snapshot(matrix),
    )
    audit.record(actor=actor, door=door, action="sign_off", obj=signoff,
                 changes={"function": [None, function.name], "version": [None, matrix.version]})
    events.emit("raci.signed_off", {
        "matrix": matrix.pk, "version": matrix.version, "function": function.slug,
        "signed_by": actor.get_username(),
    })
    return signoff


# CSV import -----------------------------------------------------------------------------


@dataclass
class ImportPlan:
    """What importing a file would do: nothing is written while making one."""

    matrix: Matrix
    errors: list = field(default_factory=list)
    created: list = field(default_factory=list)  # ImportedRow
    updated: list = field(default_factory=list)  # (Row, ImportedRow, [change lines])
    deleted: list = field(default_factory=list)  # Row
    unchanged: int = 0
    reordered: bool = False
    rows: list = field(default_factory=list)  # ImportedRow, in file order
    signed: bool = False  # it changes what the heads signed (not only descriptions, order)

    @property
    def is_noop(self):
        return not (self.created or self.updated or self.deleted or self.reordered)


def import_plan(*, matrix, text):
    """Parse ``text`` and compare it with the matrix: the file becomes the matrix.

    Rows are matched by name (ignoring case); rows missing from the file are removed;
    the file's order becomes the rows' order.
    """
    function_list = selectors.functions()
    plan = ImportPlan(matrix=matrix)
    plan.rows, plan.errors = csv_io.parse_csv(text, selectors.columns(function_list))
    if plan.errors:
        return plan
    names = {f.slug: f.name for f in function_list}
    existing = list(selectors.rows_for_grid(matrix=matrix))
    by_name = {r.name.casefold(): r for r in existing}
    in_file = set()
    for imported in plan.rows:
        key = imported.name.casefold()
        in_file.add(key)
        row = by_name.get(key)
        if row is None:
            plan.created.append(imported)
            continue
        was = rules.snapshot_row(name=row.name, layer=row.layer, description=row.description,
                                 letters=selectors.letters_of(row))
        now = rules.snapshot_row(
            name=imported.name, layer=imported.layer,
            description=row.description if imported.description is None
            else imported.description,
            letters=imported.letters,
        )
        lines = [text for _, text in rules.changes_between([was], [now], names)]
        if row.name != imported.name:
            lines.append(f"renamed {row.name!r} → {imported.name!r}")
        if lines:
            plan.updated.append((row, imported, lines))
            plan.signed = plan.signed or (
                rules.signed_content([was]) != rules.signed_content([now]))
        else:
            plan.unchanged += 1
    plan.deleted = [r for r in existing if r.name.casefold() not in in_file]
    kept = [r.name.casefold() for r in existing if r.name.casefold() in in_file]
    plan.reordered = bool(plan.created) or kept != [r.name.casefold() for r in plan.rows]
    plan.signed = plan.signed or bool(plan.created or plan.deleted)
    return plan


@transaction.atomic
def matrix_import(*, matrix, text, actor, door, expected_version=None):
    """Make the matrix what the CSV says, all or nothing. Returns the ImportPlan applied.

    Every bad line is reported (``{"file": ["line N (row): …", …]}``) and nothing is
    written. Importing the file that ``export`` wrote changes nothing.
    ``expected_version`` guards what was signed: a cosmetic edit since the preview (a
    description, the order) does not move the version, and the file, re-read here under
    the lock, decides those too.
    """
    policy.require_administer(actor)
    matrix = _lock_matrix(matrix)
    if expected_version is not None and int(expected_version) != matrix.version:
        raise VersionMoved(matrix=matrix, expected=expected_version)
    plan = import_plan(matrix=matrix, text=text)
    if plan.errors:
        raise ValidationError({"file": plan.errors})
    if plan.is_noop:
        return plan
    by_slug = _functions_by_slug()
    names = _names(by_slug)
    positions = {r.name.casefold(): (i + 1) * 10 for i, r in enumerate(plan.rows)}

    Row.objects.filter(pk__in=[r.pk for r in plan.deleted]).delete()
    changed_rows = []
    for row, imported, _ in plan.updated:
        split = rules.exactly_one_accountable(imported.name, imported.letters, names)
        row.name, row.layer = imported.name, imported.layer
        if imported.description is not None:
            row.description = imported.description
        row.accountable_id = by_slug[split.accountable].pk
        row.accountable_also_responsible = split.also_responsible
        changed_rows.append((row, split))
    Cell.objects.filter(row__in=[row for row, _ in changed_rows]).delete()
    touched = [row for row, _ in changed_rows]
    if plan.reordered:
        touched = list({r.pk: r for r in [*matrix.rows.all(), *touched]}.values())
        for row in touched:
            row.position = positions[row.name.casefold()]
    for row in touched:
        row.clean_fields(exclude=["matrix", "accountable"])
    Row.objects.bulk_update(
        touched,
        ["name", "layer", "description", "accountable", "accountable_also_responsible",
         "position"],
    )
    new_rows = []
    for imported in plan.created:
        split = rules.exactly_one_accountable(imported.name, imported.letters, names)
        row = Row(matrix=matrix, name=imported.name, layer=imported.layer,
                  description=imported.description or "",
                  position=positions[imported.name.casefold()],
                  accountable=by_slug[split.accountable],
                  accountable_also_responsible=split.also_responsible)
        row.clean_fields(exclude=["matrix", "accountable"])
        new_rows.append((row, split))
    Row.objects.bulk_create([row for row, _ in new_rows])
    search.refresh_vectors(Row, [row.pk for row in touched] + [row.pk for row, _ in new_rows])
    Cell.objects.bulk_create([
        Cell(row=row, function=by_slug[slug], letter=letter, accountable_id=row.accountable_id)
        for row, split in [*changed_rows, *new_rows]
        for slug, letter in split.cells.items()
    ])
    _changed(matrix, actor=actor, door=door, action="import", obj=matrix, changes={
        "created": [None, len(plan.created)], "updated": [None, len(plan.updated)],
        "deleted": [None, len(plan.deleted)], "reordered": [None, plan.reordered],
    }, signed=plan.signed)
    return plan
