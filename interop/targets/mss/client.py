"""Send one document by MSSanté (an e-mail with the IHE_XDM.ZIP), and read the application
mailbox. Configuration is read from settings at call time."""

from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime

from django.conf import settings

from ..base import Accuse, Livraison, TransportError
from ..dmp.client import lot
from . import transport
from .xdm import DOCUMENT_NAME, documents_cda, xdm_zip


def _point() -> transport.Smtp:
    if not settings.MSS_SMTP_HOST or not settings.MSS_EXPEDITEUR:
        raise TransportError(
            "MSSanté non configurée (MSS_SMTP_HOST, MSS_EXPEDITEUR)", permanent=True, code="config"
        )
    return transport.Smtp(
        host=settings.MSS_SMTP_HOST,
        port=settings.MSS_SMTP_PORT,
        implicit_tls=settings.MSS_SMTP_IMPLICIT_TLS,
        cert_file=settings.MSS_CERT_FILE,
        key_file=settings.MSS_KEY_FILE,
        ca_file=settings.MSS_CA_FILE,
        timeout=settings.MSS_TIMEOUT,
    )


def message_id(livraison: Livraison) -> str:
    """Stable across attempts, so a receiver can drop a resent copy."""
    domaine = settings.MSS_EXPEDITEUR.rpartition("@")[2] or "dui.invalid"
    return f"<envoi-{livraison.lot_uid}@{domaine}>"


def message(livraison: Livraison) -> EmailMessage:
    """The MSSanté e-mail: a short body, the IHE_XDM.ZIP, and the X-MSS-* headers."""
    submission = lot(livraison, xdm=True, uri=DOCUMENT_NAME)
    lps = f"{settings.DMP_LPS_NOM} {settings.DMP_LPS_VERSION}"
    mail = EmailMessage(policy=policy.SMTP)
    mail["From"] = settings.MSS_EXPEDITEUR
    mail["To"] = livraison.destinataire
    # No health data in headers: the title is the document type chosen by the sender.
    mail["Subject"] = livraison.titre
    mail["Date"] = format_datetime(livraison.soumis_le)
    mail["Message-ID"] = message_id(livraison)
    mail["X-Mailer"] = lps
    mail["X-MSS-LPS-Nom"] = settings.DMP_LPS_NOM
    mail["X-MSS-LPS-Version"] = settings.DMP_LPS_VERSION
    mail["X-MSS-Type-Document"] = submission.metadonnees.type_code.code
    mail["X-MSS-Lot"] = livraison.lot_uid
    mail.set_content(
        "Bonjour,\n\nVous trouverez ci-joint le document « "
        + livraison.titre
        + " » (archive IHE_XDM.ZIP, document CDA R2).\n\n"
        + livraison.emetteur.structure_nom
        + "\n"
    )
    mail.add_attachment(
        xdm_zip(submission, lps=lps),
        maintype="application",
        subtype="zip",
        filename="IHE_XDM.ZIP",
    )
    return mail


def envoyer(livraison: Livraison) -> Accuse:
    """One SMTP submission. Raises TransportError (permanent or not)."""
    point = _point()
    return transport.envoyer(point, message(livraison))


def _imap() -> transport.Imap:
    return transport.Imap(
        host=settings.MSS_IMAP_HOST,
        port=settings.MSS_IMAP_PORT,
        user=settings.MSS_IMAP_USER,
        password=settings.MSS_IMAP_PASSWORD,
        folder=settings.MSS_IMAP_FOLDER,
        cert_file=settings.MSS_CERT_FILE,
        key_file=settings.MSS_KEY_FILE,
        ca_file=settings.MSS_CA_FILE,
        timeout=settings.MSS_TIMEOUT,
    )


def messages_recus() -> Iterator[tuple[str, str, list[bytes]]]:
    """(Message-ID, sender, CDA documents) of each unread message of the application
    mailbox; a message is marked read once the caller has handled it."""
    if not settings.MSS_IMAP_HOST:
        return
    for _uid, raw in transport.relever(_imap()):
        mail = BytesParser(policy=policy.default).parsebytes(raw)
        documents: list[bytes] = []
        for part in mail.iter_attachments():  # type: ignore[attr-defined]
            name = (part.get_filename() or "").upper()
            payload = part.get_payload(decode=True)
            if name.endswith(".ZIP") and isinstance(payload, bytes):
                documents.extend(documents_cda(payload))
        yield str(mail.get("Message-ID", "")), str(mail.get("From", "")), documents
