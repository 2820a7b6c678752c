"""Deliver one document to the DMP: metadata from the CDA header, the signed VIHF, the
ITI-41 request, and the answer. Configuration is read from settings at call time."""

from django.conf import settings
from lxml import etree

from ..base import Accuse, Livraison, TransportError
from . import transport, vihf
from .metadata import Auteur, Lot, MetadonneesInvalides, metadonnees_depuis_cda, submit_objects, xon


def configuration() -> tuple[transport.Point, vihf.Configuration]:
    if not settings.DMP_ENDPOINT:
        raise TransportError("DMP non configuré (DMP_ENDPOINT)", permanent=True, code="config")
    point = transport.Point(
        url=settings.DMP_ENDPOINT,
        cert_file=settings.DMP_CERT_FILE,
        key_file=settings.DMP_KEY_FILE,
        ca_file=settings.DMP_CA_FILE,
        timeout=settings.DMP_TIMEOUT,
    )
    signature = vihf.Configuration(
        cert_file=settings.DMP_SIGN_CERT_FILE,
        key_file=settings.DMP_SIGN_KEY_FILE,
        secteur_activite=settings.DMP_SECTEUR_ACTIVITE,
        lps_id=settings.DMP_LPS_ID,
        lps_nom=settings.DMP_LPS_NOM,
        lps_version=settings.DMP_LPS_VERSION,
        lps_homologation=settings.DMP_LPS_HOMOLOGATION,
    )
    if not (signature.cert_file and signature.key_file):
        raise TransportError(
            "certificat de signature du VIHF non configuré (DMP_SIGN_CERT_FILE)",
            permanent=True,
            code="config",
        )
    return point, signature


def lot(livraison: Livraison, *, xdm: bool = False, uri: str = "") -> Lot:
    """The XDS submission of one delivery (metadata from the CDA header)."""
    try:
        meta = metadonnees_depuis_cda(livraison.document)
    except MetadonneesInvalides as exc:
        raise TransportError(str(exc), permanent=True, code="metadonnees") from exc
    emetteur = livraison.emetteur
    auteur_lot = Auteur(
        person=f"{emetteur.identifiant}^{emetteur.nom}^{emetteur.prenom}^^^^^^"
        f"&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS",
        institution=xon(emetteur.structure_nom, emetteur.structure_id_nat),
        specialty=None,
    )
    return Lot(
        document=livraison.document,
        metadonnees=meta,
        entry_uuid=livraison.entry_uuid,
        lot_uid=livraison.lot_uid,
        source_oid=settings.INTEROP_OID,
        auteur_lot=auteur_lot,
        soumis_le=livraison.soumis_le,
        masquage=livraison.masquage,
        remplace_entry_uuid=livraison.remplace_entry_uuid,
        destinataires=(livraison.destinataire,) if livraison.destinataire else (),
        uri=uri,
    )


def requete(livraison: Livraison) -> tuple[bytes, str]:
    """The SOAP envelope (document as an XOP reference) and the document's Content-ID."""
    point, signature = configuration()
    submission = lot(livraison)
    assertion = vihf.assertion_signee(
        signature, livraison.emetteur, submission.metadonnees.patient_id
    )
    security = etree.Element("placeholder")
    vihf.security_header(security, assertion)
    content_id = f"doc-{livraison.envoi_id}-{livraison.numero}@dui"
    body = transport.provide_and_register(
        submit_objects(submission), submission.entry_uuid, content_id
    )
    return transport.envelope(body, list(security), point.url), content_id


def envoyer(livraison: Livraison) -> Accuse:
    """One ITI-41 call. Raises TransportError (permanent or not)."""
    point, _ = configuration()
    envelope, content_id = requete(livraison)
    return transport.envoyer(point, envelope, content_id, livraison.document)
