"""Counts read as English: "1 function", "2 matrices", never "function(s)"."""

import pytest

from revops.words import counted, plural


@pytest.mark.parametrize(("count", "expected"), [(0, "0 functions"), (1, "1 function"),
                                                 (2, "2 functions")])
def test_a_count_takes_the_singular_only_for_one(count, expected):
    assert counted(count, "function") == expected


def test_an_irregular_plural_is_given():
    assert counted(2, "matrix", "matrices") == "2 matrices"
    assert counted(1, "matrix", "matrices") == "1 matrix"
    assert plural(3, "has", "have") == "have"


def test_no_message_in_the_code_writes_a_count_with_parenthesised_s():
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    written = re.compile(r"\}\s[a-z ]+\(s\)")  # f"{n} section(s)"
    offenders = [str(p.relative_to(root)) for app in ("revops", "runbook", "raci", "cadence",
                                                      "overview")
                 for p in (root / app).rglob("*.py") if written.search(p.read_text())]
    assert offenders == []
