"""The first rules of the one door: scope by organisme, establishment and unit."""

import datetime

import pytest
from django.http import Http404

from securite import access
from securite.models import Action, Categorie, Opposition
from tests.factories import SejourFactory

JOUR = datetime.date(2026, 6, 1)


def test_director_sees_every_establishment_of_the_organisme_only(world, directeur):
    visibles = set(access.etablissements_visibles(directeur))
    assert visibles == {world.ehpad, world.ime}


def test_educator_sees_the_establishment_of_the_unit_and_only_that_unit(world, educateur):
    assert list(access.etablissements_visibles(educateur)) == [world.ehpad]
    assert list(access.unites_visibles(educateur)) == [world.unite_a]


def test_establishment_assignment_opens_all_its_units(world, medecin):
    assert set(access.unites_visibles(medecin)) == {world.unite_a, world.unite_b}


def test_family_and_inactive_accounts_see_no_establishment(world, famille, directeur):
    assert not access.etablissements_visibles(famille).exists()
    directeur.is_active = False
    assert not access.etablissements_visibles(directeur).exists()
    assert not access.unites_visibles(directeur).exists()


def test_other_organisme_establishment_is_absent_for_a_professional(world, educateur_ailleurs):
    with pytest.raises(Http404):
        access.etablissement_get(educateur_ailleurs, world.ehpad.pk)
    assert access.etablissement_get(educateur_ailleurs, world.autre_etablissement.pk)


def test_guessed_or_malformed_id_is_absent(world, directeur):
    with pytest.raises(Http404):
        access.etablissement_get(directeur, 999_999)
    with pytest.raises(Http404):
        access.etablissement_get(directeur, "abc")  # type: ignore[arg-type]


def test_only_directors_and_technical_admins_manage_establishments(
    world, directeur, admin_technique, chef_service, educateur, famille
):
    assert access.etablissement_can_manage(directeur)
    assert access.etablissement_can_manage(admin_technique)
    assert not access.etablissement_can_manage(chef_service)
    assert not access.etablissement_can_manage(educateur)
    assert not access.etablissement_can_manage(famille)


def test_usagers_visible_are_present_or_expected_in_my_units(world, educateur):
    present = SejourFactory(unite=world.unite_a).usager
    SejourFactory(unite=world.unite_b)  # another unit
    SejourFactory(unite=world.unite_a, date_sortie=datetime.date(2025, 1, 1))  # left
    attendu = SejourFactory(unite=world.unite_a, date_entree=datetime.date(2026, 9, 1)).usager
    assert set(access.usagers_visibles(educateur, JOUR)) == {present, attendu}
    assert [s.usager for s in access.sejours_en_cours_visibles(educateur, JOUR)] == [present]


def test_stay_without_unit_is_visible_to_establishment_staff_only(world, medecin, educateur):
    sejour = SejourFactory(unite=world.unite_a)
    sejour.unite = None
    sejour.save()
    assert list(access.usagers_visibles(medecin, JOUR)) == [sejour.usager]
    assert not access.usagers_visibles(educateur, JOUR).exists()
    assert not access.sejours_en_cours_visibles(educateur, JOUR).exists()


PERSONAS = ["educateur", "infirmier", "medecin", "chef_service", "directeur", "secretaire"]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", [Action.LIRE, Action.ECRIRE])
def test_bulk_categories_agree_with_the_policy_usager_by_usager(request, world, persona, action):
    user = request.getfixturevalue(persona)
    usagers = [SejourFactory(unite=world.unite_a).usager for _ in range(3)]
    Opposition.objects.create(
        usager=usagers[0],
        categorie=Categorie.SOINS,
        profession=user.profession,
        exprimee_par="La personne",
        date=datetime.date(2026, 1, 2),
    )
    Opposition.objects.create(
        usager=usagers[1],
        categorie=Categorie.EDUCATIF,
        utilisateur=user,
        exprimee_par="Son tuteur",
        date=datetime.date(2026, 1, 2),
    )
    bulk = access.categories_par_usager(user, [u.pk for u in usagers], action)
    for usager in usagers:
        assert bulk[usager.pk] == access.categories_permises(user, usager, action), usager


def test_bulk_categories_are_empty_for_families_and_technical_accounts(
    world, famille, admin_technique, resident
):
    for user in (famille, admin_technique):
        assert access.categories_par_usager(user, [resident.pk], Action.LIRE) == {
            resident.pk: frozenset()
        }
