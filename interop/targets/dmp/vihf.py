"""The VIHF: the SAML 2.0 assertion that tells the DMP who sends, for which patient, signed
with the establishment's certificate (XML-DSig, RSA-SHA256, exclusive c14n).

# Reference: ANS "DMP - Guide d'intégration", annexe VIHF (authentification indirecte:
# the structure vouches for its professional); mapping VIHF of the ANS volet "Transmission de
# documents CDA en HL7v2" (Issuer = DN of the signing certificate, NameID = the professional,
# Identifiant_Structure, Secteur_Activite JDV_J61, subject:role JDV_J65, resource-id = INS,
# Ressource_URN = urn:dmp, purposeofuse = normal, LPS_*).
"""

import datetime as dt
import functools
import uuid
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from lxml import etree
from signxml import SignatureConstructionMethod, XMLSigner

from ..base import Emetteur

NS_SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
NS_DS = "http://www.w3.org/2000/09/xmldsig#"
NS_WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
VIHF_VERSION = "3.0"


@dataclass(frozen=True)
class Configuration:
    cert_file: str
    key_file: str
    secteur_activite: str
    lps_id: str
    lps_nom: str
    lps_version: str
    lps_homologation: str


@functools.lru_cache(maxsize=4)
def _keypair(cert_file: str, key_file: str, _mtime: float) -> tuple[bytes, RSAPrivateKey, str]:
    """Loaded once per process: loading an RSA key checks it, ~30 ms, more than signing."""
    cert_pem = Path(cert_file).read_bytes()
    key = load_pem_private_key(Path(key_file).read_bytes(), password=None)
    if not isinstance(key, RSAPrivateKey):
        raise ValueError("la clé de signature du VIHF doit être une clé RSA")
    subject = x509.load_pem_x509_certificate(cert_pem).subject.rfc4514_string()
    return cert_pem, key, subject


def _el(parent: etree._Element, tag: str, text: str = "", **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS_SAML}}}{tag}", attrs)
    if text:
        element.text = text
    return element


def _attribute(parent: etree._Element, name: str, value: str) -> None:
    if value:
        _el(_el(parent, "Attribute", Name=name), "AttributeValue", value)


def assertion_signee(
    config: Configuration, emetteur: Emetteur, patient_ins: str, now: dt.datetime | None = None
) -> etree._Element:
    """A signed VIHF assertion for one patient (their INS as CX)."""
    mtime = Path(config.cert_file).stat().st_mtime + Path(config.key_file).stat().st_mtime
    cert_pem, key, subject = _keypair(config.cert_file, config.key_file, mtime)
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    ident = f"_{uuid.uuid4()}"
    root = etree.Element(
        f"{{{NS_SAML}}}Assertion",
        {"ID": ident, "IssueInstant": stamp, "Version": "2.0"},
        nsmap={"saml2": NS_SAML},
    )
    _el(root, "Issuer", subject, Format="urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName")
    # signxml puts the signature here, right after Issuer, as SAML requires.
    etree.SubElement(root, f"{{{NS_DS}}}Signature", {"Id": "placeholder"}, nsmap={"ds": NS_DS})
    _el(_el(root, "Subject"), "NameID", emetteur.identifiant)
    later = now + dt.timedelta(minutes=5)
    _el(
        root,
        "Conditions",
        NotBefore=(now - dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        NotOnOrAfter=later.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    statement = _el(root, "AuthnStatement", AuthnInstant=stamp)
    _el(
        _el(statement, "AuthnContext"),
        "AuthnContextClassRef",
        "urn:oasis:names:tc:SAML:2.0:ac:classes:PreviousSession",
    )
    attributes = _el(root, "AttributeStatement")
    _attribute(attributes, "VIHF_Version", VIHF_VERSION)
    _attribute(attributes, "Authentification_Mode", "INDIRECTE")
    _attribute(attributes, "Identifiant_Structure", emetteur.structure_id_nat)
    _attribute(attributes, "Secteur_Activite", config.secteur_activite)
    _attribute(
        attributes,
        "urn:oasis:names:tc:xspa:1.0:subject:subject-id",
        f"{emetteur.nom} {emetteur.prenom}, {emetteur.structure_nom}",
    )
    _attribute(attributes, "urn:oasis:names:tc:xacml:2.0:subject:role", emetteur.role)
    _attribute(attributes, "urn:oasis:names:tc:xacml:2.0:resource:resource-id", patient_ins)
    _attribute(attributes, "Ressource_URN", "urn:dmp")
    _attribute(attributes, "urn:oasis:names:tc:xspa:1.0:subject:purposeofuse", "normal")
    _attribute(attributes, "LPS_ID", config.lps_id)
    _attribute(attributes, "LPS_Nom", config.lps_nom)
    _attribute(attributes, "LPS_Version", config.lps_version)
    _attribute(attributes, "LPS_ID_HOMOLOGATION_DMP", config.lps_homologation)
    signer = XMLSigner(
        method=SignatureConstructionMethod.enveloped,
        signature_algorithm="rsa-sha256",
        digest_algorithm="sha256",
        c14n_algorithm="http://www.w3.org/2001/10/xml-exc-c14n#",
    )
    signer.namespaces = {"ds": NS_DS}
    signed: etree._Element = signer.sign(root, key=key, cert=cert_pem.decode(), reference_uri=ident)
    return signed


def security_header(parent: etree._Element, assertion: etree._Element) -> etree._Element:
    """wsse:Security carrying the assertion, in a SOAP header."""
    security = etree.SubElement(parent, f"{{{NS_WSSE}}}Security", nsmap={"wsse": NS_WSSE})
    security.append(assertion)
    return security
