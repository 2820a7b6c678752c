"""Reads of the daily support: the timeline filtered item by item, its keyset pages, "ma
journée" and the week of a unit."""

import datetime

import pytest
from django.utils import timezone

from securite.models import Categorie, Opposition
from tests.factories import (
    AbsencePrevueFactory,
    EvenementIndesirableFactory,
    ObservationFactory,
    SejourFactory,
    TransmissionFactory,
)
from usagers.quotidien import selectors, services
from usagers.quotidien.models import Evenement, Participant
from usagers.quotidien.selectors import Curseur, Genre

NOW = timezone.now()


def _at(hours_ago: float) -> datetime.datetime:
    return NOW - datetime.timedelta(hours=hours_ago)


@pytest.fixture
def dossier(world, medecin, resident):
    """One note of each category, a measurement, an incident and an event."""
    notes = {
        categorie: TransmissionFactory(
            usager=resident, auteur=medecin, categorie=categorie, ecrite_le=_at(index + 1)
        )
        for index, categorie in enumerate(Categorie.values)
    }
    observation = ObservationFactory(usager=resident, auteur=medecin, mesuree_le=_at(0.5))
    incident = EvenementIndesirableFactory(
        usager=resident, etablissement=world.ehpad, survenu_le=_at(10)
    )
    evenement = Evenement.objects.create(
        etablissement=world.ehpad,
        unite=world.unite_a,
        titre="Consultation du cardiologue",
        nature="rendez_vous",
        categorie="medical",
        debut=_at(12),
        fin=_at(11),
        cree_par=medecin,
    )
    Participant.objects.create(
        evenement=evenement, usager=resident, debut=evenement.debut, categorie="medical"
    )
    return {
        "notes": notes,
        "observation": observation,
        "incident": incident,
        "evenement": evenement,
    }


def _contenu(page):
    return [(e.genre, e.objet.pk) for e in page.elements]


def test_an_educator_never_sees_a_medical_note_in_the_timeline(educateur, resident, dossier):
    page = selectors.chronologie(user=educateur, usager=resident)
    categories = {e.objet.categorie for e in page.elements if e.genre == Genre.TRANSMISSION}
    assert categories == {"administratif", "social", "educatif", "soins"}
    assert dossier["notes"]["medical"].pk not in [e.objet.pk for e in page.elements]
    assert dossier["notes"]["psychologique"].pk not in [e.objet.pk for e in page.elements]
    assert (Genre.EVENEMENT, dossier["evenement"].pk) not in _contenu(page)  # medical
    assert (Genre.INCIDENT, dossier["incident"].pk) not in _contenu(page)  # not the declarant
    assert "medical" not in page.categories


def test_a_doctor_sees_every_category_newest_first(medecin, resident, dossier):
    page = selectors.chronologie(user=medecin, usager=resident)
    assert page.elements[0].genre == Genre.OBSERVATION
    dates = [e.quand for e in page.elements]
    assert dates == sorted(dates, reverse=True)
    assert len([e for e in page.elements if e.genre == Genre.TRANSMISSION]) == 6
    assert (Genre.EVENEMENT, dossier["evenement"].pk) in _contenu(page)


def test_the_head_of_service_sees_the_incident_in_the_timeline(chef_service, resident, dossier):
    page = selectors.chronologie(user=chef_service, usager=resident)
    assert (Genre.INCIDENT, dossier["incident"].pk) in _contenu(page)


def test_an_objection_hides_a_category_from_the_timeline(infirmier, resident, dossier):
    Opposition.objects.create(
        usager=resident,
        categorie="soins",
        utilisateur=infirmier,
        exprimee_par="La résidente",
        date=datetime.date(2026, 1, 1),
    )
    page = selectors.chronologie(user=infirmier, usager=resident)
    assert dossier["notes"]["soins"].pk not in [e.objet.pk for e in page.elements]
    assert (Genre.OBSERVATION, dossier["observation"].pk) not in _contenu(page)


def test_the_timeline_filters_by_category_kind_and_dates(medecin, resident, dossier):
    soins = selectors.chronologie(user=medecin, usager=resident, categories=["soins"])
    assert {(e.genre, e.objet.categorie) for e in soins.elements} == {
        (Genre.TRANSMISSION, "soins"),
        (Genre.OBSERVATION, "soins"),
    }
    # Asking for a category one may not read gives nothing, not an error.
    assert (
        selectors.chronologie(user=medecin, usager=resident, categories=["inconnue"]).elements == []
    )
    agenda = selectors.chronologie(user=medecin, usager=resident, genres=[Genre.EVENEMENT])
    assert _contenu(agenda) == [(Genre.EVENEMENT, dossier["evenement"].pk)]
    old = TransmissionFactory(
        usager=resident, auteur=medecin, ecrite_le=NOW - datetime.timedelta(days=40)
    )
    month = selectors.chronologie(
        user=medecin,
        usager=resident,
        du=timezone.localdate() - datetime.timedelta(days=45),
        au=timezone.localdate() - datetime.timedelta(days=35),
    )
    assert _contenu(month) == [(Genre.TRANSMISSION, old.pk)]


def test_keyset_pages_cover_everything_once_even_with_equal_dates(medecin, resident):
    same = _at(5)
    expected = set()
    for index in range(23):
        moment = same if index % 3 == 0 else _at(index)
        expected.add(
            ("t", TransmissionFactory(usager=resident, auteur=medecin, ecrite_le=moment).pk)
        )
        if index % 4 == 0:
            expected.add(
                ("o", ObservationFactory(usager=resident, auteur=medecin, mesuree_le=moment).pk)
            )
    seen: list[tuple[str, int]] = []
    curseur = None
    pages = 0
    while True:
        page = selectors.chronologie(user=medecin, usager=resident, curseur=curseur, taille=7)
        seen += [(e.genre[0], e.objet.pk) for e in page.elements]
        pages += 1
        if page.suivant is None:
            break
        curseur = Curseur.decode(page.suivant.encode())
    assert len(seen) == len(set(seen)) == len(expected)
    assert set(seen) == expected
    assert pages == -(-len(expected) // 7)


def test_a_tampered_cursor_is_ignored():
    assert Curseur.decode("pas-un-curseur") is None
    assert Curseur.decode("") is None


def test_upcoming_events_hide_the_details_of_a_category_one_may_not_read(
    world, educateur, medecin, resident
):
    debut = NOW + datetime.timedelta(days=2)
    evenement = Evenement.objects.create(
        etablissement=world.ehpad,
        titre="Coloscopie",
        nature="rendez_vous",
        categorie="medical",
        debut=debut,
        fin=debut + datetime.timedelta(hours=2),
        cree_par=medecin,
    )
    Participant.objects.create(
        evenement=evenement, usager=resident, debut=debut, categorie="medical"
    )
    (seen,) = selectors.a_venir(user=educateur, usager=resident)
    assert seen.pk == evenement.pk and not seen.is_lisible
    (seen,) = selectors.a_venir(user=medecin, usager=resident)
    assert seen.is_lisible


# ---------------------------------------------------------------------------
# Ma journée
# ---------------------------------------------------------------------------
def test_ma_journee_lists_present_and_absent_people_with_their_day(world, educateur, infirmier):
    today = timezone.localdate()
    present = SejourFactory(unite=world.unite_a).usager
    absent = SejourFactory(unite=world.unite_a).usager
    SejourFactory(unite=world.unite_b)  # another unit
    AbsencePrevueFactory(usager=absent, debut=today, fin=today, motif="hospitalisation")
    services.evenement_creer(
        acteur=educateur,
        etablissement=world.ehpad,
        unite=world.unite_a,
        titre="Sortie au marché",
        nature="sortie",
        debut=timezone.make_aware(datetime.datetime.combine(today, datetime.time(10))),
        fin=timezone.make_aware(datetime.datetime.combine(today, datetime.time(11, 30))),
        usagers=[present],
    )
    journee = selectors.ma_journee(user=educateur)
    (bloc,) = journee.unites
    assert [p.usager for p in bloc.presents] == [present]
    assert [p.usager for p in bloc.absents] == [absent]
    assert bloc.absents[0].etat.libelle == "Absent (hospitalisation)"
    assert [e.titre for e in bloc.presents[0].evenements] == ["Sortie au marché"]
    assert bloc.presents[0].peut_ecrire


def test_ma_journee_marks_unread_notes_of_others_since_the_handover(
    world, educateur, infirmier, resident
):
    mine = TransmissionFactory(usager=resident, auteur=educateur, ecrite_le=_at(3))
    before = TransmissionFactory(
        usager=resident, auteur=infirmier, categorie="soins", ecrite_le=_at(2)
    )
    journee = selectors.ma_journee(user=educateur)
    unread = {t.pk: t.is_non_lue for t in journee.transmissions}
    assert unread == {mine.pk: False, before.pk: True}
    services.releve_marquer_lue(acteur=educateur, jusqu_au=_at(1))
    after = TransmissionFactory(usager=resident, auteur=infirmier, ecrite_le=_at(0.5))
    journee = selectors.ma_journee(user=educateur)
    unread = {t.pk: t.is_non_lue for t in journee.transmissions}
    assert unread == {mine.pk: False, before.pk: False, after.pk: True}
    assert journee.non_lues == 1
    assert journee.unites[0].presents[0].non_lues == 1
    assert resident.pk in journee.usager_ids_lus


def test_ma_journee_never_shows_a_medical_note_to_an_educator(world, educateur, medecin, resident):
    TransmissionFactory(usager=resident, auteur=medecin, categorie="medical", ecrite_le=_at(1))
    assert selectors.ma_journee(user=educateur).transmissions == []


def test_ma_journee_alerts_on_abnormal_observations_and_incidents_to_follow(
    world, infirmier, chef_service, resident
):
    ObservationFactory(
        usager=resident,
        is_anormale=True,
        motif_anomalie="Température 39 °C, au-dessus de 37,9 °C",
        mesuree_le=_at(2),
    )
    ObservationFactory(usager=resident, is_anormale=True, mesuree_le=_at(72))  # too old
    EvenementIndesirableFactory(usager=resident, etablissement=world.ehpad, is_eigs=True)
    alertes = selectors.ma_journee(user=infirmier).alertes
    assert [a.texte.split(" — ")[0] for a in alertes] == ["Température 39 °C, au-dessus de 37,9 °C"]
    chef_alertes = selectors.ma_journee(user=chef_service).alertes
    assert any("partie 1 à transmettre" in a.texte for a in chef_alertes)


# ---------------------------------------------------------------------------
# Week of a unit
# ---------------------------------------------------------------------------
def test_the_week_of_a_unit_shows_presence_and_agenda_per_day(world, educateur, medecin):
    lundi = datetime.date(2026, 5, 4)
    sejour = SejourFactory(unite=world.unite_a, date_entree=datetime.date(2025, 1, 1))
    arrive = SejourFactory(unite=world.unite_a, date_entree=lundi + datetime.timedelta(days=3))
    AbsencePrevueFactory(
        usager=sejour.usager,
        debut=lundi + datetime.timedelta(days=4),
        debut_demi_journee="apres_midi",
        fin=lundi + datetime.timedelta(days=6),
        motif="famille",
    )
    debut = timezone.make_aware(datetime.datetime(2026, 5, 5, 14))
    evenement = Evenement.objects.create(
        etablissement=world.ehpad,
        unite=world.unite_a,
        titre="Dentiste",
        nature="rendez_vous",
        categorie="medical",
        debut=debut,
        fin=debut + datetime.timedelta(hours=1),
        cree_par=medecin,
    )
    Participant.objects.create(
        evenement=evenement, usager=sejour.usager, debut=debut, categorie="medical"
    )
    semaine = selectors.semaine_unite(user=educateur, unite=world.unite_a, lundi=lundi)
    lignes = {ligne.usager.pk: ligne for ligne in semaine.lignes}
    cellules = lignes[sejour.usager.pk].cellules
    assert len(cellules) == 7
    assert cellules[1].evenements == [evenement] and not cellules[1].evenements[0].is_lisible
    assert (
        cellules[4].etat.libelle
        == "Matin : présent ; après-midi : absent (séjour ou week-end en famille)"
    )
    assert cellules[5].etat.libelle == "Absent (séjour ou week-end en famille)"
    assert [c.etat.is_accueilli for c in lignes[arrive.usager.pk].cellules] == [
        False,
        False,
        False,
        True,
        True,
        True,
        True,
    ]
    assert semaine.presents_par_jour == [1.0, 1.0, 1.0, 2.0, 1.5, 1.0, 1.0]


def test_director_dashboard_counts_incidents_to_follow_late_eigs_and_recent_ones(
    world, directeur, chef_service, educateur
):
    from usagers.quotidien.models import StatutIncident, add_months
    from usagers.quotidien.selectors import incident_a_faire, incidents_compter

    jour = datetime.date(2026, 6, 15)
    UTC = datetime.UTC
    dt = datetime.datetime
    ehpad = SejourFactory(unite=world.unite_a)
    ime = SejourFactory(unite=world.unite_ime)
    recent = dt(2026, 6, 10, 9, tzinfo=UTC)
    EvenementIndesirableFactory(sejour=ehpad, declare_le=recent)  # declared: to follow
    late = EvenementIndesirableFactory(
        sejour=ehpad,
        is_eigs=True,
        eigs_partie1_le=dt(2026, 3, 14, 10, tzinfo=UTC),  # part 2 was due on 14 June
        statut=StatutIncident.EN_ANALYSE,
        declare_le=dt(2026, 3, 14, 9, tzinfo=UTC),
    )
    on_time = EvenementIndesirableFactory(
        sejour=ime,
        is_eigs=True,
        eigs_partie1_le=dt(2026, 3, 15, 10, tzinfo=UTC),  # due on 15 June: today, not late
        statut=StatutIncident.EN_ANALYSE,
        declare_le=dt(2026, 3, 15, 9, tzinfo=UTC),
    )
    EvenementIndesirableFactory(
        sejour=ime, statut=StatutIncident.CLOS, declare_le=recent, clos_le=recent
    )
    assert (
        add_months(datetime.date(2026, 3, 14), 3)
        < jour
        <= add_months(datetime.date(2026, 3, 15), 3)
    )
    assert "en retard" in incident_a_faire(late, jour)
    assert "en retard" not in incident_a_faire(on_time, jour)

    counts = incidents_compter(user=directeur, jour=jour)
    assert (counts.a_suivre, counts.eigs_en_retard, counts.declares_30_jours) == (3, 1, 2)
    # The head of service of the EHPAD: the EHPAD's events only.
    chef = incidents_compter(user=chef_service, jour=jour)
    assert (chef.a_suivre, chef.eigs_en_retard, chef.declares_30_jours) == (2, 1, 1)
    # An educator sees only what they declared.
    assert incidents_compter(user=educateur, jour=jour).a_suivre == 0


def test_the_notes_of_a_merged_duplicate_stay_in_the_timeline_of_the_record_kept(
    world, chef_service, infirmier, resident
):
    from securite.models import AuditAction, EvenementAudit
    from tests.factories import TransmissionFactory
    from usagers import services as usagers_services

    doublon = SejourFactory(unite=world.unite_a).usager
    note = TransmissionFactory(usager=doublon, auteur=infirmier, categorie="soins")
    usagers_services.usager_fusionner(
        acteur=chef_service, conserve=resident, doublon=doublon, motif="Même personne, 2 dossiers"
    )
    note.refresh_from_db()
    assert note.usager == doublon  # append-only: the note did not move
    page = selectors.chronologie(user=infirmier, usager=resident)
    assert (Genre.TRANSMISSION, note.pk) in [(e.genre, e.objet.pk) for e in page.elements]
    fusion = EvenementAudit.objects.get(usager=resident, action=AuditAction.FUSION)
    assert "quotidien.Transmission" in fusion.motif  # what stayed behind is said
