"""Keeping the rituals' stored search vectors current (PostgreSQL only)."""

from cadence.models import Ritual
from revops.search import refresh_vectors


def refresh_rituals(ritual_ids=None, *, conn=None):
    """Rewrite the search vector of the given rituals, or of every one."""
    refresh_vectors(Ritual, ritual_ids, conn=conn)
