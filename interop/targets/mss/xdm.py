"""The IHE_XDM.ZIP attached to an MSSanté message. Pure: a submission in, zip bytes out.

# Reference: IHE ITI TF-1 16 and ITI TF-3 4.3 (XDM: INDEX.HTM, README.TXT,
# IHE_XDM/SUBSET01/METADATA.XML with the URI, size and hash slots); ANS "MSSanté - Clients de
# messagerie" (one IHE_XDM.ZIP attachment per message carrying the CDA documents).
"""

import html
import io
import zipfile

from lxml import etree

from ..dmp.metadata import Lot, submit_objects

SUBSET = "SUBSET01"
DOCUMENT_NAME = "DOC0001.XML"


def xdm_zip(lot: Lot, *, lps: str) -> bytes:
    """The IHE_XDM.ZIP of one document (the Lot must carry `uri=DOCUMENT_NAME`)."""
    meta = lot.metadonnees
    metadata = etree.tostring(submit_objects(lot, xdm=True), xml_declaration=True, encoding="UTF-8")
    index = (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        "<title>Documents</title></head><body>\n"
        f"<h1>{html.escape(meta.titre)}</h1>\n"
        f'<p><a href="IHE_XDM/{SUBSET}/{DOCUMENT_NAME}">{html.escape(meta.titre)}</a> '
        "(document CDA R2)</p>\n</body></html>\n"
    )
    readme = (
        "Archive IHE XDM (ITI-32) produite par " + lps + ".\r\n"
        f"IHE_XDM/{SUBSET}/METADATA.XML : métadonnées XDS du lot de soumission.\r\n"
        f"IHE_XDM/{SUBSET}/{DOCUMENT_NAME} : le document CDA R2.\r\n"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("INDEX.HTM", index.encode())
        archive.writestr("README.TXT", readme.encode())
        archive.writestr(f"IHE_XDM/{SUBSET}/METADATA.XML", metadata)
        archive.writestr(f"IHE_XDM/{SUBSET}/{DOCUMENT_NAME}", lot.document)
    return buffer.getvalue()


def documents_cda(archive: bytes) -> list[bytes]:
    """The CDA documents of a received IHE_XDM.ZIP, in METADATA.XML order."""
    ns = {"rim": "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0"}
    found: list[bytes] = []
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        names = {name.upper(): name for name in zipped.namelist()}
        for key, name in names.items():
            if not (key.startswith("IHE_XDM/") and key.endswith("/METADATA.XML")):
                continue
            folder = name.rsplit("/", 1)[0]
            meta = etree.fromstring(zipped.read(name), etree.XMLParser(resolve_entities=False))
            values = meta.xpath(
                "//rim:ExtrinsicObject/rim:Slot[@name='URI']/rim:ValueList/rim:Value/text()",
                namespaces=ns,
            )
            for uri in values if isinstance(values, list) else []:
                member = names.get(f"{folder}/{uri!s}".upper())
                if member:
                    found.append(zipped.read(member))
    return found
