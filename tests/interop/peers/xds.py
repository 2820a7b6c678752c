"""A local XDS.b Document Repository (ITI-41) for the tests: HTTPS with mutual TLS on the
loopback, SOAP 1.2 + MTOM in, RegistryResponse out.

Each request is checked like the DMP would: client certificate (TLS), VIHF signature against
the test CA, the envelope with `validate xds` and the CDA with `validate cda` (the kit, kept
warm), then the ledger: a uniqueId already registered is refused with
XDSDuplicateUniqueIdInRegistry, an RPLC must target a registered entry. The ledger is what the
tests count: exactly one accepted copy of each document version.

The MIME package is split by hand (the `email` parser costs ~15 ms per 450 KB request, more
than everything else the peer does), strictly: the root part must be the SOAP envelope
announced by `start`, each part a binary or base64 body with its Content-ID.

Behaviours (`mode`): "ok"; "lent" (registers, then answers after `delai`); "echec" (HTTP 500
SOAP Fault, nothing registered); "occupe" (XDSRepositoryBusy); "refus" (XDSUnknownPatientId);
"coupure" (reads the request, closes the connection, nothing registered). `echecs_restants`
makes the next N requests fail with the current failing mode, then "ok".
"""

import base64
import copy
import http.server
import itertools
import re
import ssl
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from signxml import XMLVerifier

from .validation import ValidateurChaud, Verdict

NS = {
    "soap": "http://www.w3.org/2003/05/soap-envelope",
    "xds": "urn:ihe:iti:xds-b:2007",
    "xop": "http://www.w3.org/2004/08/xop/include",
    "rim": "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0",
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
    "wsse": "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
}
UNIQUE_ID = "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab"
RPLC = "urn:ihe:iti:2007:AssociationType:RPLC"


@dataclass
class Reception:
    unique_id: str
    entry_uuid: str
    lot_uid: str
    recu_a: float
    remplace: str
    masquage: tuple[str, ...]
    enveloppe: str  # path of the envelope with the document inlined (as validated)
    document: str  # path of the CDA


@dataclass
class Registre:
    acceptes: dict[str, Reception] = field(default_factory=dict)
    doublons: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    rejets: list[str] = field(default_factory=list)
    requetes: int = 0
    # TLS connections accepted: a client that keeps its connection alive opens few.
    connexions: int = 0


def _response(status: str, errors: list[tuple[str, str]] = ()) -> bytes:  # type: ignore[assignment]
    error_list = ""
    if errors:
        error_list = (
            "<rs:RegistryErrorList>"
            + "".join(
                f'<rs:RegistryError errorCode="{code}" codeContext="{context}" '
                'severity="urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error"/>'
                for code, context in errors
            )
            + "</rs:RegistryErrorList>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:wsa="http://www.w3.org/2005/08/addressing"><soap:Header>'
        "<wsa:Action>urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-bResponse</wsa:Action>"
        "</soap:Header><soap:Body>"
        '<rs:RegistryResponse xmlns:rs="urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0" '
        f'status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:{status}">{error_list}'
        "</rs:RegistryResponse></soap:Body></soap:Envelope>"
    ).encode()


FAULT = (
    b'<?xml version="1.0" encoding="UTF-8"?><soap:Envelope '
    b'xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><soap:Fault>'
    b"<soap:Code><soap:Value>soap:Receiver</soap:Value></soap:Code>"
    b'<soap:Reason><soap:Text xml:lang="fr">Service momentanement indisponible</soap:Text>'
    b"</soap:Reason></soap:Fault></soap:Body></soap:Envelope>"
)


_PARAMETER = re.compile(r';\s*([\w-]+)\s*=\s*(?:"([^"]*)"|([^;\s]*))')


def _parametres(content_type: str) -> tuple[str, dict[str, str]]:
    """`type/subtype; a=b; c="d"` -> ("type/subtype", {"a": "b", "c": "d"})."""
    media = content_type.split(";", 1)[0].strip().lower()
    values = {
        m[1].lower(): m[2] if m[2] is not None else m[3] for m in _PARAMETER.finditer(content_type)
    }
    return media, values


def _partie(raw: bytes) -> tuple[dict[str, str], bytes]:
    """One MIME part: its headers (lower-case names) and its decoded body."""
    head, sep, body = raw.partition(b"\r\n\r\n")
    if not sep:
        raise ValueError("partie MIME sans en-têtes")
    headers: dict[str, str] = {}
    for line in head.decode("ascii").split("\r\n"):
        if line[:1] in (" ", "\t") and headers:
            name = list(headers)[-1]
            headers[name] += " " + line.strip()
        elif line:
            name, colon, value = line.partition(":")
            if not colon:
                raise ValueError(f"en-tête MIME invalide : {line[:80]}")
            headers[name.strip().lower()] = value.strip()
    encoding = headers.get("content-transfer-encoding", "binary").lower()
    if encoding == "base64":
        body = base64.b64decode(body)
    elif encoding not in ("binary", "8bit", "7bit"):
        raise ValueError(f"Content-Transfer-Encoding non pris en charge : {encoding}")
    return headers, body


class DepotXds:
    """The repository. `start()` returns its URL."""

    def __init__(self, *, ca: str, cert: str, key: str, validateur: ValidateurChaud | None) -> None:
        self.ca, self.cert, self.key = ca, cert, key
        self.validateur = validateur
        # Payloads kept on disk (for the kit); the benchmark keeps a sample only.
        self.conserver = 10**9
        self.mode = "ok"
        self.delai = 0.0
        self.echecs_restants = 0
        self.registre = Registre()
        self.verdicts: list[tuple[str, Verdict]] = []
        self._lock = threading.Lock()
        self._numeros = itertools.count()
        self.dossier = Path(tempfile.mkdtemp(prefix="depot-xds-"))
        self._server: http.server.ThreadingHTTPServer | None = None

    # -- lifecycle ------------------------------------------------------------
    def start(self) -> str:
        depot = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                with depot._lock:
                    depot.registre.connexions += 1

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                status, content_type, payload = depot.traiter(
                    self, self.headers.get("Content-Type", ""), body
                )
                if status == 0:
                    self.close_connection = True
                    self.connection.close()
                    return
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=self.ca)
        context.verify_mode = ssl.CERT_REQUIRED
        context.load_cert_chain(self.cert, self.key)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.socket = context.wrap_socket(server.socket, server_side=True)
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return f"https://127.0.0.1:{server.server_address[1]}/dmp/iti41"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # -- helpers for the tests -------------------------------------------------
    def copies(self, unique_id: str) -> int:
        return 1 if unique_id in self.registre.acceptes else 0

    def attendre(self, nombre: int, timeout: float) -> bool:
        fin = time.monotonic() + timeout
        while time.monotonic() < fin:
            if len(self.registre.acceptes) >= nombre:
                return True
            time.sleep(0.05)
        return False

    # -- the repository ----------------------------------------------------------
    def _mode_courant(self) -> str:
        with self._lock:
            self.registre.requetes += 1
            if self.echecs_restants > 0:
                self.echecs_restants -= 1
                if self.echecs_restants == 0:
                    mode, self.mode = self.mode, "ok"
                    return mode
            return self.mode

    def traiter(self, handler: object, content_type: str, body: bytes) -> tuple[int, str, bytes]:
        mode = self._mode_courant()
        if mode == "coupure":
            return 0, "", b""
        if mode == "echec":
            return 500, "application/soap+xml; charset=UTF-8", FAULT
        if mode == "occupe":
            return (
                200,
                "application/soap+xml",
                _response("Failure", [("XDSRepositoryBusy", "Dépôt occupé")]),
            )
        if mode == "refus":
            return (
                200,
                "application/soap+xml",
                _response("Failure", [("XDSUnknownPatientId", "Patient inconnu du DMP (INS)")]),
            )
        try:
            envelope, documents = self._mtom(content_type, body)
        except ValueError as exc:
            return 400, "text/plain", str(exc).encode()
        errors, reception = self._verifier(envelope, documents)
        if errors:
            self.registre.rejets.extend(message for _, message in errors)
            return 200, "application/soap+xml", _response("Failure", errors)
        assert reception is not None
        with self._lock:
            if reception.unique_id in self.registre.acceptes:
                self.registre.doublons[reception.unique_id] += 1
                return (
                    200,
                    "application/soap+xml",
                    _response("Failure", [("XDSDuplicateUniqueIdInRegistry", reception.unique_id)]),
                )
            if reception.remplace and not any(
                r.entry_uuid == reception.remplace for r in self.registre.acceptes.values()
            ):
                return (
                    200,
                    "application/soap+xml",
                    _response(
                        "Failure", [("XDSRegistryMetadataError", "RPLC : fiche remplacée inconnue")]
                    ),
                )
            self.registre.acceptes[reception.unique_id] = reception
        if mode == "lent":
            time.sleep(self.delai)
        return 200, "application/soap+xml", _response("Success")

    def _mtom(self, content_type: str, body: bytes) -> tuple[etree._Element, dict[str, bytes]]:
        # Reference: W3C XOP 1.0 and SOAP MTOM (multipart/related, RFC 2387), ITI TF-2x V.7.
        media, parameters = _parametres(content_type)
        if media != "multipart/related":
            raise ValueError("MTOM attendu (multipart/related)")
        if parameters.get("type", "").lower() != "application/xop+xml":
            raise ValueError('MTOM attendu (type="application/xop+xml")')
        boundary = parameters.get("boundary", "")
        if not boundary:
            raise ValueError("multipart sans boundary")
        delimiter = b"\r\n--" + boundary.encode("ascii")
        chunks = (b"\r\n" + body).split(delimiter)
        if len(chunks) < 3 or not chunks[-1].startswith(b"--"):
            raise ValueError("message MTOM vide ou tronqué")
        parts = [_partie(chunk.removeprefix(b"\r\n")) for chunk in chunks[1:-1]]
        root_headers, root = parts[0]
        start = parameters.get("start", "").strip("<>")
        if start and root_headers.get("content-id", "").strip("<>") != start:
            raise ValueError("la première partie n'est pas la racine annoncée (start)")
        if _parametres(root_headers.get("content-type", ""))[0] != "application/xop+xml":
            raise ValueError("racine MTOM : application/xop+xml attendu")
        envelope = etree.fromstring(root)
        documents = {
            headers.get("content-id", "").strip("<>"): payload for headers, payload in parts[1:]
        }
        return envelope, documents

    def _verifier(
        self, envelope: etree._Element, documents: dict[str, bytes]
    ) -> tuple[list[tuple[str, str]], Reception | None]:
        errors: list[tuple[str, str]] = []
        assertion = envelope.find(".//wsse:Security/saml:Assertion", NS)
        if assertion is None:
            return [("XDSRepositoryError", "VIHF absent")], None
        try:
            XMLVerifier().verify(copy.deepcopy(assertion), ca_pem_file=self.ca)
        except Exception as exc:
            return [("XDSRepositoryError", f"signature du VIHF invalide : {exc}")], None
        request = envelope.find(".//xds:ProvideAndRegisterDocumentSetRequest", NS)
        if request is None:
            return [("XDSRepositoryError", "ProvideAndRegisterDocumentSetRequest absent")], None
        cda_bytes = b""
        references: list[tuple[int, str]] = []
        for position, document in enumerate(request.iterfind("xds:Document", NS)):
            include = document.find("xop:Include", NS)
            if include is None:
                continue
            cid = include.get("href", "").removeprefix("cid:")
            if cid not in documents:
                return [("XDSMissingDocument", f"partie MIME {cid} absente")], None
            references.append((position, cid))
            cda_bytes = documents[cid]
        entry = request.find(".//rim:ExtrinsicObject", NS)
        unique_id = ""
        if entry is not None:
            for ext in entry.iterfind("rim:ExternalIdentifier", NS):
                if ext.get("identificationScheme") == UNIQUE_ID:
                    unique_id = ext.get("value", "")
        lot_uid = ""
        for ext in request.iterfind(".//rim:RegistryPackage/rim:ExternalIdentifier", NS):
            if ext.get("identificationScheme") == "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8":
                lot_uid = ext.get("value", "")
        remplace = ""
        for association in request.iterfind(".//rim:Association", NS):
            if association.get("associationType") == RPLC:
                remplace = association.get("targetObject", "")
        masquage = tuple(
            c.get("nodeRepresentation", "")
            for c in request.iterfind(".//rim:ExtrinsicObject/rim:Classification", NS)
            if c.get("classificationScheme") == "urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f"
            and c.get("nodeRepresentation") not in ("N", "R", "V")
        )
        numero = next(self._numeros)
        name = f"{numero:04d}-{unique_id.replace('^', '_')[-40:]}"
        envelope_path = self.dossier / f"{name}-iti41.xml"
        document_path = self.dossier / f"{name}-cda.xml"
        if self.validateur is not None or numero < self.conserver:
            # The envelope as the kit reads it: each document inlined in base64 (done only
            # for what is kept: copying and encoding 450 KB per request is not needed else).
            inlined = copy.deepcopy(envelope)
            inlined_request = inlined.find(".//xds:ProvideAndRegisterDocumentSetRequest", NS)
            assert inlined_request is not None
            inlined_documents = list(inlined_request.iterfind("xds:Document", NS))
            for position, cid in references:
                document = inlined_documents[position]
                include = document.find("xop:Include", NS)
                assert include is not None
                document.remove(include)
                document.text = base64.b64encode(documents[cid]).decode()
            envelope_path.write_bytes(
                etree.tostring(inlined, xml_declaration=True, encoding="UTF-8")
            )
            document_path.write_bytes(cda_bytes)
        if self.validateur is not None:
            for kind, path in (("xds", envelope_path), ("cda", document_path)):
                verdict = self.validateur.valider(kind, [str(path)])
                self.verdicts.append((kind, verdict))
                if not verdict.ok:
                    errors.append(
                        ("XDSRepositoryMetadataError", f"validate {kind}: {verdict.lines[:3]}")
                    )
        if not unique_id:
            errors.append(("XDSRepositoryMetadataError", "uniqueId absent"))
        if errors:
            return errors, None
        return [], Reception(
            unique_id=unique_id,
            entry_uuid=entry.get("id", "") if entry is not None else "",
            lot_uid=lot_uid,
            recu_a=time.time(),
            remplace=remplace,
            masquage=masquage,
            enveloppe=str(envelope_path),
            document=str(document_path),
        )
