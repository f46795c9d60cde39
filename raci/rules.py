"""Pure RACI rules: letters, the one-Accountable rule, lint, what changed.

Nothing here touches the database; services and selectors hand in plain values.
A row's letters are a dict ``{function_slug: letter}`` with letters from ``LETTERS``
(the A, or A/R, included); functions are ``Column``s in column order.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

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


def row_name_key(name):
    """What two rows of one matrix may not share: the name, trimmed, in any case (the
    database holds the same as ``raci_row_unique_name_per_matrix``)."""
    return name.strip().casefold()


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


#: What a head signs off for a row: its name, its layer and its letters. A row's layer
#: is part of it because it decides who answers for the layer (the escalation route and
#: the cross-checks of rituals and sections against the layer's R and A). Its
#: description and its place in the grid are bookkeeping: editing them is recorded, but
#: keeps the matrix version and the sign-offs.
SIGNED_FIELDS = ("name", "layer", "letters")


def signed_content(rows):
    """The part of snapshot rows a sign-off vouches for, order left out: two snapshots
    with equal ``signed_content`` need no new sign-off."""
    return sorted(
        (row["name"], row["layer"], sorted(row["letters"].items())) for row in rows
    )


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

