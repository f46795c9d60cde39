"""Keep each cell's copy of its row's accountable function true, in the database.

With the CHECK ``raci_cell_not_the_accountable`` this makes a second A on a row
impossible whatever writes to the tables:

* PostgreSQL: a composite foreign key ``(row_id, accountable_id)`` onto the row's
  ``(id, accountable_id)``, ``ON UPDATE CASCADE``. Moving a row's A rewrites its cells'
  copies, so a leftover cell of the new accountable function trips the CHECK; and a
  concurrent insert of a cell waits for (and then sees) a row whose A is being moved.
* SQLite (development and the quick test run): triggers with the same effect. SQLite
  drops triggers when Django rebuilds a table, so a later migration that alters
  ``raci_row`` or ``raci_cell`` must run this one's SQLite part again.
"""

from django.db import migrations

from revops.vendor_sql import run_vendor_sql

POSTGRES_FORWARD = [
    "ALTER TABLE raci_row ADD CONSTRAINT raci_row_id_accountable_key UNIQUE (id, accountable_id)",
    "ALTER TABLE raci_cell ADD CONSTRAINT raci_cell_accountable_matches_row "
    "FOREIGN KEY (row_id, accountable_id) REFERENCES raci_row (id, accountable_id) "
    "ON UPDATE CASCADE ON DELETE CASCADE",
]
POSTGRES_BACKWARD = [
    "ALTER TABLE raci_cell DROP CONSTRAINT IF EXISTS raci_cell_accountable_matches_row",
    "ALTER TABLE raci_row DROP CONSTRAINT IF EXISTS raci_row_id_accountable_key",
]

_MISMATCH = (
    "FOR EACH ROW WHEN NEW.accountable_id IS NOT "
    "(SELECT accountable_id FROM raci_row WHERE id = NEW.row_id) "
    "BEGIN SELECT RAISE(ABORT, 'raci_cell_accountable_matches_row'); END"
)
SQLITE_FORWARD = [
    f"CREATE TRIGGER raci_cell_accountable_matches_row_insert BEFORE INSERT ON raci_cell "
    f"{_MISMATCH}",
    f"CREATE TRIGGER raci_cell_accountable_matches_row_update BEFORE UPDATE ON raci_cell "
    f"{_MISMATCH}",
    "CREATE TRIGGER raci_row_accountable_cascade AFTER UPDATE OF accountable_id ON raci_row "
    "FOR EACH ROW BEGIN "
    "UPDATE raci_cell SET accountable_id = NEW.accountable_id WHERE row_id = NEW.id; END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS raci_cell_accountable_matches_row_insert",
    "DROP TRIGGER IF EXISTS raci_cell_accountable_matches_row_update",
    "DROP TRIGGER IF EXISTS raci_row_accountable_cascade",
]


class Migration(migrations.Migration):
    dependencies = [("raci", "0001_initial")]

    operations = [
        run_vendor_sql(
            {"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD},
            {"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD},
        )
    ]
