"""Presence derivation: stay, planned absences and entries make the presence of a day."""

import datetime

from usagers.quotidien.models import AbsencePrevue
from usagers.quotidien.presence import Ligne, etat_jour, is_jour_accueil, presence_deduire

LUNDI = datetime.date(2026, 5, 4)
SAMEDI = datetime.date(2026, 5, 9)


def _absence(debut, fin, debut_dj="matin", fin_dj="apres_midi", motif="famille"):
    return AbsencePrevue(
        debut=debut, fin=fin, debut_demi_journee=debut_dj, fin_demi_journee=fin_dj, motif=motif
    )


def test_a_person_in_internat_is_present_every_day_of_the_week():
    for jour in (LUNDI, SAMEDI):
        assert presence_deduire(jour=jour, mode_accueil="internat", absences=[]) == [
            Ligne("journee", "present")
        ]


def test_externat_counts_opening_days_only():
    assert is_jour_accueil("externat", LUNDI)
    assert not is_jour_accueil("externat", SAMEDI)
    assert presence_deduire(jour=SAMEDI, mode_accueil="externat", absences=[]) == []


def test_care_at_home_has_no_presence_days():
    assert presence_deduire(jour=LUNDI, mode_accueil="domicile", absences=[]) == []


def test_a_planned_absence_makes_the_day_absent_with_its_reason():
    absence = _absence(LUNDI, LUNDI + datetime.timedelta(days=2), motif="hospitalisation")
    assert presence_deduire(jour=LUNDI, mode_accueil="internat", absences=[absence]) == [
        Ligne("journee", "absent", "hospitalisation", True)
    ]
    after = LUNDI + datetime.timedelta(days=3)
    assert presence_deduire(jour=after, mode_accueil="internat", absences=[absence]) == [
        Ligne("journee", "present")
    ]


def test_an_absence_starting_in_the_afternoon_splits_the_first_and_last_days():
    """Family weekend: leaves Friday afternoon, back Monday at noon."""
    vendredi = LUNDI + datetime.timedelta(days=4)
    lundi_suivant = LUNDI + datetime.timedelta(days=7)
    absence = _absence(vendredi, lundi_suivant, debut_dj="apres_midi", fin_dj="matin")
    assert presence_deduire(jour=vendredi, mode_accueil="internat", absences=[absence]) == [
        Ligne("matin", "present"),
        Ligne("apres_midi", "absent", "famille", True),
    ]
    assert presence_deduire(jour=SAMEDI, mode_accueil="internat", absences=[absence]) == [
        Ligne("journee", "absent", "famille", True)
    ]
    assert presence_deduire(jour=lundi_suivant, mode_accueil="internat", absences=[absence]) == [
        Ligne("matin", "absent", "famille", True),
        Ligne("apres_midi", "present"),
    ]


def test_an_entered_half_day_wins_and_only_the_other_half_is_derived():
    absence = _absence(LUNDI, LUNDI, motif="maladie")
    assert presence_deduire(
        jour=LUNDI, mode_accueil="internat", absences=[absence], periodes_saisies=["matin"]
    ) == [Ligne("apres_midi", "absent", "maladie", True)]
    assert (
        presence_deduire(
            jour=LUNDI, mode_accueil="internat", absences=[], periodes_saisies=["journee"]
        )
        == []
    )


def test_the_day_shown_combines_entries_and_derivation_in_words():
    etat = etat_jour(
        jour=LUNDI,
        mode_accueil="internat",
        absences=[_absence(LUNDI, LUNDI, debut_dj="apres_midi", motif="hospitalisation")],
        saisies=[],
    )
    assert etat.is_present
    assert etat.libelle == "Matin : présent ; après-midi : absent (hospitalisation)"
    absent = etat_jour(
        jour=LUNDI,
        mode_accueil="externat",
        absences=[],
        saisies=[Ligne("journee", "absent", "maladie")],
    )
    assert not absent.is_present
    assert absent.libelle == "Absent (maladie (sans hospitalisation))"
    assert etat_jour(jour=SAMEDI, mode_accueil="externat", absences=[], saisies=[]).libelle == (
        "Pas d'accueil ce jour"
    )
