"""MSSanté transport (interop.targets.mss) against the local SMTP server (STARTTLS, client
certificate, `validate xdm`) and IMAP server (application mailbox)."""

from email import policy
from email.parser import BytesParser

import pytest

from interop import services
from interop.documents.models import DocumentRecu
from interop.models import Cible, ResultatTentative, StatutEnvoi
from interop.targets.base import Emetteur, Livraison
from interop.targets.mss.client import message
from tests.interop.peers.documents import cda_n1, nouvel_identifiant
from tests.interop.peers.fixtures import *  # noqa: F403
from tests.interop.peers.fixtures import MSS_DESTINATAIRE, MSS_EXPEDITEUR, creer_envoi
from tests.interop.peers.validation import valider_cli


def _mss(acteur, usager, **kwargs):
    return creer_envoi(acteur, usager, target=Cible.MSS, destinataire=MSS_DESTINATAIRE, **kwargs)


def test_document_is_mailed_once_with_a_valid_xdm(
    infirmier, usager_qualifie, publications, smtp, mss_configure
):
    envoi = _mss(infirmier, usager_qualifie)
    assert services.envoi_executer(envoi.pk) == "livré"
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.SENT
    assert smtp.boite.copies[envoi.document_uid] == 1
    courriel = next(c for c in smtp.boite.messages.values() if envoi.document_uid in c.unique_ids)
    assert courriel.destinataires == (MSS_DESTINATAIRE,)
    assert courriel.entetes["X-MSS-Lot"] == envoi.lot_uid
    assert courriel.entetes["X-MSS-Type-Document"] == "11502-2"
    assert valider_cli("xdm", [courriel.zip_path]).ok


@pytest.mark.parametrize(
    ("mode", "statut"), [("echec", StatutEnvoi.FAILED), ("refus", StatutEnvoi.DEAD)]
)
def test_smtp_4xx_is_retried_and_5xx_is_dead(
    infirmier, usager_qualifie, publications, smtp, mss_configure, mode, statut
):
    smtp.mode = mode
    envoi = _mss(infirmier, usager_qualifie)
    services.envoi_executer(envoi.pk)
    envoi.refresh_from_db()
    assert envoi.statut == statut
    assert smtp.boite.copies[envoi.document_uid] == 0


def test_dropped_connection_is_retried(
    infirmier, usager_qualifie, publications, smtp, mss_configure
):
    smtp.mode = "coupure"
    envoi = _mss(infirmier, usager_qualifie)
    services.envoi_executer(envoi.pk)
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.FAILED
    assert envoi.tentatives.get().resultat == ResultatTentative.ECHEC_TEMPORAIRE


def test_message_id_is_stable_across_attempts(settings):
    settings.MSS_EXPEDITEUR = MSS_EXPEDITEUR
    document, _ = cda_n1(set_id=nouvel_identifiant())
    import datetime as dt

    emetteur = Emetteur("810001234567", "MARTIN", "Camille", "60^x", "1750000028", "EHPAD")
    first = Livraison(
        1,
        1,
        document,
        "Projet",
        "2.25.9",
        "urn:uuid:a",
        emetteur,
        dt.datetime.now(dt.UTC),
        MSS_DESTINATAIRE,
    )
    second = Livraison(
        1,
        2,
        document,
        "Projet",
        "2.25.9",
        "urn:uuid:a",
        emetteur,
        dt.datetime.now(dt.UTC),
        MSS_DESTINATAIRE,
    )
    assert message(first)["Message-ID"] == message(second)["Message-ID"]


def test_application_mailbox_documents_go_to_the_received_flow(
    settings, pki, imap, usager_qualifie, infirmier, mss_configure
):
    document, uid = cda_n1(set_id=nouvel_identifiant())
    import datetime as dt

    emetteur = Emetteur("810001234567", "MARTIN", "Camille", "60^x", "1750000028", "Hôpital")
    livraison = Livraison(
        1,
        1,
        document,
        "Compte rendu",
        "2.25.10",
        "urn:uuid:b",
        emetteur,
        dt.datetime.now(dt.UTC),
        MSS_EXPEDITEUR,
    )
    imap.deposer(message(livraison).as_bytes(policy=policy.SMTP))
    settings.MSS_IMAP_HOST = "127.0.0.1"
    settings.MSS_IMAP_PORT = imap.port
    settings.MSS_IMAP_USER = "bal-dui"
    settings.MSS_IMAP_PASSWORD = "secret-imap"
    settings.MSS_IMAP_ORGANISME = str(usager_qualifie.organisme_id)
    assert services.mss_boite_relever() == 1
    # Handed to the received-documents flow: the traits of the ANS example differ from the
    # record's, so identitovigilance puts it in the review queue rather than the record.
    recu = DocumentRecu.objects.get()
    assert recu.usager is None
    assert recu.identifiant.startswith(uid.split("^")[0])
    # Read once: the message is now flagged \Seen.
    assert services.mss_boite_relever() == 0
    raw = imap.messages[0].raw
    assert BytesParser(policy=policy.default).parsebytes(raw)["X-MSS-Lot"] == "2.25.10"
