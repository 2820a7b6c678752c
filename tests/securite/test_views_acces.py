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
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("acces:consultations", args=[resident.pk]))
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 16
