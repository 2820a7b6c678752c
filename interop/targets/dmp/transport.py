"""The wire to the DMP: IHE XDS.b ITI-41 "Provide and Register Document Set-b", a SOAP 1.2
envelope sent with MTOM/XOP over HTTPS, with the establishment's TLS client certificate.

# Reference: IHE ITI TF-2b 3.41 (ITI-41 messages), ITI TF-2x V.3 (SOAP 1.2, WS-Addressing
# Action urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b), V.7 (MTOM/XOP: the document is a
# MIME part referenced by xop:Include), ITI TF-3 4.2.4 (RegistryResponse and error codes).
"""

import functools
import http.client
import ssl
import threading
import uuid
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

from ..base import Accuse, TransportError
from .metadata import NS_RS, NS_XDS

NS_SOAP = "http://www.w3.org/2003/05/soap-envelope"
NS_WSA = "http://www.w3.org/2005/08/addressing"
NS_XOP = "http://www.w3.org/2004/08/xop/include"
ACTION = "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b"
SUCCESS = "urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success"
PARTIAL = "urn:ihe:iti:2007:ResponseStatusType:PartialSuccess"

# XDS error codes (ITI TF-3 table 4.2.4.1-2) that a later retry can overcome.
TRANSIENT_CODES = frozenset(
    {
        "XDSRegistryBusy",
        "XDSRepositoryBusy",
        "XDSRegistryOutOfResources",
        "XDSRepositoryOutOfResources",
        "XDSRegistryNotAvailable",
        "XDSRegistryError",
        "XDSRepositoryError",
    }
)
# The registry already holds this uniqueId: our earlier attempt did arrive.
DUPLICATE_CODE = "XDSDuplicateUniqueIdInRegistry"


@dataclass(frozen=True)
class Point:
    """Where and how to connect."""

    url: str
    cert_file: str
    key_file: str
    ca_file: str
    timeout: float


def envelope(body: etree._Element, header_children: list[etree._Element], to: str) -> bytes:
    """The SOAP 1.2 envelope with WS-Addressing headers."""
    env = etree.Element(f"{{{NS_SOAP}}}Envelope", nsmap={"soap": NS_SOAP, "wsa": NS_WSA})
    header = etree.SubElement(env, f"{{{NS_SOAP}}}Header")
    action = etree.SubElement(header, f"{{{NS_WSA}}}Action", {f"{{{NS_SOAP}}}mustUnderstand": "1"})
    action.text = ACTION
    etree.SubElement(header, f"{{{NS_WSA}}}MessageID").text = f"urn:uuid:{uuid.uuid4()}"
    reply = etree.SubElement(header, f"{{{NS_WSA}}}ReplyTo")
    etree.SubElement(
        reply, f"{{{NS_WSA}}}Address"
    ).text = "http://www.w3.org/2005/08/addressing/anonymous"
    etree.SubElement(header, f"{{{NS_WSA}}}To").text = to
    for child in header_children:
        header.append(child)
    etree.SubElement(env, f"{{{NS_SOAP}}}Body").append(body)
    return etree.tostring(env, xml_declaration=True, encoding="UTF-8")


def provide_and_register(
    submit: etree._Element, document_id: str, content_id: str
) -> etree._Element:
    """xds:ProvideAndRegisterDocumentSetRequest with the document as an XOP reference."""
    request = etree.Element(
        f"{{{NS_XDS}}}ProvideAndRegisterDocumentSetRequest", nsmap={"xds": NS_XDS}
    )
    request.append(submit)
    document = etree.SubElement(request, f"{{{NS_XDS}}}Document", {"id": document_id})
    etree.SubElement(
        document, f"{{{NS_XOP}}}Include", {"href": f"cid:{content_id}"}, nsmap={"xop": NS_XOP}
    )
    return request


def mtom(envelope_bytes: bytes, content_id: str, document: bytes) -> tuple[bytes, str]:
    """The multipart/related MTOM package and its Content-Type."""
    boundary = f"MIMEBoundary_{uuid.uuid4().hex}"
    root_id = f"root.{uuid.uuid4().hex}@dui"
    parts = [
        f"--{boundary}\r\n"
        f'Content-Type: application/xop+xml; charset=UTF-8; type="application/soap+xml"; '
        f'action="{ACTION}"\r\n'
        "Content-Transfer-Encoding: binary\r\n"
        f"Content-ID: <{root_id}>\r\n\r\n".encode(),
        envelope_bytes,
        f"\r\n--{boundary}\r\n"
        "Content-Type: text/xml\r\n"
        "Content-Transfer-Encoding: binary\r\n"
        f"Content-ID: <{content_id}>\r\n\r\n".encode(),
        document,
        f"\r\n--{boundary}--\r\n".encode(),
    ]
    content_type = (
        f'multipart/related; type="application/xop+xml"; boundary="{boundary}"; '
        f'start="<{root_id}>"; start-info="application/soap+xml"; action="{ACTION}"'
    )
    return b"".join(parts), content_type


@functools.lru_cache(maxsize=4)
def _ssl_context(cert_file: str, key_file: str, ca_file: str, _mtime: float) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca_file or None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if cert_file:
        context.load_cert_chain(cert_file, key_file or None)
    return context


def ssl_context(cert_file: str, key_file: str, ca_file: str) -> ssl.SSLContext:
    """A cached client context; a renewed certificate file is picked up (mtime in the key)."""
    mtime = sum(Path(f).stat().st_mtime for f in (cert_file, key_file, ca_file) if f)
    return _ssl_context(cert_file, key_file, ca_file, mtime)


# One keep-alive connection per worker process and endpoint (prefork children each have
# their own; the lock only matters for thread pools).
_connections: dict[tuple[object, ...], http.client.HTTPSConnection] = {}
_lock = threading.Lock()


def _post(point: Point, body: bytes, content_type: str) -> tuple[int, str, bytes]:
    url = urlsplit(point.url)
    if url.scheme != "https" or not url.hostname:
        raise TransportError(
            "DMP_ENDPOINT doit être une adresse https://", permanent=True, code="config"
        )
    host, port = url.hostname, url.port or 443
    path = url.path or "/"
    if url.query:
        path += "?" + url.query
    context = ssl_context(point.cert_file, point.key_file, point.ca_file)
    key = (host, port, id(context), point.timeout)
    headers = {"Content-Type": content_type, "Content-Length": str(len(body))}
    for attempt in (1, 2):
        with _lock:
            connection = _connections.pop(key, None)
        if connection is None:
            connection = http.client.HTTPSConnection(
                host, port, context=context, timeout=point.timeout
            )
        fresh = connection.sock is None
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            connection.close()
            # A kept-alive connection the server closed meanwhile: one retry on a new one.
            if fresh or attempt == 2:
                raise
            continue
        except BaseException:
            connection.close()
            raise
        if response.will_close:
            connection.close()
        else:
            with _lock:
                _connections[key] = connection
        return response.status, response.getheader("Content-Type", ""), data
    raise AssertionError("unreachable")


def _soap_part(content_type: str, data: bytes) -> bytes:
    """The SOAP envelope of a response, plain or MTOM."""
    if content_type.lower().startswith("multipart/"):
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + data
        )
        for part in message.iter_parts():  # type: ignore[attr-defined]
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and b"Envelope" in payload[:2000]:
                return payload
        return b""
    return data


def _interpret(status: int, content_type: str, data: bytes) -> Accuse:
    """HTTP status + RegistryResponse (or SOAP Fault) -> acknowledgement or TransportError."""
    soap = _soap_part(content_type, data)
    root = None
    if soap:
        try:
            root = etree.fromstring(soap, etree.XMLParser(resolve_entities=False))
        except etree.XMLSyntaxError:
            root = None
    if root is not None:
        fault = root.find(f".//{{{NS_SOAP}}}Fault")
        if fault is not None:
            code = fault.findtext(f"{{{NS_SOAP}}}Code/{{{NS_SOAP}}}Value") or ""
            reason = " ".join(
                (fault.findtext(f"{{{NS_SOAP}}}Reason/{{{NS_SOAP}}}Text") or "").split()
            )
            # soap:Sender: our message is wrong; soap:Receiver: the server failed.
            permanent = code.endswith(":Sender")
            raise TransportError(f"SOAP Fault {code}: {reason}"[:2000], permanent, str(status))
        response = root.find(f".//{{{NS_RS}}}RegistryResponse")
        if response is not None:
            outcome = response.get("status", "")
            if outcome in (SUCCESS, PARTIAL):
                return Accuse(code=str(status), message=outcome.rsplit(":", 1)[-1])
            errors = response.findall(f".//{{{NS_RS}}}RegistryError")
            codes = [e.get("errorCode", "") for e in errors]
            message = "; ".join(
                f"{e.get('errorCode', '')}: {e.get('codeContext', '')}".strip() for e in errors
            )
            if codes and all(c == DUPLICATE_CODE for c in codes):
                return Accuse(code=DUPLICATE_CODE, message=message, deja_recu=True)
            permanent = not codes or any(c not in TRANSIENT_CODES for c in codes)
            raise TransportError(
                message[:2000] or "Échec sans erreur détaillée", permanent, ",".join(codes)[:100]
            )
    if status >= 500 or status in (408, 429):
        raise TransportError(f"HTTP {status}", code=str(status))
    if status >= 400:
        raise TransportError(f"HTTP {status}", permanent=True, code=str(status))
    raise TransportError(f"réponse inattendue (HTTP {status})", code=str(status))


def envoyer(point: Point, envelope_bytes: bytes, content_id: str, document: bytes) -> Accuse:
    """POST the MTOM package; the answer, or TransportError."""
    body, content_type = mtom(envelope_bytes, content_id, document)
    status, response_type, data = _post(point, body, content_type)
    return _interpret(status, response_type, data)
