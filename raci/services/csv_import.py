"""CSV import: the file becomes the matrix, all or nothing, after a preview of what it
would change."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from raci import csv_io, rules, selectors
from raci.csv_io import MAX_IMPORT_BYTES
from raci.models import Cell, Matrix, Row
from raci.services.rows import functions_by_slug, names_of
from raci.services.versions import VersionMoved, lock_matrix, record_change
from revops import policy, search


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
    matrix = lock_matrix(matrix, editing=matrix)
    if expected_version is not None and int(expected_version) != matrix.version:
        raise VersionMoved(matrix=matrix, expected=expected_version)
    plan = import_plan(matrix=matrix, text=text)
    if plan.errors:
        raise ValidationError({"file": plan.errors})
    if plan.is_noop:
        return plan
    by_slug = functions_by_slug()
    names = names_of(by_slug)
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
    record_change(matrix, actor=actor, door=door, action="import", obj=matrix, changes={
        "created": [None, len(plan.created)], "updated": [None, len(plan.updated)],
        "deleted": [None, len(plan.deleted)], "reordered": [None, plan.reordered],
    }, signed=plan.signed)
    return plan
