"""The wire to MSSanté: SMTP with TLS and the application mailbox's client certificate to
send, IMAP over TLS to read the application mailbox.

# Reference: ANS "MSSanté - Référentiel #1 opérateurs" (SMTP submission with STARTTLS or
# implicit TLS, client certificate authentication of application mailboxes, IMAP4rev1 over
# TLS); RFC 3207 (STARTTLS), RFC 3501 (IMAP4rev1).
"""

import contextlib
import imaplib
import smtplib
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage

from ..base import Accuse, TransportError
from ..dmp.transport import ssl_context


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    implicit_tls: bool
    cert_file: str
    key_file: str
    ca_file: str
    timeout: float


@dataclass(frozen=True)
class Imap:
    host: str
    port: int
    user: str
    password: str
    folder: str
    cert_file: str
    key_file: str
    ca_file: str
    timeout: float


def _context(cert_file: str, key_file: str, ca_file: str) -> ssl.SSLContext:
    return ssl_context(cert_file, key_file, ca_file)


def envoyer(point: Smtp, message: EmailMessage) -> Accuse:
    """Submit one message. 4xx replies are transient, 5xx are refusals (RFC 5321 4.2.1)."""
    context = _context(point.cert_file, point.key_file, point.ca_file)
    client: smtplib.SMTP
    if point.implicit_tls:
        client = smtplib.SMTP_SSL(point.host, point.port, timeout=point.timeout, context=context)
    else:
        client = smtplib.SMTP(point.host, point.port, timeout=point.timeout)
    try:
        client.ehlo()
        if not point.implicit_tls:
            if not client.has_extn("starttls"):
                raise TransportError("le serveur SMTP ne propose pas STARTTLS", True, "tls")
            client.starttls(context=context)
            client.ehlo()
        try:
            refused = client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = {code for code, _ in exc.recipients.values()}
            permanent = all(code >= 500 for code in codes)
            detail = "; ".join(
                f"{code} {reply.decode(errors='replace')}"
                for code, reply in exc.recipients.values()
            )
            raise TransportError(
                f"destinataire refusé : {detail}"[:2000], permanent, str(min(codes))
            ) from exc
        except smtplib.SMTPResponseException as exc:
            reply = (
                exc.smtp_error.decode(errors="replace")
                if isinstance(exc.smtp_error, bytes)
                else str(exc.smtp_error)
            )
            raise TransportError(
                f"{exc.smtp_code} {reply}"[:2000],
                permanent=exc.smtp_code >= 500,
                code=str(exc.smtp_code),
            ) from exc
        if refused:
            raise TransportError(f"destinataires refusés : {', '.join(refused)}", True, "550")
        return Accuse(code="250", message="message accepté par le serveur MSSanté")
    finally:
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            client.close()


def relever(point: Imap) -> Iterator[tuple[bytes, bytes]]:
    """Yield (uid, raw message) of the unread messages. A message is flagged \\Seen only when
    the caller's loop body returns for it, so a crash in between reads it again next time
    (at-least-once: the received-documents flow drops a document it already has)."""
    context = _context(point.cert_file, point.key_file, point.ca_file)
    client = imaplib.IMAP4_SSL(point.host, point.port, ssl_context=context, timeout=point.timeout)
    try:
        if point.user:
            client.login(point.user, point.password)
        status, _ = client.select(point.folder)
        if status != "OK":
            raise TransportError(f"dossier IMAP {point.folder} introuvable", True, "imap")
        status, data = client.uid("SEARCH", None, "UNSEEN")  # type: ignore[arg-type]
        if status != "OK":
            raise TransportError("recherche IMAP refusée", code="imap")
        for uid in (data[0] or b"").split():
            status, parts = client.uid("FETCH", uid.decode(), "(BODY.PEEK[])")
            if status != "OK" or not parts or not isinstance(parts[0], tuple):
                continue
            yield uid, parts[0][1]
            client.uid("STORE", uid.decode(), "+FLAGS", "(\\Seen)")
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()
