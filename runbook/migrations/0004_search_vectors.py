"""Search: a weighted tsvector per section (its current revision) and per release (its
pinned text), GIN-indexed, filled in for what exists. On PostgreSQL only: elsewhere the
columns stay empty and search matches substrings."""

import django.contrib.postgres.search
from django.db import migrations

from revops.vendor_sql import run_vendor_sql
from runbook import search

INDEXES = [
    "CREATE INDEX runbook_section_search ON runbook_section USING gin (search_vector)",
    "CREATE INDEX runbook_release_search ON runbook_release USING gin (search_vector)",
]
INDEXES_REVERSE = [
    "DROP INDEX IF EXISTS runbook_section_search",
    "DROP INDEX IF EXISTS runbook_release_search",
]


def fill_vectors(apps, schema_editor):
    search.refresh_sections(conn=schema_editor.connection)
    search.refresh_releases(conn=schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("runbook", "0003_freshness_snapshot"),
    ]

    operations = [
        migrations.AddField(
            model_name="release",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="section",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        run_vendor_sql({"postgresql": INDEXES}, {"postgresql": INDEXES_REVERSE}),
        migrations.RunPython(fill_vectors, migrations.RunPython.noop),
    ]
