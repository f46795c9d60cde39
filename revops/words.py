"""Counts as English: "1 function", "2 matrices", never "function(s)"."""


def plural(count, singular, plural_form=None):
    """The noun for ``count`` of them: ``singular`` for one, otherwise ``plural_form``
    (by default the singular with an "s")."""
    if count == 1:
        return singular
    return plural_form or f"{singular}s"


def counted(count, singular, plural_form=None):
    """``counted(1, "function")`` → "1 function"; ``counted(2, "matrix", "matrices")`` →
    "2 matrices"."""
    return f"{count} {plural(count, singular, plural_form)}"
