"""Load SERAFIN-PH and TRE_R390 from usagers/projet/data (see its SOURCES.md)."""

from django.db import migrations


def charger(apps, schema_editor):
    from usagers.projet.referentiels import referentiels_charger

    referentiels_charger(apps)


class Migration(migrations.Migration):
    dependencies = [("projet", "0001_initial")]

    operations = [migrations.RunPython(charger, migrations.RunPython.noop)]
