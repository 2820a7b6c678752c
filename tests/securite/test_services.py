"""Break the glass, care team, objections and matrix adjustments: each audited."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from dui import celery_app
from securite import access, services
from securite.models import (
    AccesExceptionnel,
    Action,
    AuditAction,
    Categorie,
    EvenementAudit,
    MembreEquipe,
    Opposition,
    Profession,
    RegleAcces,
)
from tests.factories import ProfessionnelFactory, SejourFactory, UtilisateurFactory


@pytest.fixture
def celery_eager():
    """Unit tests only: run tasks in-process (the worker test covers the real path)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def enfant(world):
    return SejourFactory(unite=world.unite_ime).usager


def test_break_the_glass_opens_audits_and_notifies_the_head_of_service(
    world, educateur, enfant, celery_eager, django_capture_on_commit_callbacks
):
    chef = UtilisateurFactory(organisme=world.organisme, email="chef.ime@example.org")
    ProfessionnelFactory(
        utilisateur=chef, profession=Profession.CHEF_SERVICE, etablissements=[world.ime]
    )
    with django_capture_on_commit_callbacks(execute=True):
        acces = services.acces_exceptionnel_ouvrir(
            acteur=educateur,
            identifiant_local=enfant.identifiant_local,
            motif="Malaise pendant la sortie commune, appel du 15",
        )
    assert (acces.fin - acces.debut) == datetime.timedelta(hours=4)
    assert access.usager_can(educateur, enfant, Categorie.EDUCATIF, Action.LIRE)
    row = EvenementAudit.objects.get(action=AuditAction.BRIS_GLACE)
    assert row.is_bris_glace and row.usager_id == enfant.pk
    assert row.motif == ""  # the reason stays encrypted in AccesExceptionnel
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["chef.ime@example.org"]
    assert "Malaise" not in mail.outbox[0].body
    # Reads under break the glass are flagged in the audit.
    access.usager_consulter  # noqa: B018 - the helper below goes through it
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = educateur
    access.usager_consulter(request, enfant.pk, categorie=Categorie.EDUCATIF)
    assert (
        EvenementAudit.objects.filter(action=AuditAction.LECTURE, is_bris_glace=True).count() == 1
    )


@pytest.mark.parametrize(
    ("identifiant", "motif", "field"),
    [
        ("INCONNU", "Un motif suffisamment long", "identifiant_local"),
        (None, "court", "motif"),
    ],
)
def test_break_the_glass_refuses_bad_requests_and_saves_nothing(
    world, educateur, enfant, identifiant, motif, field
):
    with pytest.raises(ValidationError) as error:
        services.acces_exceptionnel_ouvrir(
            acteur=educateur, identifiant_local=identifiant or enfant.identifiant_local, motif=motif
        )
    assert field in error.value.message_dict
    assert not AccesExceptionnel.objects.exists()


def test_break_the_glass_cannot_reach_another_organisme(world, educateur_ailleurs, enfant):
    with pytest.raises(ValidationError):
        services.acces_exceptionnel_ouvrir(
            acteur=educateur_ailleurs,
            identifiant_local=enfant.identifiant_local,
            motif="Tentative depuis une autre association",
        )


def test_head_of_service_adds_a_care_team_member_with_an_audit_row(world, chef_service):
    usager = SejourFactory(unite=world.unite_a).usager
    psy = UtilisateurFactory(organisme=world.organisme)
    ProfessionnelFactory(utilisateur=psy, profession=Profession.PSYCHOLOGUE)
    membre = services.membre_equipe_ajouter(
        acteur=chef_service,
        usager=usager,
        utilisateur=psy,
        role="intervenant",
        date_debut=datetime.date(2026, 1, 1),
    )
    assert access.usager_can(psy, usager, Categorie.PSYCHOLOGIQUE, Action.ECRIRE)
    row = EvenementAudit.objects.get(objet_type="securite.MembreEquipe", objet_id=str(membre.pk))
    assert row.champs == ["date_debut", "date_fin", "role", "utilisateur"]


def test_care_team_refuses_end_before_start_and_outsiders(world, chef_service, educateur_ailleurs):
    usager = SejourFactory(unite=world.unite_a).usager
    with pytest.raises(ValidationError):
        services.membre_equipe_ajouter(
            acteur=chef_service,
            usager=usager,
            utilisateur=educateur_ailleurs,
            role="intervenant",
            date_debut=datetime.date(2026, 1, 1),
        )
    psy = UtilisateurFactory(organisme=world.organisme)
    ProfessionnelFactory(utilisateur=psy, profession=Profession.PSYCHOLOGUE)
    with pytest.raises(ValidationError) as error:
        services.membre_equipe_ajouter(
            acteur=chef_service,
            usager=usager,
            utilisateur=psy,
            role="intervenant",
            date_debut=datetime.date(2026, 1, 10),
            date_fin=datetime.date(2026, 1, 1),
        )
    assert "date_fin" in error.value.message_dict
    assert not MembreEquipe.objects.exists()


def test_educator_cannot_change_the_care_team(world, educateur):
    usager = SejourFactory(unite=world.unite_a).usager
    with pytest.raises(ValidationError):
        services.membre_equipe_ajouter(
            acteur=educateur,
            usager=usager,
            utilisateur=educateur,
            role="referent",
            date_debut=datetime.date(2026, 1, 1),
        )


def test_objection_is_recorded_and_cannot_target_the_administrative_record(world, secretaire):
    usager = SejourFactory(unite=world.unite_a).usager
    services.opposition_enregistrer(
        acteur=secretaire,
        usager=usager,
        categorie=Categorie.PSYCHOLOGIQUE,
        profession=Profession.MEDECIN,
        exprimee_par="L'usager",
        date=datetime.date(2026, 2, 1),
    )
    with pytest.raises(ValidationError) as error:
        services.opposition_enregistrer(
            acteur=secretaire,
            usager=usager,
            categorie=Categorie.ADMINISTRATIF,
            profession=Profession.MEDECIN,
            exprimee_par="L'usager",
            date=datetime.date(2026, 2, 1),
        )
    assert "categorie" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.opposition_enregistrer(
            acteur=secretaire,
            usager=usager,
            categorie=Categorie.SOCIAL,
            exprimee_par="L'usager",
            date=datetime.date(2026, 2, 1),
        )
    assert Opposition.objects.count() == 1


def test_director_adjusts_the_matrix_and_it_is_audited(world, directeur, chef_service):
    services.regle_acces_definir(
        acteur=directeur,
        profession=Profession.AES,
        categorie=Categorie.SOCIAL,
        peut_lire=True,
        peut_ecrire=False,
    )
    assert RegleAcces.objects.get(profession=Profession.AES).organisme == world.organisme
    assert EvenementAudit.objects.filter(objet_type="securite.RegleAcces").exists()
    with pytest.raises(ValidationError):
        services.regle_acces_definir(
            acteur=chef_service,
            profession=Profession.AES,
            categorie=Categorie.SOCIAL,
            peut_lire=True,
            peut_ecrire=True,
        )


def test_an_objection_cannot_name_a_professional_of_another_organisme(
    world, secretaire, educateur_ailleurs
):
    usager = SejourFactory(unite=world.unite_a).usager
    with pytest.raises(ValidationError) as error:
        services.opposition_enregistrer(
            acteur=secretaire,
            usager=usager,
            categorie=Categorie.SOINS,
            utilisateur=educateur_ailleurs,
            exprimee_par="L'usager",
            date=datetime.date(2026, 2, 1),
        )
    assert "utilisateur" in error.value.message_dict
    assert not Opposition.objects.exists()


def test_a_doctor_who_may_write_the_record_still_cannot_change_the_care_team(world, medecin):
    """The care team opens the record: heads of service and directors decide it."""
    usager = SejourFactory(unite=world.unite_a).usager
    with pytest.raises(ValidationError):
        services.membre_equipe_ajouter(
            acteur=medecin,
            usager=usager,
            utilisateur=medecin,
            role="referent",
            date_debut=datetime.date(2026, 1, 1),
        )
    assert not MembreEquipe.objects.exists()
