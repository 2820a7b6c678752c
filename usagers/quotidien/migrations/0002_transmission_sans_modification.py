"""Transmissions are never edited nor deleted (PostgreSQL trigger): a correction is an
addendum. Only the encrypted columns may be rewritten, by the key rotation
(`manage.py rotate_keys`), which re-encrypts the same text under the active key."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION quotidien_transmission_sans_modification() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Une transmission ne se supprime pas : ajoutez un complément.';
    END IF;
    IF (NEW.id, NEW.usager_id, NEW.auteur_id, NEW.ecrite_le, NEW.categorie, NEW.cible,
        NEW.is_importante, NEW.is_partageable_famille, NEW.objectif_id,
        NEW.prestation_serafin, NEW.complete_id)
       IS DISTINCT FROM
       (OLD.id, OLD.usager_id, OLD.auteur_id, OLD.ecrite_le, OLD.categorie, OLD.cible,
        OLD.is_importante, OLD.is_partageable_famille, OLD.objectif_id,
        OLD.prestation_serafin, OLD.complete_id) THEN
        RAISE EXCEPTION 'Une transmission ne se modifie pas : ajoutez un complément.';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER quotidien_transmission_sans_modification
    BEFORE UPDATE OR DELETE ON quotidien_transmission
    FOR EACH ROW EXECUTE FUNCTION quotidien_transmission_sans_modification();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS quotidien_transmission_sans_modification ON quotidien_transmission;
DROP FUNCTION IF EXISTS quotidien_transmission_sans_modification();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("quotidien", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
