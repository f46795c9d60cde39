"""Search: a weighted tsvector per row (revops.search.refresh_vectors), GIN-indexed and
filled in for what exists. On PostgreSQL only: elsewhere search matches substrings."""

import django.contrib.postgres.search
from django.db import migrations

from raci.models import Row
from revops.search import refresh_vectors
from revops.vendor_sql import gin_index


def fill_vectors(apps, schema_editor):
    refresh_vectors(Row, conn=schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [("raci", "0003_signoff_once_per_signer")]

    operations = [
        migrations.AddField(
            model_name="row",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        gin_index("raci_row"),
        migrations.RunPython(fill_vectors, migrations.RunPython.noop),
    ]
