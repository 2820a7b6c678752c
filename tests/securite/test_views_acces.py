"""Pages of the access policy: break the glass and "Qui a consulté ce dossier"."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from securite.audit import audit_record
from securite.models import AccesExceptionnel, AuditAction, EvenementAudit
from tests.factories import SejourFactory, UtilisateurFactory


@pytest.fixture
def resident(world):
    return SejourFactory(unite=world.unite_a).usager


def test_break_the_glass_form_refuses_a_short_reason_in_french(world, educateur, client_for):
    enfant = SejourFactory(unite=world.unite_ime).usager
    response = client_for(educateur).post(
        reverse("acces:bris-de-glace"),
        {"identifiant_local": enfant.identifiant_local, "motif": "urgent"},
    )
    assert response.status_code == 200
    assert "caractères au moins" in response.content.decode()
    assert not AccesExceptionnel.objects.exists()


def test_break_the_glass_form_opens_and_shows_a_banner(world, educateur, client_for):
    enfant = SejourFactory(unite=world.unite_ime).usager
    client = client_for(educateur)
    response = client.post(
        reverse("acces:bris-de-glace"),
        {"identifiant_local": enfant.identifiant_local, "motif": "Crise d'épilepsie en sortie"},
    )
    assert response.status_code == 302
    page = client.get(reverse("dui:accueil")).content.decode()
    assert f"Accès exceptionnel en cours au dossier n° {enfant.identifiant_local}" in page


@pytest.mark.parametrize("persona", ["chef_service", "directeur"])
def test_managers_see_who_opened_the_record(
    request, world, resident, educateur, client_for, persona
):
    audit_record(
        acteur=educateur, action=AuditAction.LECTURE, usager=resident, categorie="educatif"
    )
    manager = request.getfixturevalue(persona)
    response = client_for(manager).get(reverse("acces:consultations", args=[resident.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert str(educateur) in content
    assert "Consultation" in content
    # Reading the trail is itself traced.
    assert EvenementAudit.objects.filter(
        acteur=manager, objet_type="audit.consultations", action=AuditAction.LECTURE
    ).exists()


def test_data_protection_officer_sees_the_trail(world, resident, client_for):
    dpo = UtilisateurFactory(organisme=world.organisme, is_dpo=True, type_compte="technique")
    assert (
        client_for(dpo).get(reverse("acces:consultations", args=[resident.pk])).status_code == 200
    )


@pytest.mark.parametrize(
    "persona", ["educateur", "infirmier", "medecin", "educateur_ailleurs", "famille"]
)
def test_others_get_404_and_a_refusal_row(request, world, resident, client_for, persona):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(reverse("acces:consultations", args=[resident.pk]))
    assert response.status_code == 404
    assert EvenementAudit.objects.filter(acteur=user, action=AuditAction.REFUS).exists()


def test_trail_page_queries_do_not_grow_with_the_trail(
    world, resident, educateur, chef_service, client_for
):
    client = client_for(chef_service)
    counts = []
    for _ in range(2):
        for _ in range(30):
            audit_record(acteur=educateur, action=AuditAction.LECTURE, usager=resident)
        _break_the_glass(educateur, resident)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("acces:consultations", args=[resident.pk]))
        counts.append(len(queries))
    # One query more than the trail alone: the list of break-the-glass accesses.
    assert counts[0] == counts[1] <= 17


def _break_the_glass(educateur, usager, motif="Chute dans le couloir, la famille appelle"):
    import datetime

    from django.utils import timezone

    now = timezone.now()
    return AccesExceptionnel.objects.create(
        utilisateur=educateur,
        usager=usager,
        motif=motif,
        debut=now - datetime.timedelta(hours=1),
        fin=now + datetime.timedelta(hours=3),
    )


def test_trail_shows_each_break_the_glass_with_its_decrypted_reason_period_and_author(
    world, resident, educateur, chef_service, client_for
):
    from django.utils import timezone

    acces = _break_the_glass(educateur, resident)
    response = client_for(chef_service).get(reverse("acces:consultations", args=[resident.pk]))
    content = response.content.decode()
    assert "Chute dans le couloir, la famille appelle" in content
    assert str(educateur) in content
    assert f"du {timezone.localtime(acces.debut):%d/%m/%Y %H:%M}" in content
    assert "(en cours)" in content
    assert "Marquer comme revu" in content
    # The manager's own banner is not confused with the person's accesses.
    assert "Accès exceptionnel en cours au dossier" not in content


def test_trail_shows_french_labels_instead_of_codes(
    world, resident, educateur, chef_service, client_for
):
    from securite.models import MembreEquipe

    membre = MembreEquipe.objects.create(
        usager=resident, utilisateur=educateur, role="referent", date_debut="2026-01-01"
    )
    audit_record(
        acteur=educateur,
        action=AuditAction.CREATION,
        usager=resident,
        objet=membre,
        categorie="educatif",
        champs=("date_debut", "role"),
    )
    content = (
        client_for(chef_service)
        .get(reverse("acces:consultations", args=[resident.pk]))
        .content.decode()
    )
    assert "<td>Éducateur spécialisé</td>" in content
    assert "Éducatif et accompagnement : début, rôle" in content
    assert "<td>educateur</td>" not in content


def test_head_of_service_marks_a_break_the_glass_as_reviewed_and_it_is_audited(
    world, resident, educateur, chef_service, client_for
):
    acces = _break_the_glass(educateur, resident)
    client = client_for(chef_service)
    response = client.post(reverse("acces:acces-exceptionnel-revu", args=[resident.pk, acces.pk]))
    assert response.status_code == 302
    acces.refresh_from_db()
    assert acces.revu_par == chef_service
    assert acces.revu_le is not None
    assert EvenementAudit.objects.filter(
        acteur=chef_service,
        action=AuditAction.MODIFICATION,
        objet_type="securite.AccesExceptionnel",
        champs=["revu_le", "revu_par"],
    ).exists()
    content = client.get(reverse("acces:consultations", args=[resident.pk])).content.decode()
    assert f"Revu par {chef_service}" in content


def test_nobody_reviews_their_own_break_the_glass(world, resident, chef_service, client_for):
    acces = _break_the_glass(chef_service, resident)
    client_for(chef_service).post(
        reverse("acces:acces-exceptionnel-revu", args=[resident.pk, acces.pk])
    )
    acces.refresh_from_db()
    assert acces.revu_le is None


@pytest.mark.parametrize("persona", ["educateur", "medecin", "educateur_ailleurs"])
def test_others_cannot_mark_a_break_the_glass_as_reviewed(
    request, world, resident, educateur, client_for, persona
):
    acces = _break_the_glass(educateur, resident)
    user = request.getfixturevalue(persona)
    response = client_for(user).post(
        reverse("acces:acces-exceptionnel-revu", args=[resident.pk, acces.pk])
    )
    assert response.status_code == 404
    acces.refresh_from_db()
    assert acces.revu_le is None
    assert EvenementAudit.objects.filter(acteur=user, action=AuditAction.REFUS).exists()
