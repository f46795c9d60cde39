"""Migrations that hold invariants with database-specific SQL (triggers)."""

from django.db import migrations


def _execute(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor, [])
        for sql in [statements] if isinstance(statements, str) else statements:
            schema_editor.execute(sql)

    return run


def run_vendor_sql(forward, backward):
    """A RunPython that executes ``forward[vendor]`` (and ``backward[vendor]`` to undo);
    each is one SQL string or a list of them. Other vendors are left alone."""
    return migrations.RunPython(_execute(forward), _execute(backward))
