"""The demo operating model for tests that use it but do not test ``load_demo`` itself.

``load_demo`` runs every rule of the product and takes about two seconds; a dozen browser
and page tests each need the demo in a database that starts with only the defaults. So
the first load in a test process runs the command and keeps a copy of every table; a
later load into a database that again holds only the defaults, on the same day and within
a few minutes, puts that copy back in one transaction instead (under a tenth of the time).
Anything else (rows a test made first, another day) runs the command again. The tests of
the command (``tests/*/test_demo.py``, ``test_jobs_and_demo.py``) call it directly.
"""

import time
from contextlib import contextmanager

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from revops.models import Function

# What a migrated database holds before anyone does anything (``revops.defaults``).
DEFAULTS = {ContentType, Permission, Group, Function}
MAX_AGE_SECONDS = 600

_copy = None


def load():
    """The demo, as ``load_demo`` makes it."""
    global _copy
    start = _starting_point()
    if (start is not None and _copy is not None and _copy["start"] == start
            and time.monotonic() - _copy["taken"] < MAX_AGE_SECONDS):
        _put_back(_copy["tables"])
        return
    call_command("load_demo", verbosity=0)
    if start is not None:
        _copy = {"start": start, "taken": time.monotonic(), "tables": _tables()}


def _models():
    return [model for model in apps.get_models(include_auto_created=True)
            if model._meta.managed and not model._meta.proxy]


def _starting_point():
    """What the copy must have started from to be put back here: the defaults' rows and
    the day; ``None`` when the database holds more than the defaults."""
    if any(model._base_manager.exists() for model in _models() if model not in DEFAULTS):
        return None
    functions = sorted(Function.objects.values_list("slug", "name", "position", "head_id"))
    groups = sorted(Group.objects.values_list("name", flat=True))
    return (timezone.localdate(), functions, groups, ContentType.objects.count(),
            Permission.objects.count())


def _tables():
    tables = []
    for model in _models():
        fields = [field.attname for field in model._meta.concrete_fields]
        tables.append((model, fields, list(model._base_manager.order_by().values_list(*fields))))
    return tables


def _put_back(tables):
    """Every table's rows replaced by the copy's, keys and times as they were. Tables are
    filled in the order their models are defined, so a row a constraint checks at once
    (a RACI cell's row) is there before what points at it."""
    models = [model for model, _, _ in tables]
    with _times_as_given(models), transaction.atomic():
        for model in models:
            model._base_manager.all()._raw_delete(connection.alias)
        for model, fields, rows in tables:
            model._base_manager.bulk_create(
                [model(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=500)
        _move_sequences_past(models)
    ContentType.objects.clear_cache()  # the tests' autouse fixture clears it after a rollback


def _move_sequences_past(models):
    """PostgreSQL: each key sequence moves past the copy's keys, never back. A rollback
    does not undo a sequence, and the rows it brings back may have higher keys than the
    copy's (a flush keeps the sequences going): set back, it would hand those out again."""
    if connection.vendor != "postgresql":
        return  # SQLite's AUTOINCREMENT counter is a table: it moves with the rows
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            for sequence in connection.introspection.get_sequences(cursor, table):
                name, column = quote(sequence["name"]), quote(sequence["column"])
                cursor.execute(
                    f"SELECT setval('{name}', GREATEST("
                    f"(SELECT coalesce(max({column}), 1) FROM {quote(table)}), "
                    f"(SELECT last_value FROM {name})))")


@contextmanager
def _times_as_given(models):
    """``auto_now``/``auto_now_add`` would stamp the rows with now on insert."""
    fields = [field for model in models for field in model._meta.concrete_fields
              if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add
