"""The pure RACI rules, table-driven."""

import pytest
from django.core.exceptions import ValidationError

from raci import rules

COLUMNS = [rules.Column("revops", "RevOps"), rules.Column("marketing", "Marketing"),
           rules.Column("sales", "Sales"), rules.Column("cs", "Customer Success", False)]
NAMES = {c.slug: c.name for c in COLUMNS}


@pytest.mark.parametrize("raw, letter", [
    ("R", "R"), ("r", "R"), (" a ", "A"), ("C", "C"), ("i", "I"), ("A/R", "A/R"),
    ("a/r", "A/R"), ("AR", "A/R"), ("R/A", "A/R"), ("", ""), (None, ""), ("-", ""),
    ("X", None), ("RA C", None), ("AA", None),
])
def test_normalize_letter(raw, letter):
    assert rules.normalize_letter(raw) == letter


@pytest.mark.parametrize("letters, message", [
    ({}, "Deal desk must have exactly one Accountable; no function is marked A."),
    ({"sales": "R"}, "Deal desk must have exactly one Accountable; no function is marked A."),
    ({"sales": "A", "marketing": "A"},
     "Deal desk must have exactly one Accountable; Marketing and Sales are both marked A."),
    ({"sales": "A/R", "marketing": "A", "revops": "A"},
     "Deal desk must have exactly one Accountable; Marketing, RevOps and Sales are all "
     "marked A."),
])
def test_exactly_one_accountable_refusals_name_the_row_and_functions(letters, message):
    with pytest.raises(ValidationError) as exc:
        rules.exactly_one_accountable("Deal desk", letters, NAMES)
    assert exc.value.messages == [message]


def test_exactly_one_accountable_splits_the_a_from_the_cells():
    split = rules.exactly_one_accountable("X", {"sales": "A/R", "cs": "C", "revops": "R"}, NAMES)
    assert (split.accountable, split.also_responsible, split.cells) == (
        "sales", True, {"cs": "C", "revops": "R"})


def test_check_letters_names_unknown_functions_and_letters():
    with pytest.raises(ValidationError, match="Unknown function 'legal'"):
        rules.check_letters({"legal": "R"}, COLUMNS)
    with pytest.raises(ValidationError, match="'Z' for Sales is not a RACI letter"):
        rules.check_letters({"sales": "Z"}, COLUMNS)
    assert rules.check_letters({"sales": "a", "cs": ""}, COLUMNS) == {"sales": "A"}


def lint_codes(rows, columns=COLUMNS):
    return sorted((f.code, f.row or f.function) for f in rules.lint(rows, columns))


@pytest.mark.parametrize("rows, expected", [
    ([rules.LintRow(1, "a", {"revops": "A", "marketing": "C", "sales": "C", "cs": "C"})],
     [("all_consulted", 1), ("function_without_head", "cs"), ("no_responsible", 1)]),
    ([rules.LintRow(1, "a", {"revops": "A/R", "marketing": "R", "sales": "R", "cs": "I"}),
      rules.LintRow(2, "b", {"sales": "A", "revops": "R", "cs": "I"})],
     [("function_without_head", "cs"), ("too_many_responsible", 1)]),
    ([rules.LintRow(1, "a", {"revops": "A", "sales": "R"}),
      rules.LintRow(2, "b", {"revops": "A", "sales": "R"}),
      rules.LintRow(3, "c", {"sales": "A/R"})],
     [("accountable_bottleneck", "revops"), ("function_unused", "cs"),
      ("function_unused", "marketing"), ("function_without_head", "cs")]),
])
def test_lint(rows, expected):
    assert lint_codes(rows) == expected


def test_lint_half_is_not_a_bottleneck():
    rows = [rules.LintRow(1, "a", {"revops": "A", "sales": "R", "marketing": "C", "cs": "I"}),
            rules.LintRow(2, "b", {"sales": "A", "revops": "R", "marketing": "C", "cs": "I"})]
    assert lint_codes(rows, COLUMNS[:3]) == []


def test_changes_between_versions():
    before = [rules.snapshot_row(name="A", layer="process", description="", letters={"sales": "A"}),
              rules.snapshot_row(name="B", layer="", description="", letters={"cs": "A"})]
    after = [rules.snapshot_row(name="A", layer="systems", description="x",
                                letters={"sales": "A", "cs": "R"}),
             rules.snapshot_row(name="C", layer="", description="", letters={"cs": "A"})]
    assert rules.changes_between(before, after, NAMES) == [
        ("change", "A: Customer Success — → R; layer process → systems; description edited"),
        ("add", "Added C"),
        ("del", "Removed B"),
    ]
