"""The audit table is append-only at the database level (PostgreSQL): UPDATE is refused,
DELETE only inside the retention purge (SET LOCAL dui.audit_purge = 'on')."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION securite_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('dui.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'securite_evenementaudit est en ajout seul (%% refusé)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER securite_audit_append_only
    BEFORE UPDATE OR DELETE ON securite_evenementaudit
    FOR EACH ROW EXECUTE FUNCTION securite_audit_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS securite_audit_append_only ON securite_evenementaudit;
DROP FUNCTION IF EXISTS securite_audit_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("securite", "0002_access_policy_audit")]

    operations = [migrations.RunPython(forward, backward)]
