"""What every app's search needs: the text search configuration, whether the database
does full-text search, and the one way a snippet becomes HTML.

PostgreSQL keeps weighted ``tsvector`` columns (title ``A``, headings ``B``, body ``C``)
and answers with ``websearch_to_tsquery``; SQLite (``make run``) falls back to plain
substring matching with the same result shape.
"""

import re

from django.conf import settings
from django.db import connection
from django.utils.html import escape

MARK_START, MARK_STOP = "<mark>", "</mark>"
_MARKS = re.compile(f"({re.escape(MARK_START)}|{re.escape(MARK_STOP)})")
# Markdown's markers, which a snippet (a cut through the source) would otherwise show:
# heading hashes, bullets and quote marks that start a line (or a fragment), strong and
# code markers, and a link's target. A "#channel", a snake_case word or "1." is text and stays.
_LINE_MARKERS = re.compile(r"(?m)(?:^|(?<= … ))[ \t]*(?:#{1,6}|[-*+]|>)[ \t]+")
_INLINE_MARKERS = re.compile(r"\*\*|__|`")
_LINK = re.compile(r"!?\[([^\]\n]*)\]\([^)\s]*\)")
# A glossary link, ``[[MQL]]`` (runbook/glossary.py): the reader sees the term.
_TERM_LINK = re.compile(r"\[\[([^\[\]\n]+)\]\]")


def text_search_config():
    """The PostgreSQL text search configuration (``REVOPS_SEARCH_CONFIG``)."""
    return settings.REVOPS_SEARCH_CONFIG


def full_text():
    """True when the database does full-text search (PostgreSQL)."""
    return connection.vendor == "postgresql"


def weighted_vector_sql(text_sql, weight):
    """SQL for the ``tsvector`` of ``text_sql`` with ``weight`` (``A`` to ``D``), in the
    configured language (the ``%(config)s`` parameter ``rewrite_vectors`` passes)."""
    return f"setweight(to_tsvector(%(config)s::regconfig, {text_sql}), '{weight}')"


def rewrite_vectors(sql, ids=None, *, conn=None, **params):
    """Run an ``UPDATE … SET search_vector = …`` whose ``WHERE`` is ``%(all)s OR id =
    ANY(%(ids)s)``: for these ids, or every row when ``ids`` is None. PostgreSQL only;
    nothing to do elsewhere."""
    conn = conn or connection
    if conn.vendor != "postgresql" or (ids is not None and not ids):
        return
    with conn.cursor() as cursor:
        cursor.execute(sql, {"config": text_search_config(), "all": ids is None,
                             "ids": list(ids or ()), **params})


def refresh_vectors(model, ids=None, *, conn=None):
    """Rewrite ``model.search_vector`` from its ``SEARCH_WEIGHTS`` (``{field: weight}``)
    for the rows ``ids`` (all when None): the same transaction as the write that
    changed them."""
    vector = " || ".join(weighted_vector_sql(f'coalesce("{field}", \'\')', weight)
                         for field, weight in model.SEARCH_WEIGHTS.items())
    rewrite_vectors(f'UPDATE "{model._meta.db_table}" SET search_vector = {vector} '
                    f"WHERE %(all)s OR id = ANY(%(ids)s)", ids, conn=conn)


def plain_markdown(text):
    """``text`` (Markdown) without the markers a reader should not see in a snippet."""
    text = _TERM_LINK.sub(r"\1", _LINE_MARKERS.sub("", text or ""))
    return _INLINE_MARKERS.sub("", _LINK.sub(r"\1", text))


def marked_html(text):
    """``text`` in which ``<mark>``/``</mark>`` delimit the matched words, as safe HTML:
    everything is escaped except balanced ``<mark>`` elements. Stored text is never
    trusted, so a ``<mark>`` the author wrote can at worst highlight a word too."""
    parts, inside = [], False
    for token in _MARKS.split(text or ""):
        if token == MARK_START:
            if not inside:
                parts.append(MARK_START)
                inside = True
        elif token == MARK_STOP:
            if inside:
                parts.append(MARK_STOP)
                inside = False
        elif token:
            parts.append(str(escape(token)))
    if inside:
        parts.append(MARK_STOP)
    return "".join(parts)
