"""The append-only guard of transmissions also covers the encrypted narrative.

0002 left the encrypted columns (données, actions, résultats) writable so that key rotation
could re-encrypt them, which also let any UPDATE replace the narrative. The database cannot
check that a new ciphertext holds the same text (it has no key), so it trusts a flag instead:
only a transaction that set `dui.rotation_cles` to `on` (securite/rotation.py, with
`set_config(..., true)`, local to the transaction) may rewrite them, and only with another
ciphertext. The flag guards against mistakes of the application, not against a database
superuser (the audit trail and backups cover that)."""

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
    IF (NEW.donnees, NEW.actions, NEW.resultats)
       IS DISTINCT FROM (OLD.donnees, OLD.actions, OLD.resultats) THEN
        IF COALESCE(current_setting('dui.rotation_cles', true), '') <> 'on' THEN
            RAISE EXCEPTION 'Une transmission ne se modifie pas : ajoutez un complément.';
        END IF;
        -- Rotation replaces a ciphertext by another one, never by clear text or nothing.
        IF (NEW.donnees IS DISTINCT FROM OLD.donnees AND left(NEW.donnees, 4) <> 'enc:')
           OR (NEW.actions IS DISTINCT FROM OLD.actions AND left(NEW.actions, 4) <> 'enc:')
           OR (NEW.resultats IS DISTINCT FROM OLD.resultats
               AND left(NEW.resultats, 4) <> 'enc:') THEN
            RAISE EXCEPTION 'Une transmission ne se modifie pas : ajoutez un complément.';
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

# The function of 0002 (the trigger itself is unchanged).
BACKWARD = """
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
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("quotidien", "0002_transmission_sans_modification")]

    operations = [migrations.RunPython(forward, backward)]
