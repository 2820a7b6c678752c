"""What every outside service shares: the error type and the one wrapper around outgoing
calls (Healthchecks' `TransportError(message, permanent=False)`).

A transport raises `TransportError` for what it understands (a refusal, a busy server);
`outgoing_call` maps everything else a network call can raise to the same type, times the
call and logs it without health data. The outbox retries a transient error later and sends a
permanent one to a human at once.
"""

import datetime as dt
import http.client
import logging
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field

logger = logging.getLogger("interop.targets")


class TransportError(Exception):
    """A delivery that did not succeed. `permanent`: retrying cannot help (the remote refused
    the document, the patient is unknown...); otherwise a retry may succeed later."""

    def __init__(self, message: str, permanent: bool = False, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.code = code


@dataclass(frozen=True)
class Accuse:
    """What the remote answered to a successful delivery."""

    code: str
    message: str = ""
    # The remote already had this exact document (a resubmission after a lost answer).
    deja_recu: bool = False
    details: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Appel:
    """The outcome of one outgoing call: an acknowledgement or an error, and its duration."""

    duree_ms: int
    accuse: Accuse | None = None
    erreur: TransportError | None = None


def outgoing_call(service: str, operation: str, call: Callable[[], Accuse]) -> Appel:
    """Run one call to an outside service and never raise: time it, log it, and turn any
    network failure into a `TransportError` (transient unless retrying cannot help)."""
    start = time.monotonic()
    error: TransportError | None = None
    accuse: Accuse | None = None
    try:
        accuse = call()
    except TransportError as exc:
        error = exc
    except ssl.SSLCertVerificationError as exc:
        # A certificate the other side or we do not trust: configuration, not bad luck.
        error = TransportError(f"certificat refusé : {exc.verify_message}", True, "tls")
    except TimeoutError:
        error = TransportError("délai de réponse dépassé", code="timeout")
    except ConnectionRefusedError:
        error = TransportError("connexion refusée", code="connexion")
    except (ConnectionError, ssl.SSLError, http.client.HTTPException) as exc:
        error = TransportError(f"connexion interrompue ({type(exc).__name__})", code="connexion")
    except smtplib.SMTPException as exc:
        error = TransportError(f"erreur SMTP ({type(exc).__name__})", code="smtp")
    except OSError as exc:
        error = TransportError(f"erreur réseau ({exc.strerror or type(exc).__name__})", code="os")
    duree_ms = int((time.monotonic() - start) * 1000)
    if error is None:
        logger.info("%s %s: %s in %d ms", service, operation, accuse and accuse.code, duree_ms)
    else:
        logger.warning(
            "%s %s failed in %d ms (%s, permanent=%s)",
            service,
            operation,
            duree_ms,
            error.code,
            error.permanent,
        )
    return Appel(duree_ms=duree_ms, accuse=accuse, erreur=error)


@dataclass(frozen=True)
class Emetteur:
    """Who sends: the professional who triggered the delivery and their structure."""

    identifiant: str  # PS_IdNat ("8" + RPPS, "0" + ADELI) or "3<FINESS>/<local id>"
    nom: str
    prenom: str
    role: str  # VIHF subject:role, code^codeSystem
    structure_id_nat: str  # Struct_IdNat: "1" + FINESS
    structure_nom: str


@dataclass(frozen=True)
class Livraison:
    """Everything a transport needs to deliver one attempt, read from the database before
    the network call (the call itself touches no database)."""

    envoi_id: int
    numero: int
    document: bytes
    titre: str
    lot_uid: str
    entry_uuid: str  # urn:uuid:...
    emetteur: Emetteur
    soumis_le: dt.datetime
    destinataire: str = ""
    masquage: tuple[tuple[str, str], ...] = ()
    remplace_entry_uuid: str = ""
