"""On PostgreSQL the database itself refuses to change or remove audit entries."""

from django.db import migrations

from revops.vendor_sql import run_vendor_sql

FORWARD = """
CREATE OR REPLACE FUNCTION revops_audit_append_only() RETURNS trigger AS $$
BEGIN
    -- Deleting a user may only forget the link; the recorded name stays.
    IF TG_OP = 'UPDATE' AND NEW.actor_id IS NULL
       AND (NEW.at, NEW.actor_name, NEW.door, NEW.action, NEW.object_type, NEW.object_id,
            NEW.object_repr, NEW.changes::text)
         = (OLD.at, OLD.actor_name, OLD.door, OLD.action, OLD.object_type, OLD.object_id,
            OLD.object_repr, OLD.changes::text) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_append_only: the audit trail cannot be changed';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER revops_auditentry_append_only
    BEFORE UPDATE OR DELETE ON revops_auditentry
    FOR EACH ROW EXECUTE FUNCTION revops_audit_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS revops_auditentry_append_only ON revops_auditentry;
DROP FUNCTION IF EXISTS revops_audit_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("revops", "0002_default_functions")]

    operations = [run_vendor_sql({"postgresql": FORWARD}, {"postgresql": BACKWARD})]
