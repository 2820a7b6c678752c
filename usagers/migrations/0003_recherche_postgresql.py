"""Search by name: `unaccent` and `pg_trgm` on PostgreSQL, and a trigram index on the
normalised search column (`Usager.nom_recherche`, maintained by `Usager.save()`), so a
"contains" search among 20,000 people is an index scan. SQLite (embedded demo) skips the
extensions and searches the same column with a plain LIKE."""

from django.db import migrations

from usagers.identifiants import normalise_text

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS usager_nom_recherche_trgm "
    "ON usagers_usager USING gin (nom_recherche gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS usager_nom_recherche_trgm"]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


def fill_search_column(apps, schema_editor):
    Usager = apps.get_model("usagers", "Usager")
    batch = []
    for usager in Usager.objects.only(
        "nom_naissance", "nom_utilise", "prenoms_naissance", "premier_prenom_naissance",
        "prenom_utilise",
    ).iterator(chunk_size=2000):
        usager.nom_recherche = normalise_text(
            " ".join([usager.nom_naissance, usager.nom_utilise, usager.prenoms_naissance,
                      usager.premier_prenom_naissance, usager.prenom_utilise])
        )[:400]
        batch.append(usager)
        if len(batch) >= 2000:
            Usager.objects.bulk_update(batch, ["nom_recherche"])
            batch = []
    if batch:
        Usager.objects.bulk_update(batch, ["nom_recherche"])


class Migration(migrations.Migration):
    dependencies = [("usagers", "0002_identite_ins_entourage_sejours")]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.RunPython(fill_search_column, migrations.RunPython.noop),
    ]
