"""Rows: added, changed, removed, reordered and moved, each with its letters checked
by the one-Accountable rule."""

from django.core.exceptions import ValidationError
from django.db import transaction

from raci import rules, selectors
from raci.models import Cell, Row
from raci.services.versions import lock_matrix, lock_row, record_change
from revops import audit, policy, search
from revops.models import Function


def functions_by_slug():
    return {f.slug: f for f in Function.objects.ordered()}


def names_of(by_slug):
    return {slug: f.name for slug, f in by_slug.items()}


def _letters(row):
    letters = {c.function.slug: c.letter for c in row.cells.select_related("function")}
    letters[row.accountable.slug] = row.accountable_letter
    return letters


def _split(row_name, cells, by_slug):
    """Check ``{slug: letter}`` and split it into the A and the R/C/I cells."""
    try:
        letters = rules.check_letters(cells or {}, selectors.columns(by_slug.values()))
        return rules.exactly_one_accountable(row_name, letters, names_of(by_slug))
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


@transaction.atomic
def row_create(*, matrix, name, cells, actor, door, layer="", description="", position=None):
    """Add a row. ``cells`` is ``{function_slug: letter}`` and must hold exactly one A."""
    policy.require_administer(actor)
    matrix = lock_matrix(matrix, editing=matrix)
    if position is None:
        last = matrix.rows.order_by("-position").values_list("position", flat=True).first()
        position = (last or 0) + 10
    row, changes = insert_row(matrix, functions_by_slug(), name=name, cells=cells,
                              layer=layer, description=description, position=position)
    record_change(matrix, actor=actor, door=door, action="create", obj=row, row=row,
                  changes=changes)
    return row


def insert_row(matrix, by_slug, *, name, cells, position, layer="", description=""):
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
    matrix, row = lock_row(row)
    by_slug = functions_by_slug()
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
    record_change(matrix, actor=actor, door=door, action="update", obj=row, row=row,
                  changes=changes, signed=any(name in changes for name in rules.SIGNED_FIELDS))
    return row


@transaction.atomic
def row_delete(*, row, actor, door):
    policy.require_administer(actor)
    matrix, row = lock_row(row)
    letters = _letters(row)
    pk, name = row.pk, row.name
    row.delete()
    row.pk = pk
    record_change(matrix, actor=actor, door=door, action="delete", obj=row, changes={
        "name": [name, None], "letters": [letters, None],
    })
    return row


@transaction.atomic
def rows_reorder(*, matrix, row_ids, actor, door):
    """Put the matrix's rows in the order of ``row_ids`` (every row, once)."""
    policy.require_administer(actor)
    matrix = lock_matrix(matrix)
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
        record_change(matrix, actor=actor, door=door, action="reorder", obj=matrix,
                      changes={"order": [before, after]}, signed=False)
    return matrix


@transaction.atomic
def row_move(*, row, direction, actor, door):
    """Swap a row with its neighbour above or below within its layer."""
    policy.require_administer(actor)
    if direction not in {"up", "down"}:
        raise ValidationError({"direction": "Move a row 'up' or 'down'."})
    matrix, row = lock_row(row, governed=False)
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
    record_change(matrix, actor=actor, door=door, action="move", obj=row, row=row,
                  changes={"position": [f"{i + 1} of {len(group)}",
                                        f"{j + 1} of {len(group)}"]},
                  signed=False)
    return row
