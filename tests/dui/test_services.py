import pytest
from django.core.exceptions import ValidationError

from dui import services
from dui.models import CapaciteAutorisee, Etablissement, Unite


def test_director_creates_an_establishment_with_its_capacities(world, directeur):
    etablissement = services.etablissement_create(
        acteur=directeur,
        nom="MAS Les Cèdres",
        finess="750712184",
        categorie="255",
        capacites={"internat": 40, "accueil_jour": 6},
    )
    assert etablissement.organisme == world.organisme
    assert dict(etablissement.capacites.values_list("mode_accueil", "places")) == {
        "internat": 40,
        "accueil_jour": 6,
    }


def test_invalid_finess_saves_nothing(world, directeur):
    before = Etablissement.objects.count()
    with pytest.raises(ValidationError) as error:
        services.etablissement_create(
            acteur=directeur,
            nom="MAS",
            finess="750712185",
            categorie="255",
            capacites={"internat": 40},
        )
    assert "finess" in error.value.message_dict
    assert Etablissement.objects.count() == before
    assert (
        not CapaciteAutorisee.objects.filter(places=40, mode_accueil="internat")
        .exclude(etablissement__in=[world.ehpad])
        .exists()
    )


def test_unknown_care_mode_is_refused_before_anything_is_saved(world, directeur):
    before = Etablissement.objects.count()
    with pytest.raises(ValidationError) as error:
        services.etablissement_create(
            acteur=directeur,
            nom="MAS",
            finess="750712184",
            categorie="255",
            capacites={"hopital": 3},
        )
    assert "capacites" in error.value.message_dict
    assert Etablissement.objects.count() == before


def test_duplicate_finess_is_refused(world, directeur):
    with pytest.raises(ValidationError) as error:
        services.etablissement_create(
            acteur=directeur, nom="Doublon", finess=world.ehpad.finess, categorie="500"
        )
    assert "finess" in error.value.message_dict


def test_head_of_service_cannot_create_an_establishment(world, chef_service):
    with pytest.raises(ValidationError):
        services.etablissement_create(
            acteur=chef_service, nom="MAS", finess="750712184", categorie="255"
        )


def test_unit_mode_must_be_authorised_for_the_establishment(world, directeur):
    with pytest.raises(ValidationError) as error:
        services.unite_create(
            acteur=directeur,
            etablissement=world.ehpad,
            nom="Accueil de jour",
            mode_accueil="accueil_jour",
        )
    assert "mode_accueil" in error.value.message_dict
    unite = services.unite_create(
        acteur=directeur, etablissement=world.ehpad, nom="Les Roses", mode_accueil="internat"
    )
    assert Unite.objects.filter(pk=unite.pk).exists()


def test_unit_cannot_be_added_to_another_organisme(world, directeur):
    with pytest.raises(ValidationError):
        services.unite_create(
            acteur=directeur, etablissement=world.autre_etablissement, nom="Intrus"
        )
