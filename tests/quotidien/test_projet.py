"""The daily support meets the support plan (usagers/projet): a transmission names one of the
plan's objectives, the plan's validation is in the timeline, a plan due is an alert."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from securite.models import Categorie, Opposition
from tests.factories import SejourFactory, TransmissionFactory
from tests.projet.helpers import projet_brouillon, projet_en_cours
from usagers.projet.access import CATEGORIE as PROJET_CATEGORIE
from usagers.quotidien import selectors, services
from usagers.quotidien.models import Transmission

from .test_views import CHRONOLOGIE_REQUETES


@pytest.fixture
def projet(educateur, chef_service, resident):
    return projet_en_cours(referent=educateur, chef=chef_service, usager=resident)


def test_a_transmission_names_an_objective_of_the_plan_in_force(educateur, resident, projet):
    objectif = projet.objectifs.get()
    transmission = services.transmission_create(
        acteur=educateur,
        usager=resident,
        categorie=Categorie.EDUCATIF,
        cible="Marché",
        donnees="Allée au marché avec le déambulateur, a acheté des pommes.",
        objectif=objectif,
    )
    assert transmission.objectif == objectif
    assert list(objectif.transmissions.all()) == [transmission]


def test_an_objective_of_another_person_or_of_a_draft_is_refused(world, educateur, resident):
    autre = SejourFactory(unite=world.unite_a).usager
    brouillon = projet_brouillon(referent=educateur, usager=autre)
    with pytest.raises(ValidationError) as error:
        services.transmission_create(
            acteur=educateur,
            usager=resident,
            categorie=Categorie.EDUCATIF,
            cible="Marché",
            donnees="x",
            objectif=brouillon.objectifs.get(),
        )
    assert error.value.message_dict["objectif"] == [
        "Cet objectif n'est pas dans le projet en vigueur de la personne."
    ]


def test_the_form_offers_the_objectives_of_the_plan(educateur, resident, projet, client_for):
    content = (
        client_for(educateur)
        .get(reverse("quotidien:transmission-nouvelle", args=[resident.pk]))
        .content.decode()
    )
    assert "Aller au marché du samedi avec un accompagnement" in content


def test_the_plan_validation_is_in_the_timeline_of_who_may_read_it(
    educateur, secretaire, resident, projet
):
    page = selectors.chronologie(user=educateur, usager=resident)
    assert (selectors.Genre.PROJET, projet.pk) in [(e.genre, e.objet.pk) for e in page.elements]
    # A secretary reads the administrative record only: no plan in her timeline.
    page = selectors.chronologie(user=secretaire, usager=resident)
    assert all(e.genre != selectors.Genre.PROJET for e in page.elements)


def test_a_plan_due_for_re_evaluation_is_an_alert_of_ma_journee(educateur, resident, projet):
    alertes = selectors.ma_journee(user=educateur).alertes
    assert any(
        a.url_nom == "projet:detail" and a.url_pk == projet.pk and "à réévaluer" in a.texte
        for a in alertes
    )


def _objection(usager, categorie, profession):
    Opposition.objects.create(
        usager=usager,
        categorie=categorie,
        profession=profession,
        exprimee_par="La résidente",
        date=datetime.date(2026, 1, 5),
    )


def test_an_objective_is_refused_to_whoever_may_not_read_the_plan(infirmier, resident, projet):
    """A nurse writes care notes; if the person objected to her reading the educative record,
    she may not link a note to an objective of the plan."""
    _objection(resident, PROJET_CATEGORIE, "infirmier")
    with pytest.raises(ValidationError) as error:
        services.transmission_create(
            acteur=infirmier,
            usager=resident,
            categorie=Categorie.SOINS,
            cible="Marche",
            donnees="A marché jusqu'au jardin.",
            objectif=projet.objectifs.get(),
        )
    assert "ne pouvez pas lire le projet personnalisé" in error.value.message_dict["objectif"][0]
    assert not Transmission.objects.exists()


def test_the_api_refuses_an_objective_to_whoever_may_not_read_the_plan(
    infirmier, resident, projet, client_for
):
    _objection(resident, PROJET_CATEGORIE, "infirmier")
    response = client_for(infirmier).post(
        reverse("quotidien-api:transmissions", args=[resident.pk]),
        {
            "categorie": "soins",
            "cible": "Marche",
            "donnees": "A marché jusqu'au jardin.",
            "objectif": projet.objectifs.get().pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "ne pouvez pas lire le projet personnalisé" in response.json()["objectif"][0]
    assert not Transmission.objects.exists()
    # Without the objection, the same note is accepted.
    Opposition.objects.all().delete()
    response = client_for(infirmier).post(
        reverse("quotidien-api:transmissions", args=[resident.pk]),
        {
            "categorie": "soins",
            "cible": "Marche",
            "donnees": "A marché jusqu'au jardin.",
            "objectif": projet.objectifs.get().pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()


def _suivi(projet, educateur, jours):
    """One evaluation of the plan's objective and one review per date."""
    from usagers.projet import services as projet_services

    objectif = projet.objectifs.get()
    evaluations, bilans = [], []
    for jour in jours:
        evaluations.append(
            projet_services.evaluation_enregistrer(
                acteur=educateur, objectif=objectif, date=jour, resultat="partiellement"
            )
        )
        bilans.append(
            projet_services.bilan_enregistrer(
                acteur=educateur,
                projet=projet,
                date=jour,
                categorie="INTERMEDIAIRE",
                synthese="Progrès réguliers.",
            )
        )
    return evaluations, bilans


def test_objective_evaluations_and_plan_reviews_are_in_the_timeline_of_who_may_read_it(
    educateur, secretaire, resident, projet, client_for
):
    (evaluation,), (bilan,) = _suivi(projet, educateur, [datetime.date(2025, 6, 2)])
    page = selectors.chronologie(user=educateur, usager=resident)
    contenu = [(e.genre, e.objet.pk) for e in page.elements]
    assert (selectors.Genre.EVALUATION, evaluation.pk) in contenu
    assert (selectors.Genre.BILAN, bilan.pk) in contenu
    element = next(e for e in page.elements if e.genre == selectors.Genre.EVALUATION)
    assert timezone.localtime(element.quand).isoformat().startswith("2025-06-02T00:00:00")
    # The "projet" filter shows the plan and its follow-up; another category does not.
    page = selectors.chronologie(user=educateur, usager=resident, genres=["projet"])
    assert {e.genre for e in page.elements} == {"projet", "evaluation", "bilan"}
    page = selectors.chronologie(user=educateur, usager=resident, categories=["soins"])
    assert not {e.genre for e in page.elements} & selectors.Genre.PROJET_ET_SUIVI
    # Whoever may not read the plan's category never sees them.
    page = selectors.chronologie(user=secretaire, usager=resident)
    assert not {e.genre for e in page.elements} & selectors.Genre.PROJET_ET_SUIVI
    # Page and API show them in the plan's category.
    fil = client_for(educateur).get(reverse("quotidien:fil", args=[resident.pk])).content.decode()
    assert "Objectif évalué : Aller au marché du samedi" in fil
    assert "Bilan intermédiaire du projet personnalisé" in fil
    api = client_for(educateur).get(reverse("quotidien-api:chronologie", args=[resident.pk]))
    rows = {r["genre"]: r for r in api.json()["resultats"]}
    assert rows["bilan"]["categorie"] == rows["evaluation"]["categorie"] == PROJET_CATEGORIE
    assert "partiellement atteint" in rows["evaluation"]["titre"]


def test_the_keyset_pagination_walks_the_plan_follow_up_without_loss_nor_repeat(
    educateur, medecin, resident, projet
):
    jours = [datetime.date(2025, 3, 1) + datetime.timedelta(days=7 * n) for n in range(6)]
    evaluations, bilans = _suivi(projet, educateur, jours)
    for jour in jours[::2]:
        # A note at the same instant as the day's evaluation and review.
        TransmissionFactory(
            usager=resident,
            auteur=medecin,
            ecrite_le=timezone.make_aware(datetime.datetime.combine(jour, datetime.time.min)),
        )
    seen, curseur = [], None
    while True:
        page = selectors.chronologie(user=educateur, usager=resident, curseur=curseur, taille=4)
        seen += [(e.genre, e.objet.pk, e.quand) for e in page.elements]
        if page.suivant is None:
            break
        curseur = selectors.Curseur.decode(page.suivant.encode())
    assert len(seen) == len(set(seen))
    assert {(g, pk) for g, pk, _ in seen} >= {("evaluation", e.pk) for e in evaluations} | {
        ("bilan", b.pk) for b in bilans
    }
    assert [q for _, _, q in seen] == sorted((q for _, _, q in seen), reverse=True)
    full = selectors.chronologie(user=educateur, usager=resident, taille=200)
    assert [(e.genre, e.objet.pk, e.quand) for e in full.elements] == seen


def test_the_timeline_query_count_does_not_grow_with_the_plan_follow_up(
    educateur, resident, projet, client_for, django_assert_max_num_queries
):
    client = client_for(educateur)
    url = reverse("quotidien:fil", args=[resident.pk])
    _suivi(projet, educateur, [datetime.date(2025, 3, 3)])
    with django_assert_max_num_queries(CHRONOLOGIE_REQUETES) as few:
        client.get(url)
    _suivi(
        projet,
        educateur,
        [datetime.date(2025, 4, 1) + datetime.timedelta(days=n) for n in range(20)],
    )
    with django_assert_max_num_queries(CHRONOLOGIE_REQUETES) as many:
        response = client.get(url)
    assert len(response.context["page"].elements) == 43
    assert len(many.captured_queries) == len(few.captured_queries)
