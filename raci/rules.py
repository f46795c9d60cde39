"""Pure RACI rules: letters, the one-Accountable rule, lint, CSV, what changed.

Nothing here touches the database; services and selectors hand in plain values.
A row's letters are a dict ``{function_slug: letter}`` with letters from ``LETTERS``
(the A, or A/R, included); functions are ``Column``s in column order.
"""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from revops.models import Layer

LETTERS = ("R", "A", "C", "I", "A/R")
ACCOUNTABLE_LETTERS = ("A", "A/R")
RESPONSIBLE_LETTERS = ("R", "A/R")
LEGEND = [
    ("R", "Responsible", "does the work"),
    ("A", "Accountable", "owns the outcome; exactly one per row"),
    ("C", "Consulted", "is asked before the decision"),
    ("I", "Informed", "is told after the decision"),
    ("A/R", "Accountable and responsible", "owns the outcome and does the work"),
]
MAX_IMPORT_LINES = 5000


@dataclass(frozen=True)
class Column:
    slug: str
    name: str
    has_head: bool = True


def names_and(names):
    """"Sales", "Marketing and Sales", "CS, Marketing and Sales"."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def normalize_letter(raw):
    """The canonical letter for ``raw`` ('' for empty), or None if it is not a letter."""
    text = (raw or "").strip().upper().replace(" ", "")
    if text in {"", "-", "—"}:
        return ""
    if text in {"AR", "A/R", "R/A"}:
        return "A/R"
    return text if text in LETTERS else None


@dataclass
class RowLetters:
    """A row's letters split the way the tables hold them."""

    accountable: str
    also_responsible: bool
    cells: dict = field(default_factory=dict)  # slug -> R/C/I, never the accountable


def exactly_one_accountable(row_name, letters, names):
    """Split ``letters`` into the A and the cells, or say why it is not one A.

    ``names`` maps slug -> function name, for messages.
    """
    holders = [slug for slug, letter in letters.items() if letter in ACCOUNTABLE_LETTERS]
    label = row_name or "This row"
    if not holders:
        raise ValidationError(
            f"{label} must have exactly one Accountable; no function is marked A.",
            code="no_accountable",
        )
    if len(holders) > 1:
        both = "both" if len(holders) == 2 else "all"
        raise ValidationError(
            f"{label} must have exactly one Accountable; "
            f"{names_and(sorted(names.get(s, s) for s in holders))} are {both} marked A.",
            code="second_accountable",
        )
    slug = holders[0]
    return RowLetters(
        accountable=slug,
        also_responsible=letters[slug] == "A/R",
        cells={s: v for s, v in letters.items() if v and s != slug},
    )


def check_letters(letters, columns):
    """Normalise ``{slug: raw letter}``; unknown slugs and letters are named."""
    by_slug = {c.slug: c for c in columns}
    unknown = sorted(set(letters) - set(by_slug))
    if unknown:
        raise ValidationError(
            f"Unknown function {names_and(repr(s) for s in unknown)}; "
            f"the functions are {', '.join(by_slug)}.",
            code="unknown_function",
        )
    clean = {}
    for slug, raw in letters.items():
        letter = normalize_letter(raw)
        if letter is None:
            raise ValidationError(
                f"{raw!r} for {by_slug[slug].name} is not a RACI letter; "
                f"use R, A, C, I, A/R or leave it empty.",
                code="unknown_letter",
            )
        if letter:
            clean[slug] = letter
    return clean


# --- lint -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LintRow:
    id: int
    name: str
    letters: dict  # slug -> letter, A included


SHORT_LABELS = {
    "no_responsible": "no R",
    "too_many_responsible": "3+ R",
    "all_consulted": "all C",
    "function_unused": "unused",
    "accountable_bottleneck": "bottleneck",
    "function_without_head": "no head",
}


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    severity: str = "warning"
    row: int | None = None
    function: str | None = None

    @property
    def short(self):
        return SHORT_LABELS.get(self.code, self.code)

    @property
    def anchor(self):
        return f"row-{self.row}" if self.row is not None else f"function-{self.function}"


def lint(rows, columns):
    """Warnings about a matrix that is legal but probably wrong."""
    findings = []
    names = {c.slug: c.name for c in columns}
    for row in rows:
        responsible = [s for s, v in row.letters.items() if v in RESPONSIBLE_LETTERS]
        if not responsible:
            findings.append(Finding(
                "no_responsible", f"{row.name} has no R: nobody is named to do the work.",
                row=row.id,
            ))
        elif len(responsible) > 2:
            findings.append(Finding(
                "too_many_responsible",
                f"{row.name} has {len(responsible)} R's "
                f"({names_and(names.get(s, s) for s in responsible)}); more than two "
                f"usually means nobody really does it.",
                row=row.id,
            ))
        others = [c.slug for c in columns if row.letters.get(c.slug) not in ACCOUNTABLE_LETTERS]
        if others and all(row.letters.get(s) == "C" for s in others):
            findings.append(Finding(
                "all_consulted",
                f"{row.name} consults everyone and gives the work to no one.",
                row=row.id,
            ))
    for column in columns:
        used = [r for r in rows if column.slug in r.letters]
        accountable = [r for r in used if r.letters[column.slug] in ACCOUNTABLE_LETTERS]
        if rows and not used:
            findings.append(Finding(
                "function_unused", f"{column.name} has no letter on any row.",
                function=column.slug,
            ))
        if len(rows) >= 2 and len(accountable) * 2 > len(rows):
            findings.append(Finding(
                "accountable_bottleneck",
                f"{column.name} is accountable for {len(accountable)} of {len(rows)} rows; "
                f"more than half makes it a bottleneck.",
                function=column.slug,
            ))
        if not column.has_head:
            findings.append(Finding(
                "function_without_head",
                f"{column.name} has no head, so nobody can sign the matrix off for it.",
                function=column.slug,
            ))
    return findings


# --- what changed between two versions -----------------------------------------------


def snapshot_row(*, name, layer, description, letters):
    return {"name": name, "layer": layer, "description": description, "letters": letters}


def changes_between(before, after, names):
    """Human lines saying how the rows ``after`` differ from ``before`` (snapshots)."""
    old = {r["name"].casefold(): r for r in before}
    new = {r["name"].casefold(): r for r in after}
    lines = []
    for key, row in new.items():
        if key not in old:
            lines.append(("add", f"Added {row['name']}"))
            continue
        was = old[key]
        details = []
        for slug in dict.fromkeys([*was["letters"], *row["letters"]]):
            a, b = was["letters"].get(slug, ""), row["letters"].get(slug, "")
            if a != b:
                details.append(f"{names.get(slug, slug)} {a or '—'} → {b or '—'}")
        if was["layer"] != row["layer"]:
            details.append(f"layer {was['layer'] or '—'} → {row['layer'] or '—'}")
        if was["description"] != row["description"]:
            details.append("description edited")
        if details:
            lines.append(("change", f"{row['name']}: {'; '.join(details)}"))
    for key, row in old.items():
        if key not in new:
            lines.append(("del", f"Removed {row['name']}"))
    if [k for k in new if k in old] != [k for k in old if k in new]:
        lines.append(("change", "Rows reordered"))
    return lines


# --- CSV ------------------------------------------------------------------------------

LAYER_BY_TEXT = {
    **{v.casefold(): v for v in Layer.values},
    **{label.casefold(): v for v, label in Layer.choices},
}


# A spreadsheet runs a cell that starts with one of these as a formula; the export
# prefixes such text with an apostrophe and the import takes it off again.
FORMULA_STARTS = ("=", "+", "-", "@")


def guard_formula(text):
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def unguard_formula(text):
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def csv_header(columns):
    return ["layer", "name", "description", *[c.slug for c in columns]]


def parse_layer(raw):
    text = (raw or "").strip().casefold()
    if not text:
        return ""
    return LAYER_BY_TEXT.get(text)


@dataclass
class ImportedRow:
    line: int
    name: str
    layer: str
    description: str | None
    letters: dict


def parse_csv(text, columns):
    """``(rows, errors)`` for a CSV file's text; errors are ``"line N: …"`` strings.

    Line numbers count the header as line 1. Columns are matched by header name.
    """
    names = {c.slug: c.name for c in columns}
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        return [], ["line 1: the file is empty; the first line must be the header."]
    except csv.Error as exc:
        return [], [f"line 1: not readable as CSV ({exc})."]
    header = [h.strip() for h in header]
    errors = []
    keys = [h.casefold() for h in header]
    for required in ("name", "layer"):
        if required not in keys:
            errors.append(f"line 1: the header has no '{required}' column.")
    known = {"name", "layer", "description", *names}
    unknown = [h for h in header if h.casefold() not in known and h]
    if unknown:
        errors.append(
            f"line 1: unknown function {names_and(repr(h) for h in unknown)}; "
            f"the function columns are {', '.join(names)}."
        )
    duplicates = sorted({h for h in keys if keys.count(h) > 1 and h})
    if duplicates:
        errors.append(f"line 1: column {names_and(repr(h) for h in duplicates)} appears twice.")
    if errors:
        return [], errors

    index = {key: i for i, key in enumerate(keys)}
    function_columns = [(c.slug, index[c.slug]) for c in columns if c.slug in index]
    rows, seen = [], {}
    try:
        for number, record in enumerate(reader, start=2):
            if number > MAX_IMPORT_LINES + 1:
                errors.append(f"line {number}: too many lines (at most {MAX_IMPORT_LINES}).")
                break
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(header):
                errors.append(
                    f"line {number}: {len(record)} values but the header has {len(header)}."
                )
                continue
            record = record + [""] * (len(header) - len(record))
            name = unguard_formula(record[index["name"]].strip())
            label = name or f"line {number}"
            problems = []
            if not name:
                problems.append("the name is empty")
            elif len(name) > 200:
                problems.append("the name is longer than 200 characters")
            elif name.casefold() in seen:
                first = seen[name.casefold()]
                problems.append(f"the name {name!r} is already used on line {first}")
            layer = parse_layer(record[index["layer"]])
            if layer is None:
                problems.append(
                    f"layer {record[index['layer']].strip()!r} is not one of "
                    f"{', '.join(Layer.values)} (or empty)"
                )
            letters = {}
            for slug, i in function_columns:
                letter = normalize_letter(record[i])
                if letter is None:
                    problems.append(
                        f"{record[i].strip()!r} under {slug} is not a RACI letter "
                        f"(use R, A, C, I, A/R or leave it empty)"
                    )
                elif letter:
                    letters[slug] = letter
            if not problems:
                try:
                    exactly_one_accountable(name, letters, names)
                except ValidationError as exc:
                    problems.append(exc.messages[0])
            if problems:
                errors.append(f"line {number} ({label}): {'; '.join(problems)}.".replace("..", "."))
                continue
            seen[name.casefold()] = number
            # Without a description column, the rows keep the descriptions they have.
            description = (
                unguard_formula(record[index["description"]].strip())
                if "description" in index else None
            )
            rows.append(ImportedRow(number, name, layer, description, letters))
    except csv.Error as exc:
        errors.append(f"line {reader.line_num}: not readable as CSV ({exc}).")
    return rows, errors


def write_csv(rows, columns):
    """CSV text for ``rows`` (dicts as made by ``snapshot_row``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(csv_header(columns))
    for row in rows:
        writer.writerow([
            row["layer"], guard_formula(row["name"]), guard_formula(row["description"]),
            *[row["letters"].get(c.slug, "") for c in columns],
        ])
    return out.getvalue()
