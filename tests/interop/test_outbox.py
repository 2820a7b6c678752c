"""The outbox: a delivery is written with its business event, queued when it commits, swept
again after a failure, and delivered at most once (interop.services, interop.selectors)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from interop import selectors, services
from interop.models import (
    Cible,
    Envoi,
    OppositionEnvoi,
    ResultatTentative,
    StatutEnvoi,
    TentativeEnvoi,
)
from securite.models import AuditAction, EvenementAudit
from tests.interop.peers.documents import cda_n1, nouvel_identifiant
from tests.interop.peers.fixtures import *  # noqa: F403
from tests.interop.peers.fixtures import creer_envoi
from usagers.models import StatutIdentite


def test_delivery_is_written_in_the_business_transaction_and_queued_on_commit(
    infirmier, usager_qualifie, publications, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        envoi = creer_envoi(infirmier, usager_qualifie)
        assert publications == []  # nothing leaves before the commit
    assert publications == [envoi.pk]
    assert envoi.statut == StatutEnvoi.PENDING
    assert envoi.etablissement == usager_qualifie.sejours.get().etablissement
    assert EvenementAudit.objects.filter(
        action=AuditAction.EXPORT, objet_id=str(envoi.pk), acteur=infirmier
    ).exists()


def test_rolled_back_business_event_leaves_no_delivery(infirmier, usager_qualifie, publications):
    with pytest.raises(RuntimeError), transaction.atomic():
        creer_envoi(infirmier, usager_qualifie)
        raise RuntimeError("validation du projet annulée")
    assert not Envoi.objects.exists()
    assert publications == []


def test_same_version_twice_returns_the_same_delivery(infirmier, usager_qualifie, publications):
    set_id = nouvel_identifiant()
    first = creer_envoi(infirmier, usager_qualifie, set_id=set_id)
    again = creer_envoi(infirmier, usager_qualifie, set_id=set_id)
    assert again.pk == first.pk
    assert Envoi.objects.count() == 1


def test_same_version_with_other_content_is_refused(infirmier, usager_qualifie, publications):
    set_id = nouvel_identifiant()
    creer_envoi(infirmier, usager_qualifie, set_id=set_id)
    other, _ = cda_n1(set_id=set_id, version=1, parent_uid="2.25.1")
    with pytest.raises(ValidationError):
        services.envoi_creer(
            acteur=infirmier,
            usager=usager_qualifie,
            document_bytes=other,
            document_id=set_id,
            version=1,
            target=Cible.DMP,
        )


def test_unknown_target_is_refused(infirmier, usager_qualifie, publications):
    with pytest.raises(ValidationError):
        creer_envoi(infirmier, usager_qualifie, target="fax")


def test_mss_delivery_needs_a_recipient(infirmier, usager_qualifie, publications):
    with pytest.raises(ValidationError) as refus:
        creer_envoi(infirmier, usager_qualifie, target=Cible.MSS)
    assert "destinataire" in refus.value.message_dict
    assert not Envoi.objects.exists()


def test_dmp_delivery_has_no_recipient(infirmier, usager_qualifie, publications):
    set_id = nouvel_identifiant()
    document, _ = cda_n1(set_id=set_id)
    with pytest.raises(ValidationError) as refus:
        services.envoi_creer(
            acteur=infirmier,
            usager=usager_qualifie,
            document_bytes=document,
            document_id=set_id,
            version=1,
            target=Cible.DMP,
            destinataire="someone@example.mssante.fr",
        )
    assert "destinataire" in refus.value.message_dict
    assert not Envoi.objects.exists()


def test_broker_down_leaves_the_row_for_the_sweeper(
    infirmier, usager_qualifie, monkeypatch, django_capture_on_commit_callbacks
):
    from interop import tasks

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("redis down")

    monkeypatch.setattr(tasks.envoi_executer, "apply_async", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        envoi = creer_envoi(infirmier, usager_qualifie)
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.PENDING
    assert envoi.mis_en_file_le is None


def test_sweeper_queues_what_is_due_and_only_that(infirmier, usager_qualifie, publications):
    now = timezone.now()
    jamais = creer_envoi(infirmier, usager_qualifie)
    Envoi.objects.filter(pk=jamais.pk).update(mis_en_file_le=None)
    recent = creer_envoi(infirmier, usager_qualifie)
    perdu = creer_envoi(infirmier, usager_qualifie)
    Envoi.objects.filter(pk=perdu.pk).update(mis_en_file_le=now - dt.timedelta(hours=1))
    du = creer_envoi(infirmier, usager_qualifie)
    Envoi.objects.filter(pk=du.pk).update(
        statut=StatutEnvoi.FAILED,
        prochain_essai=now - dt.timedelta(seconds=1),
        mis_en_file_le=now - dt.timedelta(seconds=30),
    )
    pas_du = creer_envoi(infirmier, usager_qualifie)
    Envoi.objects.filter(pk=pas_du.pk).update(
        statut=StatutEnvoi.FAILED, prochain_essai=now + dt.timedelta(minutes=5)
    )
    bail_expire = creer_envoi(infirmier, usager_qualifie)
    Envoi.objects.filter(pk=bail_expire.pk).update(
        statut=StatutEnvoi.SENDING,
        bail_expire_le=now - dt.timedelta(seconds=1),
        mis_en_file_le=now - dt.timedelta(seconds=90),
    )
    bail_en_cours = creer_envoi(infirmier, usager_qualifie)
    Envoi.objects.filter(pk=bail_en_cours.pk).update(
        statut=StatutEnvoi.SENDING, bail_expire_le=now + dt.timedelta(minutes=1)
    )
    publications.clear()
    assert services.envois_relancer() == 4
    assert sorted(publications) == sorted([jamais.pk, perdu.pk, du.pk, bail_expire.pk])
    assert recent.pk not in publications
    publications.clear()
    # Queued once: the next sweep leaves them alone until the requeue delay.
    assert services.envois_relancer() == 0


def test_delivered_row_is_not_sent_again(
    infirmier, usager_qualifie, publications, depot, dmp_configure
):
    envoi = creer_envoi(infirmier, usager_qualifie)
    Envoi.objects.filter(pk=envoi.pk).update(statut=StatutEnvoi.ACKNOWLEDGED)
    requetes = depot.registre.requetes
    assert services.envoi_executer(envoi.pk).startswith("déjà")
    assert depot.registre.requetes == requetes
    assert not TentativeEnvoi.objects.filter(envoi=envoi).exists()


def test_row_held_by_a_live_worker_is_left_alone(
    infirmier, usager_qualifie, publications, depot, dmp_configure
):
    envoi = creer_envoi(infirmier, usager_qualifie)
    Envoi.objects.filter(pk=envoi.pk).update(
        statut=StatutEnvoi.SENDING, bail_expire_le=timezone.now() + dt.timedelta(minutes=1)
    )
    requetes = depot.registre.requetes
    assert services.envoi_executer(envoi.pk) == "en cours d'envoi par un autre worker"
    assert depot.registre.requetes == requetes


def test_retry_not_due_yet_is_left_alone(
    infirmier, usager_qualifie, publications, depot, dmp_configure
):
    envoi = creer_envoi(infirmier, usager_qualifie)
    Envoi.objects.filter(pk=envoi.pk).update(
        statut=StatutEnvoi.FAILED, prochain_essai=timezone.now() + dt.timedelta(minutes=1)
    )
    assert services.envoi_executer(envoi.pk) == "nouvel essai pas encore dû"


def test_unqualified_identity_blocks_the_dmp_before_any_call(
    infirmier, usager_qualifie, publications, depot, dmp_configure
):
    usager_qualifie.statut_identite = StatutIdentite.VALIDEE
    usager_qualifie.save(update_fields=["statut_identite"])
    envoi = creer_envoi(infirmier, usager_qualifie)
    requetes = depot.registre.requetes
    services.envoi_executer(envoi.pk)
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.DEAD
    assert "INS" in envoi.derniere_erreur
    assert envoi.tentatives.get().resultat == ResultatTentative.REGLE
    assert depot.registre.requetes == requetes


def test_objection_of_the_person_blocks_the_delivery(
    infirmier, usager_qualifie, publications, depot, dmp_configure
):
    OppositionEnvoi.objects.create(
        usager=usager_qualifie, cible=Cible.DMP, exprimee_par="La personne", date=dt.date.today()
    )
    envoi = creer_envoi(infirmier, usager_qualifie)
    services.envoi_executer(envoi.pk)
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.DEAD
    assert "opposée" in envoi.derniere_erreur


def test_author_without_access_blocks_the_delivery(
    infirmier, educateur_ime, usager_qualifie, publications, depot, dmp_configure
):
    envoi = creer_envoi(educateur_ime, usager_qualifie)
    services.envoi_executer(envoi.pk)
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.DEAD
    assert "accès" in envoi.derniere_erreur


def test_backoff_grows_with_jitter_and_is_capped(settings):
    settings.INTEROP_RETRY_BASE_SECONDS = 10
    settings.INTEROP_RETRY_MAX_SECONDS = 300
    for numero, (low, high) in {1: (5, 10), 2: (10, 20), 3: (20, 40), 10: (150, 300)}.items():
        delays = {services.delai_avant_essai(numero) for _ in range(50)}
        assert all(low <= d <= high for d in delays)
        assert len(delays) > 1  # jitter


def test_too_many_transient_failures_end_dead(
    infirmier, usager_qualifie, publications, depot, dmp_configure, settings
):
    settings.INTEROP_MAX_ATTEMPTS = 2
    settings.INTEROP_RETRY_BASE_SECONDS = 0
    depot.mode = "occupe"
    envoi = creer_envoi(infirmier, usager_qualifie)
    services.envoi_executer(envoi.pk)
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.FAILED
    services.envoi_executer(envoi.pk)
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.DEAD
    assert envoi.derniere_erreur.startswith("Abandon après 2 tentatives")


def test_administrator_retries_a_dead_delivery_audited(
    admin_technique,
    infirmier,
    usager_qualifie,
    publications,
    depot,
    dmp_configure,
    django_capture_on_commit_callbacks,
):
    depot.mode = "refus"
    envoi = creer_envoi(infirmier, usager_qualifie)
    services.envoi_executer(envoi.pk)
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.DEAD
    publications.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.envoi_relancer(envoi=envoi, acteur=admin_technique)
    assert publications == [envoi.pk]
    depot.mode = "ok"
    services.envoi_executer(envoi.pk)
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.ACKNOWLEDGED
    assert [t.numero for t in envoi.tentatives.all()] == [1, 2]
    assert EvenementAudit.objects.filter(
        action=AuditAction.ADMINISTRATION, objet_id=str(envoi.pk), acteur=admin_technique
    ).exists()


def test_delivered_row_cannot_be_retried_nor_cancelled(
    admin_technique, infirmier, usager_qualifie, publications
):
    envoi = creer_envoi(infirmier, usager_qualifie)
    Envoi.objects.filter(pk=envoi.pk).update(statut=StatutEnvoi.ACKNOWLEDGED)
    with pytest.raises(ValidationError):
        services.envoi_relancer(envoi=envoi, acteur=admin_technique)
    with pytest.raises(ValidationError):
        services.envoi_annuler(envoi=envoi, acteur=admin_technique, motif="erreur")


def test_administrator_cancels_with_a_reason_audited(
    admin_technique, infirmier, usager_qualifie, publications
):
    envoi = creer_envoi(infirmier, usager_qualifie)
    with pytest.raises(ValidationError):
        services.envoi_annuler(envoi=envoi, acteur=admin_technique, motif=" ")
    services.envoi_annuler(envoi=envoi, acteur=admin_technique, motif="mauvais destinataire")
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.CANCELLED
    assert services.envoi_executer(envoi.pk).startswith("déjà")
    assert EvenementAudit.objects.filter(
        action=AuditAction.ADMINISTRATION, objet_id=str(envoi.pk)
    ).exists()


def test_queue_counts(infirmier, usager_qualifie, publications):
    a = creer_envoi(infirmier, usager_qualifie)
    b = creer_envoi(infirmier, usager_qualifie)
    c = creer_envoi(infirmier, usager_qualifie)
    Envoi.objects.filter(pk=b.pk).update(statut=StatutEnvoi.FAILED)
    Envoi.objects.filter(pk=c.pk).update(statut=StatutEnvoi.DEAD)
    etat = selectors.file_etat(Envoi.objects.all())
    assert (etat.en_attente, etat.en_cours, etat.en_echec, etat.bloques) == (1, 0, 1, 1)
    assert etat.plus_ancien == a.cree_le


def test_queue_management_is_for_administrators_and_directors(
    admin_technique, directeur, infirmier, chef_service
):
    assert selectors.file_can_manage(admin_technique)
    assert selectors.file_can_manage(directeur)
    assert not selectors.file_can_manage(infirmier)
    assert not selectors.file_can_manage(chef_service)


def _stocke(envoi_id: int) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT contenu FROM interop_envoi WHERE id = %s", [envoi_id])
        return cursor.fetchone()[0]


def test_the_document_is_kept_sealed_as_its_exact_bytes(infirmier, usager_qualifie, publications):
    """The exact bytes confided come back (not a text of them), sealed at rest under the
    active key, and a key rotation keeps them."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test import override_settings

    from securite.crypto import key_id

    # Any bytes, not only UTF-8: a document is not a text.
    document = b"\xff\xfe\x00PDF" + bytes(range(256)) * 40
    with override_settings(DUI_ENCRYPTION_ACTIVE_KEY="t1"):
        envoi = services.envoi_creer(
            acteur=infirmier,
            usager=usager_qualifie,
            document_bytes=document,
            document_id="2.25.77",
            version=1,
            target=Cible.DMP,
        )
    assert Envoi.objects.get(pk=envoi.pk).contenu == document
    stocke = _stocke(envoi.pk)
    assert key_id(stocke) == "t1"
    assert b"PDF" not in stocke.encode() and len(stocke) < len(document) * 4 / 3 + 100
    call_command("rotate_keys")
    assert key_id(_stocke(envoi.pk)) == "t2"
    with override_settings(DUI_ENCRYPTION_KEYS=settings.DUI_ENCRYPTION_KEYS.split(",")[1]):
        assert Envoi.objects.get(pk=envoi.pk).contenu == document


def test_the_migration_turns_sealed_base64_into_sealed_bytes(
    infirmier, usager_qualifie, publications
):
    """Rows written before interop 0002 (a sealed base 64 text of the document) read as the
    same document after it, and back again if it is reversed."""
    import base64
    import importlib

    from django.db import connection

    from securite.crypto import decrypt_bytes, encrypt_bytes

    migration = importlib.import_module("interop.migrations.0002_contenu_octets")
    envoi = creer_envoi(infirmier, usager_qualifie)
    document = Envoi.objects.get(pk=envoi.pk).contenu
    ancien = encrypt_bytes(base64.b64encode(document), context="interop_envoi.contenu")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE interop_envoi SET contenu = %s WHERE id = %s", [ancien, envoi.pk])

    class Editeur:
        pass

    editeur = Editeur()
    editeur.connection = connection
    migration.vers_octets(None, editeur)
    assert Envoi.objects.get(pk=envoi.pk).contenu == document
    migration.vers_base64(None, editeur)
    assert decrypt_bytes(_stocke(envoi.pk), context="interop_envoi.contenu") == (
        base64.b64encode(document)
    )
