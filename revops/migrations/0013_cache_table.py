"""The database cache's table (settings.CACHES without REDIS_URL): made here, so that
``migrate`` is all a fresh installation runs. Made whatever the cache setting, so that
switching from Redis to the database needs no extra command."""

from django.core.management import call_command
from django.db import migrations

TABLE = "revops_cache"


def create(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias,
                 verbosity=0)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("revops", "0012_organisation")]

    operations = [migrations.RunPython(create, drop)]
