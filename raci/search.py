"""Keeping the RACI rows' stored search vectors current (PostgreSQL only)."""

from raci.models import Row
from revops.search import refresh_vectors


def refresh_rows(row_ids=None, *, conn=None):
    """Rewrite the search vector of the given rows, or of every one."""
    refresh_vectors(Row, row_ids, conn=conn)
