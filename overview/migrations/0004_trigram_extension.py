from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    """``pg_trgm``, for search's "Did you mean …?" (``overview.search.closest``).
    ``CreateExtension`` does nothing unless ``schema_editor.connection.vendor`` is
    PostgreSQL, so SQLite migrates through it unchanged. ``pg_trgm`` is a trusted
    extension: the database's owner may create it."""

    dependencies = [
        ("overview", "0003_departures_and_handovers"),
    ]

    operations = [
        TrigramExtension(),
    ]
