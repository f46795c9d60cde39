"""Search: a weighted tsvector per definition (term, formula, current wording),
GIN-indexed, filled in for what exists. On PostgreSQL only: elsewhere the column stays
empty and search matches substrings."""

import django.contrib.postgres.search
from django.db import migrations

from revops.vendor_sql import gin_index
from runbook import search


def fill_vectors(apps, schema_editor):
    search.refresh_definitions(conn=schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("runbook", "0005_definitions"),
    ]

    operations = [
        migrations.AddField(
            model_name="definition",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        gin_index("runbook_definition"),
        migrations.RunPython(fill_vectors, migrations.RunPython.noop),
    ]
