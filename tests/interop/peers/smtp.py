"""A local MSSanté-like SMTP server for the tests (aiosmtpd): STARTTLS required, client
certificate required (mutual TLS), each message's IHE_XDM.ZIP checked with `validate xdm`
(the kit, kept warm). The ledger counts accepted messages by Message-ID and documents by
XDS uniqueId.

Behaviours (`mode`): "ok"; "lent" (records, then answers after `delai`); "echec" (451, try
later); "refus" (550, unknown mailbox); "coupure" (closes the connection without answer).
"""

import asyncio
import email
import io
import ssl
import tempfile
import threading
import time
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from email import policy
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from lxml import etree

from .infra import port_libre
from .validation import ValidateurChaud, Verdict

RIM = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0"
UNIQUE_ID = "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab"


@dataclass
class Courriel:
    message_id: str
    destinataires: tuple[str, ...]
    unique_ids: tuple[str, ...]
    entetes: dict[str, str]
    zip_path: str
    recu_a: float


@dataclass
class Boite:
    messages: dict[str, Courriel] = field(default_factory=dict)
    copies: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # per uniqueId
    doublons: int = 0
    rejets: list[str] = field(default_factory=list)


class _Handler:
    def __init__(self, serveur: "ServeurSmtp") -> None:
        self.serveur = serveur

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.serveur.mode == "coupure" and self.serveur._mode() == "coupure":
            server.transport.close()  # type: ignore[union-attr]
            return "421 4.3.0 connexion fermée"
        return await asyncio.get_running_loop().run_in_executor(
            None, self.serveur.recevoir, session, envelope
        )


class ServeurSmtp:
    def __init__(self, *, ca: str, cert: str, key: str, validateur: ValidateurChaud | None) -> None:
        self.ca, self.cert, self.key = ca, cert, key
        self.validateur = validateur
        self.mode = "ok"
        self.delai = 0.0
        self.echecs_restants = 0
        self.boite = Boite()
        self.verdicts: list[Verdict] = []
        self.dossier = Path(tempfile.mkdtemp(prefix="mss-"))
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    def start(self) -> int:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=self.ca)
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_cert_chain(self.cert, self.key)
        self._controller = Controller(
            _Handler(self),
            hostname="127.0.0.1",
            port=port_libre(),
            tls_context=context,
            require_starttls=True,
            ready_timeout=10,
        )
        self._controller.start()
        return int(self._controller.port)

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()

    def attendre(self, nombre: int, timeout: float) -> bool:
        fin = time.monotonic() + timeout
        while time.monotonic() < fin:
            if len(self.boite.messages) >= nombre:
                return True
            time.sleep(0.05)
        return False

    def _mode(self) -> str:
        with self._lock:
            if self.echecs_restants > 0:
                self.echecs_restants -= 1
                if self.echecs_restants == 0:
                    mode, self.mode = self.mode, "ok"
                    return mode
            return self.mode

    def recevoir(self, session: Session, envelope: Envelope) -> str:
        mode = self._mode()
        if mode == "echec":
            return "451 4.3.0 Service momentanément indisponible"
        if mode == "refus":
            return "550 5.1.1 Boîte aux lettres inconnue"
        if session.ssl is None or not session.ssl:
            return "530 5.7.0 TLS requis"
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        message = email.message_from_bytes(raw, policy=policy.default)
        message_id = str(message.get("Message-ID", ""))
        archive = b""
        for part in message.iter_attachments():  # type: ignore[attr-defined]
            if (part.get_filename() or "").upper() == "IHE_XDM.ZIP":
                archive = part.get_payload(decode=True)
        if not archive:
            self.boite.rejets.append("pas de IHE_XDM.ZIP")
            return "554 5.6.0 IHE_XDM.ZIP absent"
        with self._lock:
            numero = len(self.verdicts) + len(self.boite.rejets)
        zip_path = self.dossier / f"{numero:04d}-IHE_XDM.ZIP"
        zip_path.write_bytes(archive)
        if self.validateur is not None:
            verdict = self.validateur.valider("xdm", [str(zip_path)])
            self.verdicts.append(verdict)
            if not verdict.ok:
                self.boite.rejets.append(" ".join(verdict.lines[:3]))
                return "554 5.6.0 IHE_XDM.ZIP invalide"
        with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
            meta = etree.fromstring(zipped.read("IHE_XDM/SUBSET01/METADATA.XML"))
        unique_ids = tuple(
            e.get("value", "")
            for e in meta.iter(f"{{{RIM}}}ExternalIdentifier")
            if e.get("identificationScheme") == UNIQUE_ID
        )
        with self._lock:
            if message_id in self.boite.messages:
                self.boite.doublons += 1
            else:
                self.boite.messages[message_id] = Courriel(
                    message_id=message_id,
                    destinataires=tuple(envelope.rcpt_tos),
                    unique_ids=unique_ids,
                    entetes={k: str(v) for k, v in message.items() if k.upper().startswith("X-")},
                    zip_path=str(zip_path),
                    recu_a=time.time(),
                )
                for uid in unique_ids:
                    self.boite.copies[uid] += 1
        if mode == "lent":
            time.sleep(self.delai)
        return "250 2.0.0 OK"
