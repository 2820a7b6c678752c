"""Code lists of the daily support.

SERAFIN-PH comes from the support plan's reference file (usagers/projet/data/serafin-ph.csv,
read by `usagers.projet.referentiels.serafin_lire`): an event or a transmission names a
*prestation* (families 2 and 3: JDV_J284 prestations directes, JDV_J283 prestations
indirectes), which is also the TDDUIEncounterEvenement `type[serafin]` value set.
"""

import functools

from usagers.projet.referentiels import SERAFIN_SYSTEM, ConceptLu, serafin_lire

# TDDUI Slot PresenceAbsence: serviceType (TRE_R423) and appointmentType (TRE_R424).
TYPE_PRESENCE_ABSENCE_SYSTEM = (
    "https://smt.esante.gouv.fr/fhir/CodeSystem/tre-r423-type-presence-absence"
)
MOTIF_ABSENCE_SYSTEM = "https://smt.esante.gouv.fr/fhir/CodeSystem/tre-r424-motif-absence"

__all__ = ["SERAFIN_SYSTEM"]


@functools.cache
def serafin_prestations() -> dict[str, ConceptLu]:
    """Services below the family level (2.1, 3.2.4.1…), by code, in nomenclature order."""
    return {
        concept.code: concept
        for concept in serafin_lire()
        if concept.code[:1] in ("2", "3") and "." in concept.code
    }


def serafin_prestation_choices() -> list[tuple[str, str]]:
    """Choices for a select: code and label."""
    return [(code, f"{code} — {c.libelle}") for code, c in serafin_prestations().items()]


def serafin_libelle(code: str) -> str:
    concept = serafin_prestations().get(code)
    return concept.libelle if concept else ""


def is_serafin_prestation(code: str) -> bool:
    return code in serafin_prestations()
