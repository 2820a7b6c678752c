"""Lighter audit table: every audited request inserts rows into it, and each index is paid on
every insert. Two indexes served no query: the single-column index on `usager` (the
(usager, horodatage) index `audit_usager_date` covers it) and PostgreSQL's `_like` index on
`hash` (pattern matching on a hash is never done; the unique index stays)."""

import django.db.models.deletion
from django.db import migrations, models

LIKE_INDEX = "securite_evenementaudit_hash_57e20221_like"


def drop_like_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {LIKE_INDEX}")


def create_like_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {LIKE_INDEX} "
            "ON securite_evenementaudit (hash varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("securite", "0003_audit_append_only"),
        ("usagers", "0004_dossier_liaison_urgence"),
    ]

    operations = [
        migrations.AlterField(
            model_name="evenementaudit",
            name="usager",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="usagers.usager",
            ),
        ),
        migrations.RunPython(drop_like_index, create_like_index),
    ]
