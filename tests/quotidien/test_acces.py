"""Access rules of the daily support: the bulk categories agree with securite.access, the
incident rule, and the bulk audit keeps the hash chain whole."""

import datetime

import pytest

from securite import access
from securite.audit import audit_record, audit_verify
from securite.models import Action, AuditAction, Categorie, EvenementAudit, Opposition
from tests.factories import EvenementIndesirableFactory, SejourFactory
from usagers.quotidien.acces import (
    audit_lectures,
    categories_par_usager,
    incident_can_manage,
    incidents_visibles,
)

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
    bulk = categories_par_usager(user, [u.pk for u in usagers], action)
    for usager in usagers:
        assert bulk[usager.pk] == access.categories_permises(user, usager, action), usager


def test_bulk_categories_are_empty_for_families_and_technical_accounts(
    world, famille, admin_technique, resident
):
    for user in (famille, admin_technique):
        assert categories_par_usager(user, [resident.pk], Action.LIRE) == {resident.pk: frozenset()}


def test_incidents_are_seen_by_their_declarant_and_the_managers_of_the_establishment(
    world, educateur, infirmier, chef_service, directeur, educateur_ime
):
    own = EvenementIndesirableFactory(
        sejour=SejourFactory(unite=world.unite_a), declarant=educateur
    )
    other = EvenementIndesirableFactory(sejour=SejourFactory(unite=world.unite_a))
    ime = EvenementIndesirableFactory(sejour=SejourFactory(unite=world.unite_ime))
    assert set(incidents_visibles(educateur)) == {own}
    assert set(incidents_visibles(infirmier)) == set()
    assert set(incidents_visibles(chef_service)) == {own, other}
    assert set(incidents_visibles(directeur)) == {own, other, ime}
    assert set(incidents_visibles(educateur_ime)) == set()
    assert incident_can_manage(chef_service) and not incident_can_manage(educateur)


def test_bulk_readings_chain_with_single_rows_and_verify(world, chef_service, resident):
    others = [SejourFactory(unite=world.unite_a).usager for _ in range(3)]
    audit_record(acteur=chef_service, action=AuditAction.LECTURE, usager=resident)
    count = audit_lectures(
        acteur=chef_service,
        usager_ids=[u.pk for u in others] + [others[0].pk],
        objet_type="quotidien.ma_journee",
        champs=("transmissions",),
    )
    audit_record(acteur=chef_service, action=AuditAction.LECTURE, usager=resident)
    assert count == 3  # one row per person, duplicates merged
    rows = EvenementAudit.objects.filter(objet_type="quotidien.ma_journee")
    assert sorted(rows.values_list("usager_id", flat=True)) == sorted(u.pk for u in others)
    assert all(r.champs == ["transmissions"] and r.role == "chef_service" for r in rows)
    assert list(audit_verify()) == []


def test_bulk_readings_are_flagged_under_break_the_glass(world, educateur_ime, resident):
    from securite.services import acces_exceptionnel_ouvrir

    acces_exceptionnel_ouvrir(
        acteur=educateur_ime,
        identifiant_local=resident.identifiant_local,
        motif="Remplacement au pied levé dans l'unité A",
    )
    audit_lectures(acteur=educateur_ime, usager_ids=[resident.pk], objet_type="quotidien.fil")
    assert EvenementAudit.objects.get(objet_type="quotidien.fil").is_bris_glace
