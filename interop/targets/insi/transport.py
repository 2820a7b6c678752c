"""SOAP 1.2 over HTTPS to the INSi téléservice (CNAM), with the establishment's certificate.

The endpoint, the TLS client certificate and key, and the trust anchors are configuration
(INSI_ENDPOINT, INSI_CERT_FILE, INSI_KEY_FILE, INSI_CA_FILE): the test peer and the real
service are reached by the same code. Errors are `TransportError`s: HTTP 5xx and network
failures are transient, a SOAP Fault or an unreadable answer is permanent.
"""

import http.client
import ssl
import urllib.parse
from dataclasses import dataclass

from interop.targets.base import TransportError

SOAP_CONTENT_TYPE = "application/soap+xml; charset=utf-8"


@dataclass(frozen=True)
class InsiConfig:
    endpoint: str
    cert_file: str = ""
    key_file: str = ""
    ca_file: str = ""
    timeout: float = 15.0

    @classmethod
    def from_settings(cls) -> "InsiConfig":
        from django.conf import settings

        return cls(
            endpoint=settings.INSI_ENDPOINT,
            cert_file=settings.INSI_CERT_FILE,
            key_file=settings.INSI_KEY_FILE,
            ca_file=settings.INSI_CA_FILE,
            timeout=settings.INSI_TIMEOUT,
        )

    @property
    def is_configured(self) -> bool:
        return bool(self.endpoint)


def _ssl_context(config: InsiConfig) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=config.ca_file or None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if config.cert_file:
        context.load_cert_chain(config.cert_file, config.key_file or None)
    return context


def soap_post(config: InsiConfig, action: str, envelope: bytes) -> bytes:
    """POST one SOAP 1.2 envelope and return the response body (a SOAP envelope)."""
    if not config.is_configured:
        raise TransportError("téléservice INSi non configuré (INSI_ENDPOINT)", True, "config")
    url = urllib.parse.urlsplit(config.endpoint)
    connection: http.client.HTTPConnection
    if url.scheme == "https":
        connection = http.client.HTTPSConnection(
            url.hostname or "", url.port, timeout=config.timeout, context=_ssl_context(config)
        )
    elif url.scheme == "http" and url.hostname in ("127.0.0.1", "localhost", "::1"):
        # Plain HTTP only to a peer on this machine (the local test peer).
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=config.timeout)
    else:
        raise TransportError("INSI_ENDPOINT doit être une adresse https://", True, "config")
    try:
        connection.request(
            "POST",
            url.path or "/",
            body=envelope,
            headers={"Content-Type": f'{SOAP_CONTENT_TYPE}; action="{action}"'},
        )
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    if response.status >= 500 and b"Fault" not in body:
        raise TransportError(f"le téléservice a répondu {response.status}", code="http")
    if response.status >= 400 and b"Fault" not in body:
        raise TransportError(
            f"le téléservice a refusé la requête ({response.status})", True, "http"
        )
    return body
