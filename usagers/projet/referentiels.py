"""Reference data of the support plan: SERAFIN-PH and TRE_R390, loaded from the files shipped in
`usagers/projet/data/` (see its SOURCES.md).

`referentiels_charger` is called by the data migration (with the historical models) and by
`manage.py referentiels_projet` (with the live ones). It is idempotent: it adds new codes,
updates labels and parents, and deactivates codes absent from the file (never deletes them:
plans written with an old code keep it).
"""

import csv
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

DATA_DIR = Path(__file__).resolve().parent / "data"
SERAFIN_CSV = DATA_DIR / "serafin-ph.csv"
TYPE_PROJET_CSV = DATA_DIR / "tre-r390-type-projet-personnalise.csv"

SERAFIN_SYSTEM = "https://smt.esante.gouv.fr/terminologie-SERAFINPH"
SERAFIN_VERSION = "2023.1.0"
SERAFIN_SOURCE = (
    "ANS, jeux de valeurs JDV_J285 (besoins), JDV_J284 (prestations directes), JDV_J283 "
    "(prestations indirectes) ; extrait du kit de référence du DUI (serafin-ph.csv)"
)
TYPE_PROJET_SYSTEM = "https://smt.esante.gouv.fr/fhir/CodeSystem/tre-r390-type-projet-personnalise"
TYPE_PROJET_VERSION = "20250422120000"
TYPE_PROJET_SOURCE = "ANS, TRE_R390 Type de projet personnalisé (JDV_J367)"


def texte_normalise(text: str) -> str:
    """Lowercase without accents ("Évaluation" → "evaluation"): the picker's search key, the
    same on PostgreSQL and SQLite (no `unaccent` extension needed)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True)
class ConceptLu:
    code: str
    libelle: str
    parent: str
    jeu_de_valeurs: str


def serafin_lire(path: Path = SERAFIN_CSV) -> list[ConceptLu]:
    """The concepts of the CSV file, in file order (parents before children)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            ConceptLu(row["code"], row["display"], row["parent"], row["valueset"])
            for row in csv.DictReader(handle)
        ]


def types_projet_lire(path: Path = TYPE_PROJET_CSV) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["code"], row["display"]) for row in csv.DictReader(handle)]


@dataclass(frozen=True)
class Bilan:
    ajoutes: int
    mis_a_jour: int
    desactives: int
    total_actifs: int


def _sort_key(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split("."))


def serafin_charger(*, concept_model: Any, path: Path = SERAFIN_CSV) -> Bilan:
    """Upsert the SERAFIN-PH concepts of `path` into `concept_model` (live or historical)."""
    lus = serafin_lire(path)
    existing = {c.code: c for c in concept_model.objects.all()}
    codes = {c.code for c in lus}
    order = {code: index for index, code in enumerate(sorted(codes, key=_sort_key), start=1)}
    ajoutes = mis_a_jour = 0
    for lu in sorted(lus, key=lambda c: _sort_key(c.code)):
        values = {
            "libelle": lu.libelle,
            "parent": existing[lu.parent] if lu.parent else None,
            "famille": lu.code.split(".")[0],
            "jeu_de_valeurs": lu.jeu_de_valeurs,
            "niveau": lu.code.count(".") + 1,
            "ordre": order[lu.code],
            "libelle_recherche": texte_normalise(f"{lu.code} {lu.libelle}"),
            "actif": True,
        }
        concept = existing.get(lu.code)
        if concept is None:
            existing[lu.code] = concept_model.objects.create(code=lu.code, **values)
            ajoutes += 1
            continue
        changed = [name for name, value in values.items() if getattr(concept, name) != value]
        if changed:
            for name in changed:
                setattr(concept, name, values[name])
            concept.save(update_fields=changed)
            # A new code shifts the order of those after it: not an update of their content.
            mis_a_jour += bool(set(changed) - {"ordre"})
    desactives = (
        concept_model.objects.exclude(code__in=codes).filter(actif=True).update(actif=False)
    )
    total = concept_model.objects.filter(actif=True).count()
    return Bilan(ajoutes, mis_a_jour, desactives, total)


def types_projet_charger(*, type_model: Any, path: Path = TYPE_PROJET_CSV) -> Bilan:
    lus = types_projet_lire(path)
    ajoutes = mis_a_jour = 0
    for code, libelle in lus:
        obj, created = type_model.objects.get_or_create(
            code=code, defaults={"libelle": libelle, "actif": True}
        )
        if created:
            ajoutes += 1
        elif obj.libelle != libelle or not obj.actif:
            obj.libelle, obj.actif = libelle, True
            obj.save(update_fields=["libelle", "actif"])
            mis_a_jour += 1
    codes = [code for code, _ in lus]
    desactives = type_model.objects.exclude(code__in=codes).filter(actif=True).update(actif=False)
    return Bilan(ajoutes, mis_a_jour, desactives, type_model.objects.filter(actif=True).count())


def referentiels_charger(apps: Any = None) -> dict[str, Bilan]:
    """Load both code systems and record their versions, in one transaction."""
    if apps is None:
        from django.apps import apps as live_apps

        apps = live_apps
    concept_model = apps.get_model("projet", "ConceptSerafin")
    type_model = apps.get_model("projet", "TypeProjet")
    referentiel_model = apps.get_model("projet", "Referentiel")
    now = timezone.now()
    with transaction.atomic():
        bilans = {
            "serafin-ph": serafin_charger(concept_model=concept_model),
            "tre-r390": types_projet_charger(type_model=type_model),
        }
        for code, systeme, version, source in (
            ("serafin-ph", SERAFIN_SYSTEM, SERAFIN_VERSION, SERAFIN_SOURCE),
            ("tre-r390", TYPE_PROJET_SYSTEM, TYPE_PROJET_VERSION, TYPE_PROJET_SOURCE),
        ):
            referentiel_model.objects.update_or_create(
                code=code,
                defaults={
                    "systeme": systeme,
                    "version": version,
                    "source": source,
                    "charge_le": now,
                },
            )
    return bilans
