"""The stored search vectors of sections, definitions and releases (PostgreSQL only).

A section is found by its current revision: its ``search_vector`` weighs the title
``A``, the Markdown headings ``B`` and the whole body ``C``, and is rewritten in the
same transaction as every change to those (a revision, a new title, an import). A
definition is found the same way: its term ``A``, its formula ``B`` and its current
wording ``C``, rewritten with every create, rename and revision. A
release is found by its pinned text: name ``A``, note ``B``, pinned bodies ``C``;
it never changes once cut. Each refresh is one set-based ``UPDATE``; elsewhere than on
PostgreSQL there are no vectors and search matches substrings instead.
"""

from revops.search import rewrite_vectors, weighted_vector_sql
from runbook.models import (
    Definition,
    DefinitionRevision,
    Release,
    ReleaseSection,
    Revision,
    Section,
)

# An ATX heading line ("## Deal desk"), its text captured without closing hashes.
HEADING = r"^ {0,3}#{1,6}[ \t]+(.*?)[ \t#]*$"


def _sections_sql():
    headings = ("array_to_string(ARRAY(SELECT m[1] FROM regexp_matches(r.body, "
                "%(heading)s, 'gn') AS m), ' ')")
    return (
        f'UPDATE "{Section._meta.db_table}" AS s SET search_vector = '
        f"{weighted_vector_sql('s.title', 'A')} || coalesce(("
        f"SELECT {weighted_vector_sql(headings, 'B')} || {weighted_vector_sql('r.body', 'C')} "
        f'FROM "{Revision._meta.db_table}" AS r '
        f"WHERE r.section_id = s.id AND r.number = s.revision), ''::tsvector) "
        f"WHERE %(all)s OR s.id = ANY(%(ids)s)"
    )


def _definitions_sql():
    return (
        f'UPDATE "{Definition._meta.db_table}" AS d SET search_vector = '
        f"{weighted_vector_sql('d.term', 'A')} || {weighted_vector_sql('d.formula', 'B')} || "
        f"coalesce((SELECT {weighted_vector_sql('r.body', 'C')} "
        f'FROM "{DefinitionRevision._meta.db_table}" AS r '
        f"WHERE r.definition_id = d.id AND r.number = d.revision), ''::tsvector) "
        f"WHERE %(all)s OR d.id = ANY(%(ids)s)"
    )


def _releases_sql():
    pinned = (
        f"coalesce((SELECT string_agg(r.body, E'\\n\\n' ORDER BY e.id) "
        f'FROM "{ReleaseSection._meta.db_table}" AS e '
        f'JOIN "{Revision._meta.db_table}" AS r ON r.id = e.revision_id '
        f"WHERE e.release_id = rl.id), '')"
    )
    return (
        f'UPDATE "{Release._meta.db_table}" AS rl SET search_vector = '
        f"{weighted_vector_sql('rl.name', 'A')} || {weighted_vector_sql('rl.note', 'B')} || "
        f"{weighted_vector_sql(pinned, 'C')} "
        f"WHERE %(all)s OR rl.id = ANY(%(ids)s)"
    )


def refresh_sections(section_ids=None, *, conn=None):
    """Rewrite the search vector of these sections (all when None) from their current
    revision."""
    rewrite_vectors(_sections_sql(), section_ids, conn=conn, heading=HEADING)


def refresh_definitions(definition_ids=None, *, conn=None):
    """Rewrite the search vector of these definitions (all when None) from their term,
    formula and current revision."""
    rewrite_vectors(_definitions_sql(), definition_ids, conn=conn)


def refresh_releases(release_ids=None, *, conn=None):
    """Write the search vector of these releases (all when None) from their name, note
    and pinned text."""
    rewrite_vectors(_releases_sql(), release_ids, conn=conn)
