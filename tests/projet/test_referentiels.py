"""SERAFIN-PH and TRE_R390: loaded by the data migration, updatable by a command, and equal to
the reference files (count and hierarchy)."""

import csv
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from usagers.projet import referentiels
from usagers.projet.models import ConceptSerafin, Referentiel, TypeProjet

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "terminologies"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_shipped_copy_is_the_reference_file():
    shipped = referentiels.SERAFIN_CSV.read_bytes()
    if (REFERENCE / "serafin-ph.csv").exists():
        assert shipped == (REFERENCE / "serafin-ph.csv").read_bytes()
    assert referentiels.TYPE_PROJET_CSV.exists()


def test_serafin_count_and_hierarchy_match_the_reference_file(db):
    rows = _rows(referentiels.SERAFIN_CSV)
    assert len(rows) == 107
    assert ConceptSerafin.objects.count() == len(rows)
    loaded = {c.code: c for c in ConceptSerafin.objects.select_related("parent")}
    for row in rows:
        concept = loaded[row["code"]]
        assert concept.libelle == row["display"]
        assert (concept.parent.code if concept.parent else "") == row["parent"]
        assert concept.jeu_de_valeurs == row["valueset"]
        assert concept.famille == row["code"].split(".")[0]
        assert concept.niveau == row["code"].count(".") + 1
    assert {c.famille for c in loaded.values()} == {"1", "2", "3"}
    besoins = [r for r in rows if r["valueset"] == "JDV_J285_Besoins_SERAFIN"]
    assert ConceptSerafin.objects.filter(famille="1").count() == len(besoins) == 35
    # Hierarchical order: a parent always comes before its children.
    for concept in loaded.values():
        if concept.parent:
            assert concept.parent.ordre < concept.ordre


def test_project_types_are_the_seven_codes_of_tre_r390(db):
    assert sorted(TypeProjet.objects.values_list("code", flat=True)) == sorted(
        ["PAI", "PPA", "PPIA", "PP", "PPI", "PA", "PI"]
    )


def test_versions_and_sources_are_recorded(db):
    serafin = Referentiel.objects.get(code="serafin-ph")
    assert (serafin.version, serafin.systeme) == (
        "2023.1.0",
        "https://smt.esante.gouv.fr/terminologie-SERAFINPH",
    )
    assert Referentiel.objects.get(code="tre-r390").version == "20250422120000"


def test_the_command_is_idempotent(db):
    out = StringIO()
    call_command("referentiels_projet", stdout=out)
    assert "serafin-ph : 0 ajoutés, 0 mis à jour, 0 désactivés, 107 en vigueur." in out.getvalue()


def test_an_update_adds_renames_and_deactivates_without_deleting(db, tmp_path):
    rows = _rows(referentiels.SERAFIN_CSV)
    rows = [r for r in rows if r["code"] != "3.2.5"]
    rows[1]["display"] = "Besoins en santé (libellé révisé)"
    rows.append(
        {
            "code": "1.3.5.2",
            "display": "Besoin ajouté",
            "parent": "1.3.5",
            "valueset": "JDV_J285_Besoins_SERAFIN",
        }
    )
    path = tmp_path / "serafin.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["code", "display", "parent", "valueset"])
        writer.writeheader()
        writer.writerows(rows)
    bilan = referentiels.serafin_charger(concept_model=ConceptSerafin, path=path)
    assert (bilan.ajoutes, bilan.mis_a_jour, bilan.desactives) == (1, 1, 1)
    assert ConceptSerafin.objects.get(code="1.3.5.2").parent.code == "1.3.5"
    assert not ConceptSerafin.objects.get(code="3.2.5").actif  # kept for old plans
    assert ConceptSerafin.objects.get(code="1.1").libelle.endswith("(libellé révisé)")


def test_search_key_ignores_accents_and_case():
    assert referentiels.texte_normalise("Développement ÉCONOMIQUE") == "developpement economique"
