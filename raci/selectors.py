"""Reads of the RACI that pages, endpoints, the dashboard and the readiness report share.

Every function here runs a fixed number of queries, whatever the number of rows.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q

from raci import csv_io, rules
from raci.models import Cell, Matrix, Row, SignOff
from revops.models import Function, Layer
from revops.summaries import summary


def functions():
    """The matrix's columns: every function, in column order, with its head."""
    return list(Function.objects.ordered().select_related("head", "deputy"))


def columns(function_list):
    return [rules.Column(f.slug, f.name, f.head_id is not None) for f in function_list]


def current_matrix():
    return Matrix.objects.current()


def rows_for_grid(*, matrix=None, layer=None):
    """Rows in grid order with their cells and accountable function loaded."""
    rows = Row.objects.in_grid_order().select_related("accountable", "matrix").prefetch_related(
        Prefetch("cells", queryset=Cell.objects.select_related("function").order_by())
    )
    if matrix is not None:
        rows = rows.filter(matrix=matrix)
    if layer:
        rows = rows.filter(layer=layer)
    return rows


def letters_of(row):
    """``{function_slug: letter}`` for a row fetched by ``rows_for_grid``, A included."""
    letters = {cell.function.slug: cell.letter for cell in row.cells.all()}
    letters[row.accountable.slug] = row.accountable_letter
    return letters


def snapshot(matrix):
    """The rows as plain data in grid order: what a sign-off records, what CSV exports."""
    return [
        rules.snapshot_row(
            name=row.name, layer=row.layer, description=row.description, letters=letters_of(row)
        )
        for row in rows_for_grid(matrix=matrix)
    ]


def csv_export(matrix):
    """The matrix as CSV: ``layer, name, description`` and one column per function slug."""
    return csv_io.write_csv(snapshot(matrix), columns(functions()))


def lint(matrix, *, rows=None, function_list=None):
    rows = list(rows_for_grid(matrix=matrix)) if rows is None else rows
    function_list = functions() if function_list is None else function_list
    return rules.lint(
        [rules.LintRow(r.id, r.name, letters_of(r)) for r in rows], columns(function_list)
    )


def rows_without_responsible(matrix):
    """Rows where no function is R (A/R counts as R) — a gap in the readiness report —
    in grid order, found in SQL: the readiness report reads this on every view."""
    return list(Row.objects.in_grid_order().filter(
        matrix=matrix, accountable_also_responsible=False).exclude(
        Exists(Cell.objects.filter(row=OuterRef("pk"), letter="R"))))


@dataclass
class SignOffStatus:
    function: Function
    latest: SignOff | None
    version: int  # the matrix version now

    @property
    def by_current_head(self):
        """A sign-off counts while its signer heads the function: a former head's
        (after a hand-over, or a change of head) stays in history but no longer counts."""
        return self.function.head_id is None or self.latest.signed_by_id == self.function.head_id

    @property
    def signed_current(self):
        return (self.latest is not None and self.latest.version == self.version
                and self.by_current_head)

    @property
    def signed_by_former_head(self):
        return (self.latest is not None and self.latest.version == self.version
                and not self.by_current_head)

    @property
    def changed_since(self):
        return self.latest is not None and self.latest.version < self.version

    @property
    def expected(self):
        """Somebody is to sign for the function: its seat's holder or, while the seat is
        vacant, its deputy (``policy.can_sign_off``). A seat with neither has nobody to
        sign; that is a vacancy to fill (the readiness report's ``seats_filled``), not a
        signature to wait for."""
        return self.function.head_id is not None or self.function.deputy_id is not None

    @property
    def state(self):
        if self.signed_current:
            return "signed"
        if not self.expected:
            return "no-signer"
        return "changed" if self.changed_since else "unsigned"


def signoff_status(matrix, *, function_list=None, signoffs=None):
    """Per function, in column order: its latest sign-off and whether it is current.

    ``signoffs`` may pass the matrix's sign-offs already fetched (e.g. prefetched for a list
    of matrices) so that no further query runs."""
    function_list = functions() if function_list is None else function_list
    if signoffs is None:
        signoffs = SignOff.objects.filter(matrix=matrix).defer("snapshot")
    heads = {f.id: f.head_id for f in function_list}
    latest = {}

    def rank(signoff):  # the newest version; within it, the current head's sign-off
        return signoff.version, signoff.signed_by_id == heads.get(signoff.function_id)

    for signoff in signoffs:
        known = latest.get(signoff.function_id)
        if known is None or rank(signoff) > rank(known):
            latest[signoff.function_id] = signoff
    return [SignOffStatus(f, latest.get(f.id), matrix.version) for f in function_list]


def missing_signoffs(matrix, *, function_list=None):
    """Who still has to sign the current version: the functions somebody signs for
    (``SignOffStatus.expected``) that have not. The RACI page, the dashboard, the to-do
    lists and the readiness report all ask this."""
    return [s for s in signoff_status(matrix, function_list=function_list)
            if s.expected and not s.signed_current]


def changes_since_signoff(matrix, function):
    """``(signoff, lines)``: what changed between this function's last sign-off and now."""
    signoff = (
        SignOff.objects.filter(matrix=matrix, function=function).order_by("-version").first()
    )
    if signoff is None:
        return None, []
    names = {f.slug: f.name for f in Function.objects.all()}
    return signoff, rules.changes_between(signoff.snapshot, snapshot(matrix), names)


@dataclass
class GridRow:
    row: Row
    letters: list  # (function, letter) in column order
    findings: list = field(default_factory=list)


@dataclass
class LayerGroup:
    layer: str
    label: str
    rows: list


# The grid page draws this many rows at a time (a row with its cells' menus weighs
# about 2 KB: a 500-row matrix made a 1.2 MB page); the print view draws them all.
ROWS_PER_PAGE = 50


def grid_page_of(row):
    """The page of its matrix's grid (``ROWS_PER_PAGE`` rows each) that draws ``row``."""
    order = list(Row.objects.filter(matrix_id=row.matrix_id).in_grid_order()
                 .values_list("pk", flat=True))
    return order.index(row.pk) // ROWS_PER_PAGE + 1


@summary
def matrix_lint(*, matrix_id):
    """``lint`` of every row of a matrix, kept until the model changes
    (``revops.summaries``): a page of the grid draws 50 rows and the findings of all."""
    return lint(Matrix.objects.get(pk=matrix_id))


def grid(matrix, *, page=None):
    """Everything the grid page draws, in a fixed number of queries: with ``page`` (a
    page number as the request gives it, or "" for the first), its ``ROWS_PER_PAGE`` rows
    (read alone, with the count) grouped by layer and ``page`` the ``Page``; without,
    every row. The lint (kept, ``matrix_lint``, on a page) and the sign-offs are of the
    whole matrix either way."""
    function_list = functions()
    if page is None:
        rows = list(rows_for_grid(matrix=matrix))
        findings = lint(matrix, rows=rows, function_list=function_list)
        row_count = len(rows)
    else:
        rows = page = Paginator(rows_for_grid(matrix=matrix), ROWS_PER_PAGE).get_page(page)
        findings = matrix_lint(matrix_id=matrix.pk)
        row_count = page.paginator.count
    by_row = {}
    for finding in findings:
        by_row.setdefault(finding.row, []).append(finding)
    groups = {}
    labels = dict(Layer.choices)
    for row in rows:
        letters = letters_of(row)
        group = groups.setdefault(
            row.layer, LayerGroup(row.layer, labels.get(row.layer, "Not grouped by layer"), [])
        )
        group.rows.append(GridRow(
            row, [(f, letters.get(f.slug, "")) for f in function_list], by_row.get(row.pk, [])
        ))
    return {
        "functions": function_list,
        "groups": list(groups.values()),
        "rows": rows,  # every row, or the page's
        "row_count": row_count,
        "page": page,
        "findings": findings,
        "signoffs": (statuses := signoff_status(matrix, function_list=function_list)),
        "awaited": [st for st in statuses if st.expected and not st.signed_current],
    }



def layer_accountables(matrix=None):
    """``{layer: function id}``: who answers for each layer of ``matrix`` (the current one
    by default). That is the A of the layer's row for the layer as a whole — the row
    named after the layer, e.g. "Process and workflow" or "Process and workflow (layer
    as a whole)" — or, where the matrix has none, the function that is A on most of the
    layer's rows (on a tie, the first in column order). A layer without rows
    is left out. Two queries at most, whatever the number of rows."""
    matrix = matrix or current_matrix()
    if matrix is None:
        return {}
    labels = {layer: label.lower() for layer, label in Layer.choices}
    whole, counts = {}, {}
    for layer, name, function_id, position in (
        Row.objects.filter(matrix=matrix).exclude(layer="")
        .values_list("layer", "name", "accountable_id", "accountable__position")
    ):
        if name.lower() in {labels[layer], f"{labels[layer]} (layer as a whole)"}:
            whole.setdefault(layer, function_id)
        tally = counts.setdefault(layer, {})
        count, _ = tally.get(function_id, (0, position))
        tally[function_id] = (count + 1, position)
    return {
        layer: whole.get(layer) or min(tally, key=lambda f: (-tally[f][0], tally[f][1], f))
        for layer, tally in counts.items()
    }


def accountable_function_ids(matrix):
    """Ids of the functions Accountable on at least one row of ``matrix`` (none: empty)."""
    if matrix is None:
        return set()
    return set(Row.objects.filter(matrix=matrix).values_list("accountable_id", flat=True))


def has_current_matrix():
    return Matrix.objects.filter(is_current=True).exists()


def live_current_matrices():
    """The current matrix of the live model, as a queryset (empty when there is none)."""
    return Matrix.objects.live().filter(is_current=True)


def archived_matrices():
    """Archived matrices, by title."""
    return Matrix.objects.archived().order_by("title", "pk")


def rows_per_layer(*, matrix):
    """``Counter({layer: rows})`` of ``matrix``, in one query."""
    return Counter(Row.objects.filter(matrix=matrix).values_list("layer", flat=True))


def rows_held_by(*, matrix, function_ids):
    """The rows of ``matrix``, in grid order, where one of ``function_ids`` is A or R."""
    return (Row.objects.in_grid_order().filter(matrix=matrix)
            .filter(Q(accountable_id__in=function_ids)
                    | Q(cells__function_id__in=function_ids, cells__letter="R"))
            .distinct())


def responsible_cells(*, matrix, function_ids):
    """The R cells of ``function_ids`` in ``matrix``, with their rows."""
    return Cell.objects.filter(row__matrix=matrix, function_id__in=function_ids,
                               letter="R").select_related("row")


def signoffs_of_current_version_by(*, matrix, person):
    """What ``person`` signed of ``matrix``'s current version, with the function, in
    column order (the snapshots left unread)."""
    return (SignOff.objects.filter(matrix=matrix, version=matrix.version, signed_by=person)
            .select_related("function").defer("snapshot").order_by("function__position"))


def rows_to_search(*, include_archived=False):
    """The rows search reads: the live model's matrices', or every one."""
    return Row.objects.all() if include_archived else Row.objects.filter(
        matrix__archived_at__isnull=True)


def rows_by_ids(pks):
    """``{id: row}`` with their letters loaded (``letters_of``), matrix and A."""
    return {row.pk: row for row in rows_for_grid().filter(pk__in=pks)}


@dataclass(frozen=True)
class LayerLetters:
    """Who is what for a layer of the current matrix: function ids by letter."""

    accountable: int | None
    responsible: frozenset = frozenset()
    consulted: frozenset = frozenset()
    informed: frozenset = frozenset()


def layer_letters(layer, matrix=None):
    """The R, A, C and I of ``layer`` in ``matrix`` (the current one by default): the A
    that ``layer_accountables`` names, and the R, C and I of the layer's row for the layer
    as a whole, or of all its rows where the matrix has none (a function keeps the
    strongest letter it holds; the A holds no other). Four queries at most."""
    matrix = matrix or current_matrix()
    accountable = layer_accountables(matrix).get(layer) if matrix else None
    if accountable is None:
        return LayerLetters(accountable=None)
    labels = {f"{dict(Layer.choices)[layer].lower()}",
              f"{dict(Layer.choices)[layer].lower()} (layer as a whole)"}
    rows = list(rows_for_grid(matrix=matrix, layer=layer))
    whole = [row for row in rows if row.name.lower() in labels]
    letters = {}
    for row in whole or rows:
        for cell in row.cells.all():
            letters.setdefault(cell.function_id, set()).add(cell.letter)
        if row.accountable_also_responsible and row.accountable_id != accountable:
            letters.setdefault(row.accountable_id, set()).add("R")
    letters.pop(accountable, None)
    strongest = {fid: next(letter for letter in "RCI" if letter in held)
                 for fid, held in letters.items()}
    return LayerLetters(
        accountable=accountable,
        responsible=frozenset(f for f, letter in strongest.items() if letter == "R"),
        consulted=frozenset(f for f, letter in strongest.items() if letter == "C"),
        informed=frozenset(f for f, letter in strongest.items() if letter == "I"),
    )
