"""The audit hash loses its unique index: no query looks a row up by hash, and on a table
that takes a row per person shown on every page, a unique B-tree over random values was the
costliest index to maintain (the chain itself makes two equal hashes impossible to verify)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("securite", "0004_audit_index_allege"),
    ]

    operations = [
        migrations.AlterField(
            model_name="evenementaudit",
            name="hash",
            field=models.CharField(max_length=64),
        ),
    ]
