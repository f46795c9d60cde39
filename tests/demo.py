"""The demo operating model for tests that read it but do not test ``load_demo`` itself
(``tests/*/test_demo.py`` and ``test_jobs_and_demo.py`` run the command).

``load_demo`` runs every rule of the product and takes seconds. A test process runs it once
a day (the demo's dates count from today), in a transaction it rolls back, and keeps what
it made as a fixture (``dumpdata``); every load is ``loaddata`` of that fixture: raw saves
keep the rows' own times, and on PostgreSQL ``loaddata`` moves each sequence past the keys
it wrote. Like the command, a load goes into a database that holds only the defaults.
"""

import json
import tempfile
from io import StringIO

from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from revops.models import Function

# The defaults' own tables, which every test database already holds and the demo leaves
# as they are (it gives no one a group or a permission).
NOT_IN_THE_FIXTURE = ["contenttypes", "auth.permission", "auth.group", "sessions"]

_made = {"day": None, "rows": None}


def load():
    """The demo, as ``load_demo`` makes it."""
    rows = _with_the_functions_keys_here(_fixture_rows())
    with tempfile.NamedTemporaryFile("w", suffix=".json") as fixture:
        json.dump(rows, fixture)
        fixture.flush()
        call_command("loaddata", fixture.name, verbosity=0)


def _fixture_rows():
    today = timezone.localdate()
    if _made["day"] != today:
        dumped = StringIO()
        with transaction.atomic():
            call_command("load_demo", stdout=StringIO())
            call_command("dumpdata", *[f"--exclude={label}" for label in NOT_IN_THE_FIXTURE],
                         stdout=dumped)
            transaction.set_rollback(True)
        _made.update(day=today, rows=json.loads(dumped.getvalue()))
    return _made["rows"]


def _with_the_functions_keys_here(rows):
    """The fixture's rows with each default function under the key it has in this
    database. A transactional test's flush makes the defaults again under new keys; loaded
    under the fixture's keys instead, they would come back with a rollback above the
    sequence ``loaddata`` set, and a later function would be given one of their keys.
    Empty many-to-many lists are left out: the rows are new, and ``loaddata`` would read
    each one's links back first (a query per occurrence)."""
    here = dict(Function.objects.values_list("slug", "pk"))
    key = {row["pk"]: here[row["fields"]["slug"]] for row in rows
           if row["model"] == "revops.function"}
    pointing = {(model._meta.label_lower, field.name)
                for model in apps.get_models() for field in model._meta.get_fields()
                if field.concrete and field.related_model is Function}
    many = {(model._meta.label_lower, field.name)
            for model in apps.get_models() for field in model._meta.many_to_many}
    moved = []
    for row in rows:
        fields = {name: _moved(value, key) if (row["model"], name) in pointing else value
                  for name, value in row["fields"].items()
                  if not (value == [] and (row["model"], name) in many)}
        pk = key[row["pk"]] if row["model"] == "revops.function" else row["pk"]
        moved.append({**row, "pk": pk, "fields": fields})
    return moved


def _moved(value, key):
    if isinstance(value, list):  # many-to-many
        return [key[pk] for pk in value]
    return None if value is None else key[value]
