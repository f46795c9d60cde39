"""Diffs of section bodies: the unified text and the typed lines the pages show."""

from runbook import diffs


def test_typed_lines_drop_only_the_file_header():
    text = diffs.unified("# Plan\n---\nold\n", "# Plan\nnew\n", old_label="v1", new_label="v2")
    assert [(line.kind, line.text) for line in diffs.typed_lines(text)] == [
        ("hunk", "@@ -1,4 +1,3 @@"), ("", " # Plan"), ("del", "----"), ("del", "-old"),
        ("add", "+new"), ("", " "),
    ]


def test_lines_are_the_typed_unified_diff():
    assert diffs.lines("a\n", "b\n") == diffs.typed_lines(
        diffs.unified("a\n", "b\n", old_label="x", new_label="y")
    )
    assert diffs.lines("same", "same") == []
