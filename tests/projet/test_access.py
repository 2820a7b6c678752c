"""Who may read, create, edit and sign a plan: every branch of usagers/projet/access.py."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory

from securite.models import AuditAction, EvenementAudit, Opposition, RegleAcces
from usagers.projet import access
from usagers.projet.models import Participant


def test_the_referent_may_edit(brouillon, educateur):
    assert access.projet_can_edit(educateur, brouillon)


def test_a_professional_named_in_the_plan_may_edit_without_educational_write(brouillon, infirmier):
    assert not access.projet_can_edit(infirmier, brouillon)
    Participant.objects.create(projet=brouillon, type="professionnel", utilisateur=infirmier)
    assert access.projet_can_edit(infirmier, brouillon)


def test_the_head_of_service_may_edit(brouillon, chef_service):
    assert access.projet_can_edit(chef_service, brouillon)


def test_a_head_of_service_without_educational_write_may_not_edit(brouillon, chef_service, world):
    RegleAcces.objects.create(
        organisme=world.organisme,
        profession="chef_service",
        categorie="educatif",
        peut_lire=True,
        peut_ecrire=False,
    )
    assert not access.projet_can_edit(chef_service, brouillon)


def test_a_colleague_of_the_unit_not_named_may_read_but_not_edit(brouillon, educateur, world):
    from tests.conftest import _pro

    collegue = _pro(world, "aes", unites=[world.unite_a])
    assert access.projets_visibles(collegue).filter(pk=brouillon.pk).exists()
    assert not access.projet_can_edit(collegue, brouillon)


def test_a_named_professional_out_of_scope_may_not_edit(brouillon, educateur_ime):
    Participant.objects.create(projet=brouillon, type="professionnel", utilisateur=educateur_ime)
    assert not access.projet_can_edit(educateur_ime, brouillon)


def test_an_objection_removes_the_referents_rights(brouillon, educateur, resident):
    Opposition.objects.create(
        usager=resident,
        categorie="educatif",
        utilisateur=educateur,
        exprimee_par="L'usager",
        date="2025-02-01",
    )
    assert not access.projet_can_edit(educateur, brouillon)
    assert not access.projets_visibles(educateur).filter(pk=brouillon.pk).exists()


@pytest.mark.parametrize("persona", ["directeur", "secretaire", "famille", "admin_technique"])
def test_others_may_not_edit(request, brouillon, persona):
    assert not access.projet_can_edit(request.getfixturevalue(persona), brouillon)


def test_anonymous_may_do_nothing(brouillon):
    anonymous = AnonymousUser()
    assert not access.projet_can_edit(anonymous, brouillon)
    assert not access.projets_visibles(anonymous).exists()
    assert not access.projet_can_sign_for_structure(anonymous, brouillon)


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("educateur", True),
        ("infirmier", True),
        ("chef_service", True),
        ("directeur", True),
        ("medecin", True),
        ("secretaire", False),  # no educational category
        ("educateur_ime", False),  # another establishment
        ("educateur_ailleurs", False),  # another organisme
        ("famille", False),
        ("admin_technique", False),
    ],
)
def test_who_reads_the_plans(request, brouillon, persona, visible):
    user = request.getfixturevalue(persona)
    assert access.projets_visibles(user).filter(pk=brouillon.pk).exists() is visible


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("chef_service", True), ("directeur", True), ("educateur", False), ("medecin", False)],
)
def test_who_agrees_for_the_establishment(request, brouillon, persona, allowed):
    user = request.getfixturevalue(persona)
    assert access.projet_can_sign_for_structure(user, brouillon) is allowed


def test_a_head_of_service_of_another_establishment_may_not_sign(brouillon, world):
    from tests.conftest import _pro

    chef_ime = _pro(world, "chef_service", etablissements=[world.ime])
    assert not access.projet_can_sign_for_structure(chef_ime, brouillon)


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [("educateur", True), ("chef_service", True), ("infirmier", False), ("directeur", False)],
)
def test_who_starts_a_plan(request, resident, persona, allowed):
    assert access.projet_can_create(request.getfixturevalue(persona), resident) is allowed


def test_consulting_a_plan_records_a_reading(brouillon, educateur, resident):
    request = RequestFactory().get("/")
    request.user = educateur
    assert access.projet_consulter(request, brouillon.pk) == brouillon
    row = EvenementAudit.objects.filter(action=AuditAction.LECTURE).last()
    assert (row.usager_id, row.categorie, row.acteur_id) == (resident.pk, "educatif", educateur.pk)


@pytest.mark.parametrize("pk", ["absent", "forbidden"])
def test_absent_and_forbidden_plans_look_the_same_and_leave_a_refusal(
    brouillon, educateur_ailleurs, pk
):
    request = RequestFactory().get("/")
    request.user = educateur_ailleurs
    with pytest.raises(Http404):
        access.projet_consulter(request, brouillon.pk if pk == "forbidden" else 999_999)
    assert EvenementAudit.objects.filter(
        acteur=educateur_ailleurs, action=AuditAction.REFUS
    ).exists()
    assert not EvenementAudit.objects.filter(action=AuditAction.LECTURE).exists()
