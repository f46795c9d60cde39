"""Writing the audit trail, and reading its changes. Services call ``record`` inside
their transaction.

Every entry's ``changes`` has one shape: ``{field: [before, after]}``. A service that
only has the new value (a review's note, a release's name) may pass it plain and it is
stored as ``[None, value]``; a list value must be passed as a pair (``[None, [...]]``),
as a two-item list could not be told from a pair. ``readable`` turns changes of either
shape (entries written before this rule held plain values) into lines people read.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import connection

from revops import jsonrows
from revops.models import AuditEntry, Door


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def _pair(field, value):
    """``[before, after]`` for one field of ``changes`` (see the module docstring)."""
    if isinstance(value, list | tuple):
        if len(value) != 2:
            raise ValueError(f"audit change {field!r} is a list: pass it as [before, after]")
        return [_plain(value[0]), _plain(value[1])]
    return [None, _plain(value)]


def _pairs(changes):
    return {k: _pair(k, v) for k, v in (changes or {}).items()}


def snapshot(obj, fields):
    """The audit-relevant values of ``obj``: foreign keys by their str(), dates as ISO."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def changes_between(before, after):
    """``{field: [before, after]}`` for the fields whose value differs."""
    keys = list(dict.fromkeys([*before, *after]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def user_or_none(actor):
    """The acting user, or None when the system acts (tasks, commands without a user)."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def check_door(door):
    """A ValueError for a door the trail does not know (every writer of entries asks)."""
    if door not in Door.values:
        raise ValueError(f"unknown door {door!r}")


def _entry(*, actor, door, action, obj, changes, object_type, at=None):
    check_door(door)
    user = user_or_none(actor)
    return AuditEntry(
        **({"at": at} if at else {}),
        actor=user,
        actor_name=user.get_username() if user else "system",
        door=door,
        action=action,
        object_type=object_type or obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=_pairs(changes),
    )


def record(*, actor, door, action, obj, changes=None, object_type=None):
    """Append one entry. ``actor`` may be None for the system (tasks, migrations)."""
    entry = _entry(actor=actor, door=door, action=action, obj=obj, changes=changes,
                   object_type=object_type)
    entry.save()
    return entry


def record_many(*, actor, door, action, changes_by_object, at=None):
    """Append one entry per ``(obj, changes)`` pair in a single query (set-based jobs)."""
    return AuditEntry.objects.bulk_create([
        _entry(actor=actor, door=door, action=action, obj=obj, changes=changes,
               object_type=None, at=at)
        for obj, changes in changes_by_object
    ])



def record_rows(*, actor, door, action, at, object_type, rows):
    """``record_many`` without an entry object per row, for set-based jobs: one entry
    per ``(object_id, object_repr, changes)`` in ``rows``, written by one statement."""
    check_door(door)
    user = user_or_none(actor)
    kind = "jsonb" if connection.vendor == "postgresql" else "text"
    columns, source = jsonrows.select(
        {"object_id": "text", "object_repr": "text", "changes": kind})
    sql = (
        f'INSERT INTO "{AuditEntry._meta.db_table}" (at, actor_id, actor_name, door, action, '
        f"object_type, object_id, object_repr, changes) "
        f"SELECT %s, %s, %s, %s, %s, %s, {columns} FROM {source}"
    )
    head = [connection.ops.adapt_datetimefield_value(at), user.pk if user else None,
            user.get_username() if user else "system", door, action, object_type]
    data = [{"object_id": str(object_id), "object_repr": str(object_repr)[:200],
             "changes": _pairs(changes)}
            for object_id, object_repr, changes in rows]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*head, jsonrows.param(data)])


# Reading ------------------------------------------------------------------------------

SHOWN_CHARS = 80


@dataclass(frozen=True)
class Change:
    """One line of an entry's changes, as text: ``before`` is None when the field was
    set rather than changed (created objects, a review's note), ``after`` is "—" when
    it was removed."""

    field: str
    before: str | None
    after: str


def _text(value):
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_text(v)}" for k, v in value.items())
    return str(value)


def _shown(value):
    text = _text(value)
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS - 1] + "…"


def readable(changes):
    """The lines of ``changes`` in the order written: one rule for every kind of entry.
    A value that is not a two-item list (entries written before every change was a
    pair) is read as set, not split across an arrow."""
    lines = []
    for field, value in (changes or {}).items():
        label = str(field).replace("_", " ")
        if isinstance(value, list) and len(value) == 2:
            before, after = value
        else:
            before, after = None, value
        lines.append(Change(label, None if before is None else _shown(before), _shown(after)))
    return lines


# Reading: what someone without lead rights may see ---------------------------------------

# Entries about these hold what only leads may read: a token's name and the first
# characters of its secret, a webhook's URL (which may carry a key), a channel's
# addresses. Others see that such a change happened, not what it was.
LEADS_ONLY_TYPES = {"revops.apitoken": "API token", "revops.webhook": "webhook",
                    "revops.channel": "channel"}


def _leads_only_field(field):
    return "email" in field


def redacted(entry):
    """``entry`` as a reader without lead rights sees it, changed in memory only (an
    entry can never be saved again): for a token, a webhook or a channel, its kind and
    id instead of its name, and no changes; for anything else, every e-mail field
    taken out of its changes."""
    label = LEADS_ONLY_TYPES.get(entry.object_type)
    if label is not None:
        entry.object_repr = f"{label} #{entry.object_id}"
        entry.changes = {}
    elif isinstance(entry.changes, dict):
        entry.changes = {field: change for field, change in entry.changes.items()
                         if not _leads_only_field(field)}
    return entry

