import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from revops import audit
from revops.models import AuditEntry, Door, Function

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(lead):
    return audit.record(actor=lead, door=Door.UI, action="update",
                        obj=Function.objects.get(slug="sales"),
                        changes={"name": ["Sales", "Field sales"]})


def test_record_names_actor_door_object_and_changes(entry, lead):
    assert (entry.actor, entry.actor_name, entry.door) == (lead, "lead", "ui")
    assert (entry.object_type, entry.object_repr) == ("revops.function", "Sales")
    assert entry.changes == {"name": ["Sales", "Field sales"]}


def test_system_writes_are_recorded_as_system():
    entry = audit.record(actor=None, door=Door.TASK, action="flag",
                         obj=Function.objects.get(slug="cs"))
    assert entry.actor_name == "system"


def test_unknown_door_is_refused():
    with pytest.raises(ValueError):
        audit.record(actor=None, door="fax", action="x", obj=Function.objects.first())


def test_the_orm_refuses_to_change_or_delete_entries(entry):
    entry.action = "tampered"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    with pytest.raises(ValidationError):
        AuditEntry.objects.all().delete()
    with pytest.raises(ValidationError):
        AuditEntry.objects.update(action="tampered")


def test_postgresql_refuses_raw_sql_changes(entry):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only")
    for sql in ("UPDATE revops_auditentry SET action = 'x'", "DELETE FROM revops_auditentry"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    assert AuditEntry.objects.get(pk=entry.pk).action == "update"


def test_deleting_a_user_keeps_the_entry_and_its_name(entry, lead):
    lead.delete()
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor is None and entry.actor_name == "lead"


def test_changes_between_lists_only_what_differs():
    assert audit.changes_between({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {
        "b": [2, 3], "c": [None, 4]
    }
