"""Many rows in one statement parameter, for set-based writes without a model instance
per row: the rows go as one JSON array and the database unpacks it (PostgreSQL's
``jsonb_to_recordset``, SQLite's ``json_each``). One parameter however many rows — no
bound-parameter limit, no batches — and the plan needs no statistics of the target
table (a table written in the same transaction has none)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection


def select(columns):
    """``(select_list, from_clause)`` reading ``columns`` (``{name: PostgreSQL type}``)
    from the JSON array of objects bound to the one ``%s`` in ``from_clause``."""
    expressions, source = columns_of(columns)
    return ", ".join(expressions.values()), source


def columns_of(columns):
    """``select`` with each column's expression apart: ``({name: expression}, from_clause)``,
    for statements that use the columns one by one (``UPDATE … FROM``)."""
    if connection.vendor == "postgresql":
        fields = ", ".join(f"{name} {kind}" for name, kind in columns.items())
        return {name: f"x.{name}" for name in columns}, \
            f"jsonb_to_recordset(%s::jsonb) AS x({fields})"
    return {name: f"json_extract(x.value, '$.{name}')" for name in columns}, \
        "json_each(%s) AS x"


def param(rows):
    """The parameter for ``select``: ``rows`` (dicts) as one JSON array."""
    return json.dumps(rows, cls=DjangoJSONEncoder)
