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


def gin_index(table, column="search_vector"):
    """A GIN index on ``table.column`` on PostgreSQL (full-text search); nothing elsewhere."""
    name = f"{table}_search"
    return run_vendor_sql(
        {"postgresql": f"CREATE INDEX {name} ON {table} USING gin ({column})"},
        {"postgresql": f"DROP INDEX IF EXISTS {name}"},
    )
