"""Search: a weighted tsvector per ritual (revops.search.refresh_vectors), GIN-indexed and
filled in for what exists. On PostgreSQL only: elsewhere search matches substrings."""

import django.contrib.postgres.search
from django.db import migrations

from cadence.models import Ritual
from revops.search import refresh_vectors
from revops.vendor_sql import gin_index


def fill_vectors(apps, schema_editor):
    refresh_vectors(Ritual, conn=schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [("cadence", "0002_feed_token_is_a_hashed_token")]

    operations = [
        migrations.AddField(
            model_name="ritual",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        gin_index("cadence_ritual"),
        migrations.RunPython(fill_vectors, migrations.RunPython.noop),
    ]
