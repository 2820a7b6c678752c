"""Reading a received CDA R2 document: header, identity, readable sections, embedded PDF.

The parser is hardened for documents from outside: no DTD, no entity expansion, no network,
no huge trees. Narrative blocks are turned into plain data (paragraphs and tables of text),
never into HTML, so a document cannot inject markup into the DUI's pages.
"""

import base64
import binascii
import datetime as dt
from dataclasses import dataclass, field

from lxml import etree

from interop.builders.data import INS_OIDS
from interop.hl7.identite import IdentiteRecue

NS = {"c": "urn:hl7-org:v3"}
_C = "{urn:hl7-org:v3}"

# JDV_J07 type code -> category of the record it belongs to (securite.models.Categorie).
# Clinical documents are medical; social and administrative ones administrative.
TYPES_ADMINISTRATIFS = frozenset(
    {"28653-4", "80788-3", "80771-9", "83981-1", "88348-8", "ATTEST-RESID", "ATTEST-ASS-COMPL"}
)


class DocumentInvalide(ValueError):
    """The file is not a CDA document the DUI can integrate; the reason is for the operator."""


@dataclass(frozen=True)
class Bloc:
    kind: str  # "texte" | "table"
    texte: str = ""
    lignes: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class Section:
    titre: str
    blocs: tuple[Bloc, ...]


@dataclass(frozen=True)
class DocumentLu:
    identifiant: str
    lot: str
    version: int
    type_code: str
    type_libelle: str
    titre: str
    date: dt.datetime | None
    confidentialite: str
    auteur: str
    structure: str
    identite: IdentiteRecue
    template_ids: tuple[str, ...]
    sections: tuple[Section, ...] = field(default=())
    pdf: bytes | None = None
    remplace: str = ""

    @property
    def is_medical(self) -> bool:
        return self.type_code not in TYPES_ADMINISTRATIFS


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        dtd_validation=False,
        load_dtd=False,
        huge_tree=False,
    )


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return " ".join("".join(str(part) for part in element.itertext()).split())


def _first(root: etree._Element, path: str) -> etree._Element | None:
    found = root.find(path, NS)
    return found


def _ii(element: etree._Element | None) -> str:
    if element is None:
        return ""
    root, extension = element.get("root", ""), element.get("extension", "")
    return f"{root}^{extension}" if extension else root


def _ts(value: str) -> dt.datetime | None:
    value = (value or "").strip()
    for size, fmt in (
        (19, "%Y%m%d%H%M%S%z"),
        (14, "%Y%m%d%H%M%S"),
        (12, "%Y%m%d%H%M"),
        (8, "%Y%m%d"),
    ):
        try:
            return dt.datetime.strptime(value[:size], fmt)  # noqa: DTZ007 - local time
        except ValueError:
            continue
    return None


def _person(element: etree._Element | None) -> str:
    if element is None:
        return ""
    name = element.find("c:name", NS)
    if name is None:
        return ""
    parts = [_text(p) for p in name.findall("c:prefix", NS)]
    parts += [_text(p) for p in name.findall("c:given", NS)]
    parts += [_text(p) for p in name.findall("c:family", NS)]
    return " ".join(p for p in parts if p)


def _identite(root: etree._Element) -> IdentiteRecue:
    role = root.find("c:recordTarget/c:patientRole", NS)
    if role is None:
        raise DocumentInvalide("Le document ne désigne pas de patient (recordTarget absent).")
    ins = ins_oid = ""
    identifiants = []
    for ident in role.findall("c:id", NS):
        oid, value = ident.get("root", ""), ident.get("extension", "")
        if oid in INS_OIDS and value:
            ins, ins_oid = value, oid
        elif value:
            identifiants.append((oid, value))
    patient = role.find("c:patient", NS)
    nom = premier = prenoms = nom_utilise = ""
    if patient is not None:
        name = patient.find("c:name", NS)
        if name is not None:
            for family in name.findall("c:family", NS):
                qualifier = family.get("qualifier", "")
                if qualifier == "CL":
                    nom_utilise = _text(family)
                elif not nom:
                    nom = _text(family)
            for given in name.findall("c:given", NS):
                qualifier = given.get("qualifier", "")
                if qualifier == "BR":
                    premier = _text(given)
                elif qualifier != "CL" and not prenoms:
                    prenoms = _text(given)
    birth = _first(role, "c:patient/c:birthTime")
    naissance = _ts(birth.get("value", "")) if birth is not None else None
    gender = _first(role, "c:patient/c:administrativeGenderCode")
    cog = _first(role, "c:patient/c:birthplace/c:place/c:addr/c:county")
    return IdentiteRecue(
        nom_naissance=nom,
        prenoms=prenoms or premier,
        premier_prenom=premier or (prenoms.split(" ")[0] if prenoms else ""),
        nom_utilise=nom_utilise,
        date_naissance=naissance.date() if naissance else None,
        sexe=(gender.get("code", "") if gender is not None else "")[:1],
        ins=ins,
        ins_oid=ins_oid,
        identifiants=tuple(identifiants),
        lieu_naissance_cog=_text(cog),
    )


def _blocs(text: etree._Element | None) -> tuple[Bloc, ...]:
    if text is None:
        return ()
    blocs: list[Bloc] = []
    loose = " ".join((text.text or "").split())
    if loose:
        blocs.append(Bloc("texte", texte=loose))
    for child in text:
        if not isinstance(child.tag, str):
            continue
        tag = etree.QName(child).localname
        if tag == "table":
            lignes = tuple(
                tuple(_text(cell) for cell in row if etree.QName(cell).localname in ("td", "th"))
                for row in child.iter(f"{_C}tr")
            )
            blocs.append(Bloc("table", lignes=lignes))
        elif tag == "list":
            for item in child.findall("c:item", NS):
                blocs.append(Bloc("texte", texte="• " + _text(item)))
        elif tag != "renderMultiMedia":
            value = _text(child)
            if value:
                blocs.append(Bloc("texte", texte=value))
        tail = " ".join((child.tail or "").split())
        if tail:
            blocs.append(Bloc("texte", texte=tail))
    return tuple(blocs)


def _sections(root: etree._Element) -> tuple[Section, ...]:
    body = root.find("c:component/c:structuredBody", NS)
    if body is None:
        return ()
    out = []
    for section in body.iter(f"{_C}section"):
        out.append(
            Section(
                titre=_text(section.find("c:title", NS)) or "Section",
                blocs=_blocs(section.find("c:text", NS)),
            )
        )
    return tuple(out)


def _pdf(root: etree._Element) -> bytes | None:
    text = root.find("c:component/c:nonXMLBody/c:text", NS)
    if text is None:
        return None
    if text.get("representation") != "B64" or text.get("mediaType") != "application/pdf":
        raise DocumentInvalide("Le corps non structuré n'est pas un PDF encodé en base 64.")
    try:
        data = base64.b64decode("".join((text.text or "").split()), validate=True)
    except (binascii.Error, ValueError):
        raise DocumentInvalide("Le PDF encapsulé n'est pas du base 64 valide.") from None
    if not data.startswith(b"%PDF-"):
        raise DocumentInvalide("Le contenu encapsulé n'est pas un PDF.")
    return data


def cda_lire(raw: bytes) -> DocumentLu:
    """Read a received CDA document, or DocumentInvalide with the reason."""
    # Reference: HL7 CDA R2 (POCD_HD000040) header; CI-SIS "Structuration minimale".
    try:
        root = etree.fromstring(raw, _parser())
    except etree.XMLSyntaxError as error:
        raise DocumentInvalide(f"XML mal formé : {error.msg}.") from None
    if root.tag != f"{_C}ClinicalDocument":
        raise DocumentInvalide("Ce n'est pas un document CDA (racine ClinicalDocument attendue).")
    code = root.find("c:code", NS)
    if code is None or not code.get("code"):
        raise DocumentInvalide("Le type du document (code) est absent.")
    identifiant = _ii(root.find("c:id", NS))
    if not identifiant:
        raise DocumentInvalide("L'identifiant du document (id) est absent.")
    version = root.find("c:versionNumber", NS)
    effective = root.find("c:effectiveTime", NS)
    confidentiality = root.find("c:confidentialityCode", NS)
    author = root.find("c:author/c:assignedAuthor", NS)
    auteur = _person(author.find("c:assignedPerson", NS)) if author is not None else ""
    if not auteur and author is not None:
        auteur = _text(author.find("c:assignedAuthoringDevice/c:softwareName", NS))
    custodian = root.find(
        "c:custodian/c:assignedCustodian/c:representedCustodianOrganization/c:name", NS
    )
    related = root.find("c:relatedDocument[@typeCode='RPLC']/c:parentDocument/c:id", NS)
    try:
        numero = int(version.get("value", "1")) if version is not None else 1
    except ValueError:
        numero = 1
    return DocumentLu(
        identifiant=identifiant,
        lot=_ii(root.find("c:setId", NS)),
        version=numero,
        type_code=code.get("code", ""),
        type_libelle=code.get("displayName", ""),
        titre=_text(root.find("c:title", NS)) or code.get("displayName", "Document"),
        date=_ts(effective.get("value", "")) if effective is not None else None,
        confidentialite=confidentiality.get("code", "N") if confidentiality is not None else "N",
        auteur=auteur,
        structure=_text(custodian),
        identite=_identite(root),
        template_ids=tuple(t.get("root", "") for t in root.findall("c:templateId", NS)),
        sections=_sections(root),
        pdf=_pdf(root),
        remplace=_ii(related),
    )
