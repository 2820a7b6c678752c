"""Reads of the support plan: the due and overdue lists (window, statuses, "my plans", scope)
and the readable diff between two versions."""

import datetime
from collections.abc import Iterable

import pytest

from securite.models import Utilisateur
from tests.conftest import World, _pro
from tests.factories import ProfessionnelFactory, SejourFactory, UtilisateurFactory
from usagers.models import Usager
from usagers.projet import selectors, services
from usagers.projet.models import Objectif, ProjetPersonnalise, StatutProjet
from usagers.projet.selectors import Echeances

from .helpers import accords_recueillir, projet_brouillon, projet_en_cours

S = StatutProjet
JOUR = datetime.date(2025, 9, 1)


def _resident(world: World, *, ime: bool = False) -> Usager:
    return SejourFactory(unite=world.unite_ime if ime else world.unite_a).usager


def _du_le(projet: ProjetPersonnalise, echeance: datetime.date) -> ProjetPersonnalise:
    """Move the re-evaluation date (a review's "prochain bilan" does the same)."""
    ProjetPersonnalise.objects.filter(pk=projet.pk).update(date_reevaluation=echeance)
    projet.refresh_from_db()
    return projet


def _en_vigueur(
    *, referent: Utilisateur, chef: Utilisateur, usager: Usager, echeance: datetime.date
) -> ProjetPersonnalise:
    return _du_le(projet_en_cours(referent=referent, chef=chef, usager=usager), echeance)


def _pks(projets: Iterable[ProjetPersonnalise]) -> list[int]:
    return [projet.pk for projet in projets]


@pytest.fixture
def chef_ime(world: World) -> Utilisateur:
    """Head of service of the IME: same organisme, another establishment."""
    user = UtilisateurFactory(organisme=world.organisme, username="chef_service_ime")
    ProfessionnelFactory(utilisateur=user, profession="chef_service", etablissements=[world.ime])
    return user


# ---------------------------------------------------------------------------
# Due and overdue plans
# ---------------------------------------------------------------------------
def test_a_plan_due_within_the_alert_window_is_coming_up_and_one_beyond_is_not(
    settings, world, educateur, chef_service
):
    settings.PROJET_ALERTE_JOURS = 30

    def plan(echeance: datetime.date) -> ProjetPersonnalise:
        return _en_vigueur(
            referent=educateur, chef=chef_service, usager=_resident(world), echeance=echeance
        )

    en_retard = plan(JOUR - datetime.timedelta(days=1))
    aujourdhui = plan(JOUR)
    fin_de_fenetre = plan(JOUR + datetime.timedelta(days=30))
    au_dela = plan(JOUR + datetime.timedelta(days=31))

    assert selectors.echeances_compter(user=chef_service, jour=JOUR) == Echeances(
        en_retard=1, a_venir=2
    )
    liste = selectors.echeances_liste(user=chef_service, jour=JOUR, mes_projets=False)
    assert _pks(liste) == [en_retard.pk, aujourdhui.pk, fin_de_fenetre.pk]

    # The window is read at each call, not at import time.
    settings.PROJET_ALERTE_JOURS = 31
    assert selectors.echeances_compter(user=chef_service, jour=JOUR).a_venir == 3
    liste = selectors.echeances_liste(user=chef_service, jour=JOUR, mes_projets=False)
    assert au_dela.pk in _pks(liste)


@pytest.mark.parametrize(
    ("statut", "is_due"),
    [
        (S.BROUILLON, False),
        (S.CONCERTATION, False),
        (S.VALIDE, True),
        (S.EN_COURS, True),
        (S.REEVALUATION, True),
        (S.CLOS, False),
    ],
)
def test_only_plans_in_force_are_listed_as_due(
    settings, educateur, chef_service, resident, statut, is_due
):
    settings.PROJET_ALERTE_JOURS = 30
    en_retard = _en_vigueur(
        referent=educateur,
        chef=chef_service,
        usager=resident,
        echeance=JOUR - datetime.timedelta(days=10),
    )
    ProjetPersonnalise.objects.filter(pk=en_retard.pk).update(statut=statut)

    compte = selectors.echeances_compter(user=chef_service, jour=JOUR)
    liste = selectors.echeances_liste(user=chef_service, jour=JOUR, mes_projets=False)

    assert compte == Echeances(en_retard=int(is_due), a_venir=0)
    assert _pks(liste) == ([en_retard.pk] if is_due else [])


def test_a_closed_plan_coming_up_is_not_due(settings, educateur, chef_service, resident):
    settings.PROJET_ALERTE_JOURS = 30
    projet = _en_vigueur(
        referent=educateur,
        chef=chef_service,
        usager=resident,
        echeance=JOUR + datetime.timedelta(days=5),
    )
    assert selectors.echeances_compter(user=chef_service, jour=JOUR).a_venir == 1
    services.projet_transition(
        acteur=chef_service, projet=projet, vers=S.CLOS, motif="Départ de la personne"
    )
    assert selectors.echeances_compter(user=chef_service, jour=JOUR) == Echeances(0, 0)
    assert not selectors.echeances_liste(user=chef_service, jour=JOUR, mes_projets=False)


def test_my_plans_are_those_where_i_am_referent_or_named(settings, world, educateur, chef_service):
    settings.PROJET_ALERTE_JOURS = 30
    echeance = JOUR + datetime.timedelta(days=5)
    aes = _pro(world, "aes", unites=[world.unite_a])
    mien = _en_vigueur(
        referent=educateur, chef=chef_service, usager=_resident(world), echeance=echeance
    )
    # A colleague's plan in which the educator is named among the participants.
    projet = projet_brouillon(referent=aes, usager=_resident(world))
    services.participant_ajouter(
        acteur=aes, projet=projet, type="professionnel", utilisateur=educateur
    )
    projet = services.projet_transition(acteur=aes, projet=projet, vers=S.CONCERTATION)
    accords_recueillir(projet, referent=aes, chef=chef_service)
    nomme = _du_le(services.projet_transition(acteur=aes, projet=projet, vers=S.VALIDE), echeance)
    # A colleague's plan of the same unit the educator is not named in.
    autre = _en_vigueur(referent=aes, chef=chef_service, usager=_resident(world), echeance=echeance)

    mes_projets = selectors.echeances_liste(user=educateur, jour=JOUR, mes_projets=True)
    tous = selectors.echeances_liste(user=educateur, jour=JOUR, mes_projets=False)

    assert sorted(_pks(mes_projets)) == sorted([mien.pk, nomme.pk])
    assert sorted(_pks(tous)) == sorted([mien.pk, nomme.pk, autre.pk])
    assert _pks(selectors.echeances_liste(user=aes, jour=JOUR, mes_projets=True)) == sorted(
        [nomme.pk, autre.pk]
    )


def test_a_head_of_service_of_another_establishment_does_not_see_the_due_plans(
    settings, world, educateur, chef_service, educateur_ime, chef_ime, educateur_ailleurs
):
    settings.PROJET_ALERTE_JOURS = 30
    echeance = JOUR - datetime.timedelta(days=3)
    ehpad = _en_vigueur(
        referent=educateur, chef=chef_service, usager=_resident(world), echeance=echeance
    )
    ime = _en_vigueur(
        referent=educateur_ime, chef=chef_ime, usager=_resident(world, ime=True), echeance=echeance
    )

    for chef, projet in ((chef_service, ehpad), (chef_ime, ime)):
        assert selectors.echeances_compter(user=chef, jour=JOUR) == Echeances(1, 0)
        liste = selectors.echeances_liste(user=chef, jour=JOUR, mes_projets=False)
        assert _pks(liste) == [projet.pk]
    assert selectors.echeances_compter(user=educateur_ailleurs, jour=JOUR) == Echeances(0, 0)
    assert not selectors.echeances_liste(user=educateur_ailleurs, jour=JOUR, mes_projets=False)


# ---------------------------------------------------------------------------
# Readable diff between two versions
# ---------------------------------------------------------------------------
def _changements(
    ancien: ProjetPersonnalise, nouveau: ProjetPersonnalise, section: str
) -> list[tuple[str, str, list[str]]]:
    return [
        (c.nature, c.libelle, c.details)
        for c in selectors.projet_diff(ancien, nouveau)
        if c.section == section
    ]


def _projet_valide(
    *, referent: Utilisateur, chef: Utilisateur, usager: Usager, objectifs: list[str]
) -> ProjetPersonnalise:
    """A plan in force (started 15/01/2025) with the helper's objective and `objectifs`,
    written before validation as in real life."""
    projet = projet_brouillon(referent=referent, usager=usager)
    besoin = projet.besoins.get()
    for titre in objectifs:
        services.objectif_ajouter(acteur=referent, projet=projet, besoin=besoin, titre=titre)
    projet = services.projet_transition(acteur=referent, projet=projet, vers=S.CONCERTATION)
    accords_recueillir(projet, referent=referent, chef=chef)
    return services.projet_transition(acteur=referent, projet=projet, vers=S.VALIDE)


def _evaluer(objectif: Objectif, acteur: Utilisateur, resultat: str, date: datetime.date) -> None:
    services.evaluation_enregistrer(acteur=acteur, objectif=objectif, date=date, resultat=resultat)


def test_diff_says_which_objectives_were_added_removed_changed_or_not_carried_over(
    educateur, chef_service, resident
):
    v1 = _projet_valide(
        referent=educateur,
        chef=chef_service,
        usager=resident,
        objectifs=["Choisir ses légumes", "Porter son panier", "Payer seule"],
    )
    marche, legumes, panier, payer = v1.objectifs.order_by("ordre", "id")
    _evaluer(marche, educateur, "atteint", datetime.date(2025, 6, 1))
    _evaluer(legumes, educateur, "non_atteint", datetime.date(2025, 6, 2))

    v2 = services.projet_nouvelle_version(acteur=educateur, projet=v1)
    services.objectif_modifier(
        acteur=educateur, objectif=v2.objectifs.get(origine_version=legumes), priorite="basse"
    )
    services.element_supprimer(acteur=educateur, element=v2.objectifs.get(origine_version=panier))
    services.objectif_ajouter(
        acteur=educateur, projet=v2, besoin=v2.besoins.get(), titre="Ranger ses courses"
    )

    assert _changements(v1, v2, "Objectifs") == [
        ("non repris", marche.titre, ["Évalué « atteint » le 01/06/2025"]),
        ("modifié", "Choisir ses légumes", ["Priorité : Moyenne → Basse"]),
        ("retiré", "Porter son panier", []),
        ("ajouté", "Ranger ses courses", []),
    ]
    # "Payer seule", carried over unchanged, is not a change.
    assert payer.titre not in {libelle for _, libelle, _ in _changements(v1, v2, "Objectifs")}


def test_diff_says_which_needs_and_services_were_added_or_removed(
    educateur, chef_service, resident
):
    projet = projet_brouillon(referent=educateur, usager=resident)
    services.besoin_ajouter(acteur=educateur, projet=projet, code="1.2.1.2")
    projet = services.projet_transition(acteur=educateur, projet=projet, vers=S.CONCERTATION)
    accords_recueillir(projet, referent=educateur, chef=chef_service)
    v1 = services.projet_transition(acteur=educateur, projet=projet, vers=S.VALIDE)

    v2 = services.projet_nouvelle_version(acteur=educateur, projet=v1)
    services.element_supprimer(acteur=educateur, element=v2.besoins.get(code__code="1.2.1.2"))
    services.besoin_ajouter(acteur=educateur, projet=v2, code="1.3.1")
    services.element_supprimer(acteur=educateur, element=v2.prestations.get())
    services.prestation_ajouter(
        acteur=educateur,
        projet=v2,
        code="2.3.4.2",
        titre="Atelier jardin",
        objectifs=[v2.objectifs.get()],
    )

    assert _changements(v1, v2, "Besoins") == [
        (
            "retiré",
            "1.2.1.2 Besoins en lien avec les relations et les interactions avec autrui",
            [],
        ),
        ("ajouté", "1.3.1 Besoins pour accéder aux droits et à la citoyenneté", []),
    ]
    assert _changements(v1, v2, "Prestations") == [
        ("retiré", "Accompagnement au marché", []),
        ("ajouté", "Atelier jardin", []),
    ]


def test_diff_keeps_each_objective_with_its_own_evaluation_when_titles_are_the_same(
    educateur, chef_service, resident
):
    titre = "Marcher jusqu'au jardin"
    v1 = _projet_valide(
        referent=educateur, chef=chef_service, usager=resident, objectifs=[titre, titre, titre]
    )
    _, ouvert, atteint, abandonne = v1.objectifs.order_by("ordre", "id")
    _evaluer(atteint, educateur, "atteint", datetime.date(2025, 6, 1))
    _evaluer(abandonne, educateur, "abandonne", datetime.date(2025, 6, 2))

    v2 = services.projet_nouvelle_version(acteur=educateur, projet=v1)
    # The open one is carried over, then removed from the new version without an evaluation.
    services.element_supprimer(acteur=educateur, element=v2.objectifs.get(origine_version=ouvert))

    assert _changements(v1, v2, "Objectifs") == [
        ("retiré", titre, []),
        ("non repris", titre, ["Évalué « atteint » le 01/06/2025"]),
        ("non repris", titre, ["Évalué « abandonné » le 02/06/2025"]),
    ]
