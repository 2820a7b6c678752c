"""Pages of the outbox (interop.views): a person's shared documents, the delivery queue."""

from django.urls import reverse

from interop import services
from interop.models import Envoi, StatutEnvoi
from securite.models import AuditAction, EvenementAudit
from tests.interop.peers.fixtures import *  # noqa: F403
from tests.interop.peers.fixtures import creer_envoi


def test_shared_documents_show_each_delivery_and_its_history(
    client_for, chef_service, infirmier, usager_qualifie, publications
):
    envoi = creer_envoi(infirmier, usager_qualifie)
    Envoi.objects.filter(pk=envoi.pk).update(
        statut=StatutEnvoi.DEAD, derniere_erreur="Patient inconnu"
    )
    response = client_for(chef_service).get(reverse("envois:usager", args=[usager_qualifie.pk]))
    assert response.status_code == 200
    assert "Projet personnalisé" in response.content.decode()
    assert "Patient inconnu" in response.content.decode()


def test_shared_documents_of_someone_out_of_scope_is_404(
    client_for, educateur_ime, usager_qualifie
):
    response = client_for(educateur_ime).get(reverse("envois:usager", args=[usager_qualifie.pk]))
    assert response.status_code == 404


def test_queue_is_404_for_care_staff(client_for, infirmier):
    assert client_for(infirmier).get(reverse("envois:file")).status_code == 404


def test_queue_shows_counts_and_lets_an_administrator_retry_and_cancel(
    client_for, admin_technique, infirmier, usager_qualifie, publications
):
    dead = creer_envoi(infirmier, usager_qualifie)
    Envoi.objects.filter(pk=dead.pk).update(statut=StatutEnvoi.DEAD, derniere_erreur="Refus")
    pending = creer_envoi(infirmier, usager_qualifie)
    client = client_for(admin_technique)
    page = client.get(reverse("envois:file"))
    assert page.status_code == 200
    assert page.context["etat"].bloques == 1
    assert page.context["etat"].en_attente == 1
    client.post(reverse("envois:relancer", args=[dead.pk]))
    dead.refresh_from_db()
    assert dead.statut == StatutEnvoi.PENDING
    client.post(reverse("envois:annuler", args=[pending.pk]), {"motif": "doublon de saisie"})
    pending.refresh_from_db()
    assert pending.statut == StatutEnvoi.CANCELLED
    assert (
        EvenementAudit.objects.filter(
            action=AuditAction.ADMINISTRATION, acteur=admin_technique
        ).count()
        == 2
    )


def test_queue_actions_on_another_organisme_are_404(
    client_for, admin_technique, educateur_ailleurs, world, publications
):
    from tests.factories import SejourFactory, UniteFactory

    unite = UniteFactory(etablissement=world.autre_etablissement)
    usager = SejourFactory(unite=unite).usager
    envoi = Envoi.objects.create(
        usager=usager,
        etablissement=world.autre_etablissement,
        cible="dmp",
        document_id="2.25.1",
        version=1,
        document_uid="2.25.1.1",
        titre="t",
        contenu=b"",
        empreinte="0" * 64,
        taille=0,
        categorie="educatif",
        lot_uid="2.25.99",
        entry_uuid="11111111-1111-4111-8111-111111111111",
        statut=StatutEnvoi.DEAD,
        cree_par=educateur_ailleurs,
        cree_le=usager.created_at,
    )
    response = client_for(admin_technique).post(reverse("envois:relancer", args=[envoi.pk]))
    assert response.status_code == 404
    assert services  # the service is reached only through the queue's scope
