"""DMP transport (interop.targets.dmp) against the local XDS.b repository: ITI-41 over
SOAP 1.2 + MTOM with mutual TLS and a signed VIHF; every payload passes the validation kit."""

import os
import shutil
import socket
import time

import pytest

from interop import services
from interop.models import Cible, Envoi, ResultatTentative, StatutEnvoi
from interop.targets.base import Emetteur, TransportError
from interop.targets.dmp import transport, vihf
from interop.targets.dmp.metadata import metadonnees_depuis_cda
from tests.interop.peers.documents import INS_EXEMPLE, cda_n1, nouvel_identifiant
from tests.interop.peers.fixtures import *  # noqa: F403
from tests.interop.peers.fixtures import creer_envoi
from tests.interop.peers.validation import valider_cli


def test_document_reaches_the_dmp_once_with_valid_payloads(
    infirmier, usager_qualifie, publications, depot, dmp_configure
):
    envoi = creer_envoi(infirmier, usager_qualifie)
    assert services.envoi_executer(envoi.pk, task_id="t-1", worker="w@h") == "livré"
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.ACKNOWLEDGED
    tentative = envoi.tentatives.get()
    assert tentative.resultat == ResultatTentative.SUCCES
    assert (tentative.task_id, tentative.worker) == ("t-1", "w@h")
    assert tentative.duree_ms is not None
    reception = depot.registre.acceptes[envoi.document_uid]
    assert reception.lot_uid == envoi.lot_uid
    # The kit's command line itself, on what the repository received.
    assert valider_cli("xds", [reception.enveloppe]).ok
    assert valider_cli("cda", [reception.document]).ok


def test_resend_after_a_lost_answer_is_recorded_as_delivered_not_duplicated(
    infirmier, usager_qualifie, publications, depot, dmp_configure
):
    envoi = creer_envoi(infirmier, usager_qualifie)
    services.envoi_executer(envoi.pk)
    # The worker died after the DMP registered the document: the row is back to sending.
    Envoi.objects.filter(pk=envoi.pk).update(statut=StatutEnvoi.PENDING)
    services.envoi_executer(envoi.pk)
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.ACKNOWLEDGED
    assert [t.resultat for t in envoi.tentatives.all()] == [
        ResultatTentative.SUCCES,
        ResultatTentative.DEJA_RECU,
    ]
    assert depot.copies(envoi.document_uid) == 1
    assert depot.registre.doublons[envoi.document_uid] == 1


def test_new_version_replaces_the_previous_one(
    infirmier, usager_qualifie, publications, depot, dmp_configure
):
    set_id = nouvel_identifiant()
    v1 = creer_envoi(infirmier, usager_qualifie, set_id=set_id)
    services.envoi_executer(v1.pk)
    v2 = creer_envoi(
        infirmier, usager_qualifie, set_id=set_id, version=2, parent_uid=v1.document_uid
    )
    services.envoi_executer(v2.pk)
    v2.refresh_from_db()
    assert v2.statut == StatutEnvoi.ACKNOWLEDGED
    assert depot.registre.acceptes[v2.document_uid].remplace == f"urn:uuid:{v1.entry_uuid}"
    assert depot.copies(v1.document_uid) == depot.copies(v2.document_uid) == 1


def test_version_replaced_before_leaving_is_cancelled_and_the_new_one_goes_alone(
    infirmier, usager_qualifie, publications, depot, dmp_configure
):
    set_id = nouvel_identifiant()
    v1 = creer_envoi(infirmier, usager_qualifie, set_id=set_id)
    v2 = creer_envoi(infirmier, usager_qualifie, set_id=set_id, version=2)
    v1.refresh_from_db()
    assert v1.statut == StatutEnvoi.CANCELLED
    services.envoi_executer(v1.pk)
    services.envoi_executer(v2.pk)
    assert depot.copies(v1.document_uid) == 0
    assert depot.copies(v2.document_uid) == 1
    assert depot.registre.acceptes[v2.document_uid].remplace == ""


def test_masking_options_travel_as_dmp_confidentiality_codes(
    infirmier, usager_qualifie, publications, depot, dmp_configure
):
    envoi = creer_envoi(
        infirmier,
        usager_qualifie,
        masque_professionnels=True,
        invisible_patient=True,
        invisible_representants=True,
    )
    services.envoi_executer(envoi.pk)
    assert set(depot.registre.acceptes[envoi.document_uid].masquage) == {
        "MASQUE_PS",
        "INVISIBLE_PATIENT",
        "INVISIBLE_REPRESENTANTS_LEGAUX",
    }


@pytest.mark.parametrize("mode", ["echec", "occupe", "coupure"])
def test_transient_failure_is_retried_later(
    infirmier, usager_qualifie, publications, depot, dmp_configure, mode
):
    depot.mode = mode
    envoi = creer_envoi(infirmier, usager_qualifie)
    services.envoi_executer(envoi.pk)
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.FAILED
    assert envoi.prochain_essai is not None
    assert envoi.tentatives.get().resultat == ResultatTentative.ECHEC_TEMPORAIRE
    depot.mode = "ok"
    Envoi.objects.filter(pk=envoi.pk).update(prochain_essai=None)
    services.envoi_executer(envoi.pk)
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.ACKNOWLEDGED
    assert depot.copies(envoi.document_uid) == 1


def test_timeout_then_retry_counts_one_copy(
    infirmier, usager_qualifie, publications, depot, dmp_configure, settings
):
    settings.DMP_TIMEOUT = 0.5
    depot.mode, depot.delai = "lent", 1.5
    envoi = creer_envoi(infirmier, usager_qualifie)
    services.envoi_executer(envoi.pk)
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.FAILED
    assert envoi.tentatives.get().code_reponse == "timeout"
    depot.mode = "ok"
    # The retry must not time out on a busy machine (the peer runs the validation kit).
    settings.DMP_TIMEOUT = 30
    Envoi.objects.filter(pk=envoi.pk).update(prochain_essai=None)
    services.envoi_executer(envoi.pk)
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.ACKNOWLEDGED
    assert depot.copies(envoi.document_uid) == 1


def test_refusal_goes_dead_at_once_with_the_remote_message(
    infirmier, usager_qualifie, publications, depot, dmp_configure
):
    depot.mode = "refus"
    envoi = creer_envoi(infirmier, usager_qualifie)
    services.envoi_executer(envoi.pk)
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.DEAD
    assert "XDSUnknownPatientId" in envoi.derniere_erreur
    assert envoi.tentatives.get().resultat == ResultatTentative.ECHEC_DEFINITIF


def test_untrusted_server_certificate_is_a_configuration_error(
    infirmier, usager_qualifie, publications, depot, dmp_configure, settings, pki
):
    settings.DMP_CA_FILE = pki.etranger.cert  # not the CA of the repository's certificate
    envoi = creer_envoi(infirmier, usager_qualifie)
    services.envoi_executer(envoi.pk)
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.DEAD
    assert "certificat" in envoi.derniere_erreur


def test_missing_configuration_is_dead_not_retried(
    infirmier, usager_qualifie, publications, settings
):
    settings.DMP_ENDPOINT = ""
    envoi = creer_envoi(infirmier, usager_qualifie)
    services.envoi_executer(envoi.pk)
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.DEAD
    assert "DMP_ENDPOINT" in envoi.derniere_erreur


def test_metadata_come_from_the_cda_header():
    document, uid = cda_n1(set_id=nouvel_identifiant(), version=3, parent_uid="2.25.7")
    meta = metadonnees_depuis_cda(document)
    assert meta.unique_id == uid
    assert meta.patient_id == f"{INS_EXEMPLE}^^^&1.2.250.1.213.1.4.10&ISO^NH"
    assert meta.type_code.code == "11502-2"
    assert meta.format.code == "urn:ihe:iti:xds-sd:pdf:2008"
    assert meta.etablissement_type.code == "SA07"
    assert meta.cadre_exercice.code == "AMBULATOIRE"
    assert meta.creation == "20210401124745"  # 13:47:45+01:00 in UTC
    assert meta.service_debut == "20210104124700"
    assert meta.auteurs[0].person.startswith("801234534765^CAMPARINI^Marcel")
    assert meta.auteurs[0].institution.endswith("^IDNST^^^1120459876")
    assert meta.parent_id == "2.25.7"
    assert meta.version == "3"


def test_header_without_ins_is_refused_before_sending():
    import datetime as dt

    from interop.targets.base import Emetteur, Livraison
    from interop.targets.dmp.client import lot

    document, _ = cda_n1(set_id=nouvel_identifiant())
    document = document.replace(b'root="1.2.250.1.213.1.4.10"', b'root="1.2.3.4"')
    livraison = Livraison(
        1,
        1,
        document,
        "t",
        "2.25.1",
        "urn:uuid:1",
        Emetteur("1", "A", "B", "r", "1", "s"),
        dt.datetime.now(dt.UTC),
    )
    with pytest.raises(TransportError) as error:
        lot(livraison)
    assert error.value.permanent
    assert "INS" in error.value.message


def test_document_with_another_ins_than_the_record_is_blocked(
    infirmier, usager_qualifie, publications, depot, dmp_configure
):
    set_id = nouvel_identifiant()
    document, uid = cda_n1(set_id=set_id)
    document = document.replace(INS_EXEMPLE.encode(), b"180012B01234521")
    envoi = services.envoi_creer(
        acteur=infirmier,
        usager=usager_qualifie,
        document_bytes=document,
        document_id=set_id,
        document_uid=uid,
        version=1,
        target=Cible.DMP,
    )
    services.envoi_executer(envoi.pk)
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.DEAD
    assert "ne correspond pas" in envoi.derniere_erreur


def test_consecutive_sends_of_a_worker_share_one_tls_connection(
    infirmier, usager_qualifie, publications, depot, dmp_configure
):
    """A worker keeps its connection to the DMP alive: one TLS handshake for many sends."""
    for connection in transport._connections.values():
        connection.close()
    transport._connections.clear()
    avant = depot.registre.connexions
    envois = [creer_envoi(infirmier, usager_qualifie) for _ in range(3)]
    for envoi in envois:
        assert services.envoi_executer(envoi.pk) == "livré"
    assert depot.registre.connexions - avant == 1
    assert all(depot.copies(envoi.document_uid) == 1 for envoi in envois)


def test_connection_closed_by_the_dmp_is_reopened_for_the_next_send(
    infirmier, usager_qualifie, publications, depot, dmp_configure
):
    """A kept-alive connection the server dropped (idle timeout) costs a reconnection, not a
    failed attempt."""
    premier = creer_envoi(infirmier, usager_qualifie)
    assert services.envoi_executer(premier.pk) == "livré"
    for connection in transport._connections.values():
        # What the client sees when the server closed an idle connection.
        connection.sock.shutdown(socket.SHUT_RDWR)
    second = creer_envoi(infirmier, usager_qualifie)
    assert services.envoi_executer(second.pk) == "livré"
    assert second.tentatives.get().resultat == ResultatTentative.SUCCES


def _certificat_du_vihf(configuration: vihf.Configuration, emetteur: Emetteur) -> str:
    assertion = vihf.assertion_signee(configuration, emetteur, f"{INS_EXEMPLE}^^^&1.2&ISO^NH")
    return assertion.findtext(f".//{{{vihf.NS_DS}}}X509Certificate") or ""


def test_renewed_signing_certificate_is_used_without_restart(pki, tmp_path):
    """The VIHF signing key is loaded once per process, and loaded again when its file
    changes (the modification time is part of the cache key)."""
    cert, key = tmp_path / "cachet.pem", tmp_path / "cachet.key"
    shutil.copyfile(pki.client.cert, cert)
    shutil.copyfile(pki.client.key, key)
    configuration = vihf.Configuration(str(cert), str(key), "SA17^1.2", "", "DUI", "1", "")
    emetteur = Emetteur("8001", "NOM", "Prénom", "60^1.2", "1750000028", "EHPAD")
    ancien = _certificat_du_vihf(configuration, emetteur)
    assert _certificat_du_vihf(configuration, emetteur) == ancien

    shutil.copyfile(pki.etranger.cert, cert)
    shutil.copyfile(pki.etranger.key, key)
    later = time.time() + 10
    os.utime(cert, (later, later))
    os.utime(key, (later, later))
    nouveau = _certificat_du_vihf(configuration, emetteur)
    assert nouveau and nouveau != ancien


def test_renewed_tls_certificate_gives_a_new_client_context(pki, tmp_path):
    """The TLS client context is built once per certificate file, and built again when the
    file changes."""
    cert, key = tmp_path / "client.pem", tmp_path / "client.key"
    shutil.copyfile(pki.client.cert, cert)
    shutil.copyfile(pki.client.key, key)
    premier = transport.ssl_context(str(cert), str(key), pki.ca)
    assert transport.ssl_context(str(cert), str(key), pki.ca) is premier
    later = time.time() + 10
    os.utime(cert, (later, later))
    assert transport.ssl_context(str(cert), str(key), pki.ca) is not premier
