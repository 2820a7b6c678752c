"""Presence of a person on a day, derived from the stay, planned absences and what
professionals entered. Pure functions: the services store the result (billing), the pages
compute it on the fly (so "ma journée" is right before the nightly derivation runs).

Rules:
- a stay "à domicile" (SESSAD, SSIAD) has no presence days: its activity is the interventions
  of the agenda;
- externat and accueil de jour count opening days, Monday to Friday (public holidays and
  closures are not modelled yet);
- a half-day entered by a professional wins; otherwise a planned absence covering the
  half-day makes it absent, with its reason; otherwise the person is present;
- two half-days with the same status make one "journée".
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from dui.models import ModeAccueil

from .models import AbsencePrevue, DemiJournee, MotifAbsence, Periode, StatutPresence

DEMI_JOURNEES = (DemiJournee.MATIN, DemiJournee.APRES_MIDI)
COUVRE: dict[str, frozenset[str]] = {
    Periode.JOURNEE: frozenset(DEMI_JOURNEES),
    Periode.MATIN: frozenset({DemiJournee.MATIN}),
    Periode.APRES_MIDI: frozenset({DemiJournee.APRES_MIDI}),
}
MODES_SANS_PRESENCE = frozenset({ModeAccueil.DOMICILE})
MODES_JOURS_OUVRES = frozenset({ModeAccueil.EXTERNAT, ModeAccueil.ACCUEIL_JOUR})


@dataclass(frozen=True)
class Ligne:
    """One presence row: a day or a half-day."""

    periode: str
    statut: str
    motif_absence: str = ""
    is_absence_prevue: bool = False

    @property
    def is_present(self) -> bool:
        return self.statut == StatutPresence.PRESENT


def is_jour_accueil(mode_accueil: str, jour: date) -> bool:
    """Does the person's mode of care count presence on this day?"""
    if mode_accueil in MODES_SANS_PRESENCE:
        return False
    if mode_accueil in MODES_JOURS_OUVRES:
        return jour.weekday() < 5
    return True


def chevauche(periode_a: str, periode_b: str) -> bool:
    return bool(COUVRE[periode_a] & COUVRE[periode_b])


def presence_deduire(
    *,
    jour: date,
    mode_accueil: str,
    absences: Iterable[AbsencePrevue],
    periodes_saisies: Iterable[str] = (),
) -> list[Ligne]:
    """Rows to derive for the half-days no professional entered."""
    if not is_jour_accueil(mode_accueil, jour):
        return []
    saisies: set[str] = set()
    for periode in periodes_saisies:
        saisies |= COUVRE[periode]
    absences = list(absences)
    lignes: dict[str, Ligne] = {}
    for demi in DEMI_JOURNEES:
        if demi in saisies:
            continue
        absence = next((a for a in absences if a.couvre(jour, demi)), None)
        if absence is None:
            lignes[demi] = Ligne(demi, StatutPresence.PRESENT)
        else:
            lignes[demi] = Ligne(demi, StatutPresence.ABSENT, absence.motif, True)
    matin, apres_midi = lignes.get(DemiJournee.MATIN), lignes.get(DemiJournee.APRES_MIDI)
    if (
        matin
        and apres_midi
        and (matin.statut, matin.motif_absence)
        == (
            apres_midi.statut,
            apres_midi.motif_absence,
        )
    ):
        return [Ligne(Periode.JOURNEE, matin.statut, matin.motif_absence, matin.is_absence_prevue)]
    return list(lignes.values())


@dataclass(frozen=True)
class EtatJour:
    """What a page shows for a person on a day: the rows entered and the rows derived."""

    lignes: tuple[Ligne, ...]

    def demi(self, demi_journee: str) -> Ligne | None:
        return next((ligne for ligne in self.lignes if demi_journee in COUVRE[ligne.periode]), None)

    @property
    def is_accueilli(self) -> bool:
        return bool(self.lignes)

    @property
    def is_present(self) -> bool:
        """Present for at least one half-day."""
        return any(ligne.is_present for ligne in self.lignes)

    @property
    def libelle(self) -> str:
        if not self.lignes:
            return "Pas d'accueil ce jour"
        matin, apres_midi = self.demi(DemiJournee.MATIN), self.demi(DemiJournee.APRES_MIDI)
        if matin is None or apres_midi is None or matin == apres_midi:
            return _libelle(matin or apres_midi or self.lignes[0])
        return f"Matin : {_libelle(matin).lower()} ; après-midi : {_libelle(apres_midi).lower()}"


def _libelle(ligne: Ligne) -> str:
    if ligne.is_present:
        return "Présent"
    if ligne.motif_absence:
        return f"Absent ({MotifAbsence(ligne.motif_absence).label.lower()})"
    return "Absent"


def etat_jour(
    *,
    jour: date,
    mode_accueil: str,
    absences: Iterable[AbsencePrevue],
    saisies: Iterable[Ligne],
) -> EtatJour:
    """Entered rows first, then the derived ones for the remaining half-days."""
    saisies = list(saisies)
    if not is_jour_accueil(mode_accueil, jour) and not saisies:
        return EtatJour(())
    deduites = presence_deduire(
        jour=jour,
        mode_accueil=mode_accueil,
        absences=absences,
        periodes_saisies=[s.periode for s in saisies],
    )
    return EtatJour(tuple(saisies) + tuple(deduites))
