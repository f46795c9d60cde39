"""The RACI matrix as CSV: reading an import file and writing the export.

Pure, like ``raci.rules``: text in, plain values out; the import service compares
what is read with the database. Columns are matched by header name (``name``,
``layer``, optional ``description``, one column per function slug) and line numbers
count the header as line 1. Every bad line is reported, not just the first, because
the import is all-or-nothing: one round of fixes should be enough.
"""

import csv
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from raci.models import DESCRIPTION_MAX_LENGTH, Row
from raci.rules import exactly_one_accountable, names_and, normalize_letter, row_name_key
from revops.models import Layer

MAX_IMPORT_LINES = 5000
MAX_IMPORT_BYTES = 2 * 1024 * 1024
NAME_MAX_LENGTH = Row._meta.get_field("name").max_length
#: The longest cell the export writes and the import reads: the longest text a row
#: holds, plus the apostrophe ``guard_formula`` may put in front of it.
CELL_MAX_LENGTH = max(NAME_MAX_LENGTH, DESCRIPTION_MAX_LENGTH) + 1

# Python's csv module has one limit on a field for the whole process (131,072 characters
# by default) and, past it, stops reading with an error that names no column. No field of
# an accepted upload is longer than the upload, so the reader is let read any of them and
# ``parse_line`` refuses a cell over CELL_MAX_LENGTH by line and column.
csv.field_size_limit(max(csv.field_size_limit(), MAX_IMPORT_BYTES))

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


@dataclass(frozen=True)
class Header:
    """Where each column of the file is, matched by name ignoring case."""

    width: int
    index: dict  # column name, casefolded -> position
    functions: list  # (slug, position) of each function column, in column order


# --- reading --------------------------------------------------------------------------

# Python's csv module reads NUL like any character, and PostgreSQL refuses to store it.
NUL_PROBLEM = "contains a NUL character (a byte 0), which is never text; is this a CSV file?"


def has_nul(record):
    return any("\x00" in cell for cell in record)



def parse_csv(text, columns):
    """``(rows, errors)`` for a CSV file's text; errors are ``"line N: …"`` strings,
    counting the header as line 1.

    A bad header is the only error reported (nothing else can be read without it);
    otherwise every bad line is, and ``rows`` holds the good ones.
    """
    reader = csv.reader(io.StringIO(text))
    try:
        header = read_header(reader, columns)
    except ValidationError as exc:
        return [], exc.messages
    names = {c.slug: c.name for c in columns}
    rows, errors, seen = [], [], {}
    try:
        for number, record in enumerate(reader, start=2):
            if number > MAX_IMPORT_LINES + 1:
                errors.append(f"line {number}: too many lines (at most {MAX_IMPORT_LINES}).")
                break
            if not any(cell.strip() for cell in record):
                continue
            if has_nul(record):
                errors.append(f"line {number}: {NUL_PROBLEM}.")
                continue
            try:
                row = parse_line(number, record, header, names=names, seen=seen)
            except ValidationError as exc:
                errors.extend(exc.messages)
                continue
            seen[row_name_key(row.name)] = number
            rows.append(row)
    except csv.Error as exc:
        errors.append(f"line {reader.line_num}: not readable as CSV ({exc}).")
    return rows, errors


def read_header(reader, columns):
    """The first line as a ``Header``; raises ``ValidationError`` with every problem."""
    try:
        cells = next(reader)
    except StopIteration:
        raise ValidationError(
            "line 1: the file is empty; the first line must be the header."
        ) from None
    except csv.Error as exc:
        raise ValidationError(f"line 1: not readable as CSV ({exc}).") from None
    if has_nul(cells):
        raise ValidationError(f"line 1: {NUL_PROBLEM}.")
    cells = [cell.strip() for cell in cells]
    problems = header_problems(cells, columns)
    if problems:
        raise ValidationError(problems)
    index = {cell.casefold(): i for i, cell in enumerate(cells)}
    return Header(
        width=len(cells),
        index=index,
        functions=[(c.slug, index[c.slug]) for c in columns if c.slug in index],
    )


def header_problems(cells, columns):
    """``"line 1: …"`` for missing, unknown and repeated columns, in that order."""
    problems = []
    keys = [cell.casefold() for cell in cells]
    for required in ("name", "layer"):
        if required not in keys:
            problems.append(f"line 1: the header has no '{required}' column.")
    slugs = [c.slug for c in columns]
    known = {"name", "layer", "description", *slugs}
    unknown = [cell for cell in cells if cell.casefold() not in known and cell]
    if unknown:
        problems.append(
            f"line 1: unknown function {names_and(repr(cell) for cell in unknown)}; "
            f"the function columns are {', '.join(slugs)}."
        )
    duplicates = sorted({key for key in keys if keys.count(key) > 1 and key})
    if duplicates:
        problems.append(
            f"line 1: column {names_and(repr(key) for key in duplicates)} appears twice."
        )
    return problems


def parse_line(number, record, header, *, names, seen):
    """Line ``number`` as an ``ImportedRow``; raises ``ValidationError`` naming the line
    and every problem on it. ``seen`` maps the names (by ``row_name_key``) of the good
    lines read so far to their line; ``names`` maps slug -> function name, for messages."""
    if len(record) > header.width:
        raise ValidationError(
            f"line {number}: {len(record)} values but the header has {header.width}."
        )
    record = record + [""] * (header.width - len(record))
    too_long = length_problems(record, header)
    if too_long:
        # Nothing else is read: the other messages would quote the cell whole.
        raise ValidationError(f"line {number}: {'; '.join(too_long)}.")
    name = unguard_formula(record[header.index["name"]].strip())
    layer, layer_problems = read_layer(record[header.index["layer"]])
    letters, letter_problems = read_letters(record, header)
    problems = [*name_problems(name, seen), *layer_problems, *letter_problems]
    if not problems:
        try:
            exactly_one_accountable(name, letters, names)
        except ValidationError as exc:
            problems.append(exc.messages[0])
    if problems:
        label = name or f"line {number}"
        raise ValidationError(
            f"line {number} ({label}): {'; '.join(problems)}.".replace("..", ".")
        )
    # Without a description column, the rows keep the descriptions they have.
    description = (
        unguard_formula(record[header.index["description"]].strip())
        if "description" in header.index else None
    )
    if description is not None and len(description) > DESCRIPTION_MAX_LENGTH:
        raise ValidationError(
            f"line {number} ({name}): the description is {len(description):,} characters "
            f"long; a description holds at most {DESCRIPTION_MAX_LENGTH:,}."
        )
    return ImportedRow(number, name, layer, description, letters)


def length_problems(record, header):
    """``"the <column> is N characters long…"`` for each cell longer than any the export
    writes (``CELL_MAX_LENGTH``)."""
    return [
        f"the {column} value is {len(record[i]):,} characters long; a cell holds at most "
        f"{CELL_MAX_LENGTH:,}"
        for column, i in header.index.items() if len(record[i]) > CELL_MAX_LENGTH
    ]


def name_problems(name, seen):
    if not name:
        return ["the name is empty"]
    if len(name) > NAME_MAX_LENGTH:
        return [f"the name is longer than {NAME_MAX_LENGTH} characters"]
    if row_name_key(name) in seen:
        return [f"the name {name!r} is already used on line {seen[row_name_key(name)]}"]
    return []


def read_layer(raw):
    """``(layer, problems)``: a layer value or label, or empty for none."""
    layer = parse_layer(raw)
    if layer is None:
        return "", [
            f"layer {raw.strip()!r} is not one of {', '.join(Layer.values)} (or empty)"
        ]
    return layer, []


def read_letters(record, header):
    """``(letters, problems)``: ``{slug: letter}`` for the non-empty function cells."""
    letters, problems = {}, []
    for slug, i in header.functions:
        letter = normalize_letter(record[i])
        if letter is None:
            problems.append(
                f"{record[i].strip()!r} under {slug} is not a RACI letter "
                f"(use R, A, C, I, A/R or leave it empty)"
            )
        elif letter:
            letters[slug] = letter
    return letters, problems


# --- writing --------------------------------------------------------------------------


def write_csv(rows, columns):
    """CSV text for ``rows`` (dicts as made by ``rules.snapshot_row``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(csv_header(columns))
    for row in rows:
        writer.writerow([
            row["layer"], guard_formula(row["name"]), guard_formula(row["description"]),
            *[row["letters"].get(c.slug, "") for c in columns],
        ])
    return out.getvalue()
