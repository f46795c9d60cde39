"""Readable differences between two Markdown texts: a unified diff for the API and
export, and typed lines for the pages (``.diff .add/.del/.hunk``)."""

import difflib
from dataclasses import dataclass


def unified(old, new, *, old_label, new_label, context=3):
    """A unified diff of two bodies, line by line."""
    return "".join(
        difflib.unified_diff(
            _lines(old), _lines(new), fromfile=old_label, tofile=new_label, n=context
        )
    )


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add", "del", "hunk" or "" for context
    text: str


def lines(old, new, *, context=3):
    """The unified diff as typed lines, without the file header."""
    return typed_lines(unified(old, new, old_label="", new_label="", context=context))


def typed_lines(diff):
    """The lines of a unified diff's text, typed, without its two-line file header."""
    raw = diff.split("\n")[:-1]  # every line of a diff ends with a newline
    if raw[:1] and raw[0].startswith("--- ") and raw[1:2] and raw[1].startswith("+++ "):
        raw = raw[2:]
    result = []
    for text in raw:
        if text.startswith("@@"):
            result.append(DiffLine("hunk", text))
        elif text.startswith("+"):
            result.append(DiffLine("add", text))
        elif text.startswith("-"):
            result.append(DiffLine("del", text))
        else:
            result.append(DiffLine("", text))
    return result


def _lines(text):
    text = (text or "").replace("\r\n", "\n")
    return [line + "\n" for line in text.split("\n")] if text else []


def merge_context(conflict, yours):
    """What a merge page shows after a stale edit (``RevisionConflict``): the current
    revision, the text the editor sent, the revision they started from, and the lines
    between them."""
    theirs = conflict.current
    return {
        "theirs": theirs,
        "yours": yours,
        "base_revision": conflict.base_revision,
        "diff": lines(theirs.body if theirs else "", yours),
    }
