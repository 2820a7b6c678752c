"""The daily support meets the support plan (usagers/projet): a transmission names one of the
plan's objectives, the plan's validation is in the timeline, a plan due is an alert."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from securite.models import Categorie
from tests.factories import SejourFactory
from tests.projet.helpers import projet_brouillon, projet_en_cours
from usagers.quotidien import selectors, services


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
