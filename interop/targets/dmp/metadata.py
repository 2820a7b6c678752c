"""French XDS metadata, read from the CDA header. Pure: bytes in, lxml elements out.

The same SubmitObjectsRequest content serves the DMP (ITI-41, inside
ProvideAndRegisterDocumentSetRequest) and MSSanté (IHE_XDM/SUBSET01/METADATA.XML, with the
`URI`, `size` and `hash` slots XDM requires).

# Reference: IHE ITI TF-3 4.2.3 (metadata attributes, classification schemes and
# identification schemes below) and 4.1.5 (RPLC); ANS CI-SIS "Volet Partage de documents de
# santé" / "Transmission de documents CDA en HL7v2", mapping CDA header -> XDS metadata
# (authorInstitution, authorPerson, classCode, confidentialityCode, creationTime, formatCode,
# healthcareFacilityTypeCode, practiceSettingCode, serviceStart/StopTime, typeCode,
# uniqueId); JDV_J08 XdsConfidentialityCode (masking codes 1.2.250.1.213.1.1.4.13).
"""

import datetime as dt
import functools
import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree

NS_CDA = "urn:hl7-org:v3"
NS_RIM = "urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0"
NS_LCM = "urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0"
NS_RS = "urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0"
NS_XDS = "urn:ihe:iti:xds-b:2007"
_C = {"c": NS_CDA}

# IHE ITI TF-3 table 4.2.5-1 (DocumentEntry) and 4.2.5-2 (SubmissionSet).
DOCUMENT_ENTRY = "urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1"
DE_AUTHOR = "urn:uuid:93606bcf-9494-43ec-9b4e-a7748d1a838d"
DE_CLASS = "urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a"
DE_CONFIDENTIALITY = "urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f"
DE_FORMAT = "urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d"
DE_FACILITY = "urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1"
DE_PRACTICE = "urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead"
DE_TYPE = "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983"
DE_PATIENT_ID = "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427"
DE_UNIQUE_ID = "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab"
SUBMISSION_SET = "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd"
SS_AUTHOR = "urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d"
SS_CONTENT_TYPE = "urn:uuid:aa543740-bdda-424e-8c96-df4873be8500"
SS_PATIENT_ID = "urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446"
SS_SOURCE_ID = "urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832"
SS_UNIQUE_ID = "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8"
OT_REGISTRY_PACKAGE = "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:RegistryPackage"
OT_CLASSIFICATION = "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Classification"
OT_EXTERNAL_ID = "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:ExternalIdentifier"
OT_ASSOCIATION = "urn:oasis:names:tc:ebxml-regrep:ObjectType:RegistryObject:Association"
HAS_MEMBER = "urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember"
RPLC = "urn:ihe:iti:2007:AssociationType:RPLC"
APPROVED = "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved"

OID_INS = {
    "1.2.250.1.213.1.4.8",  # INS-NIR
    "1.2.250.1.213.1.4.9",  # INS-NIA
    "1.2.250.1.213.1.4.10",  # INS-NIR de test
    "1.2.250.1.213.1.4.11",  # INS-NIR de démonstration
}
OID_PS_IDNAT = "1.2.250.1.71.4.2.1"
OID_STRUCT_IDNAT = "1.2.250.1.71.4.2.2"
OID_CLASS = "1.2.250.1.213.1.1.4.1"
OID_MASQUAGE = "1.2.250.1.213.1.1.4.13"
OID_FORMAT_IHE = "1.3.6.1.4.1.19376.1.2.3"
OID_FORMAT_ASIP = "1.2.250.1.213.1.1.4.2.282"

# DMP masking options (JDV_J08 XdsConfidentialityCode, code system 1.2.250.1.213.1.1.4.13).
MASQUE_PS = ("MASQUE_PS", "Masqué aux professionnels de santé")
INVISIBLE_PATIENT = ("INVISIBLE_PATIENT", "Non visible par le patient")
INVISIBLE_REPRESENTANTS = (
    "INVISIBLE_REPRESENTANTS_LEGAUX",
    "Non visible par les représentants légaux du patient",
)

# classCode from the document type (ANS correspondence ASS_X04 type -> classe, JDV_J06/J57).
# Only the types this product produces are listed; anything else is a "Compte rendu".
CLASSE_PAR_TYPE: dict[str, tuple[str, str]] = {
    "80788-3": ("11", "Synthèse"),  # Projet personnalisé d'accompagnement
    "74207-2": ("11", "Synthèse"),  # Document de liaison d'urgence (DLU)
    "34133-9": ("11", "Synthèse"),
    "83981-1": ("10", "Compte rendu"),
    "88348-8": ("10", "Compte rendu"),
}
CLASSE_PAR_DEFAUT = ("10", "Compte rendu")

# formatCode from the CDA model (ClinicalDocument/templateId), JDV_J60 FormatCode DMP.
XDS_SD = "1.3.6.1.4.1.19376.1.2.20"
FORMAT_PAR_MODELE: dict[str, tuple[str, str, str]] = {
    XDS_SD: (
        "urn:ihe:iti:xds-sd:pdf:2008",
        "Document à corps non structuré en Pdf/A-1",
        OID_FORMAT_IHE,
    ),
    "1.2.250.1.213.1.1.1.22": ("urn:asip:ci-sis:dlu:2022", "DLU-EHPAD", OID_FORMAT_ASIP),
    "1.2.250.1.213.1.1.1.23": ("urn:asip:ci-sis:fludt:2022", "FLUDT", OID_FORMAT_ASIP),
    "1.2.250.1.213.1.1.1.24": ("urn:asip:ci-sis:fludr:2022", "FLUDR", OID_FORMAT_ASIP),
}


class MetadonneesInvalides(ValueError):
    """The CDA header lacks what the XDS metadata needs."""


@dataclass(frozen=True)
class Code:
    code: str
    display: str
    scheme: str


@dataclass(frozen=True)
class Auteur:
    person: str  # XCN
    institution: str  # XON, may be empty
    specialty: Code | None


@dataclass(frozen=True)
class Metadonnees:
    """The XDS view of one CDA document."""

    unique_id: str
    titre: str
    type_code: Code
    classe: Code
    format: Code
    confidentialite: Code
    creation: str  # DTM, UTC
    langue: str
    patient_id: str  # CX: INS^^^&OID&ISO^NH
    source_patient_id: str
    source_patient_info: tuple[str, ...]
    auteurs: tuple[Auteur, ...]
    legal_authenticator: str
    service_debut: str
    service_fin: str
    etablissement_type: Code
    cadre_exercice: Code
    parent_id: str  # the replaced version (relatedDocument RPLC), or ""
    version: str
    set_id: str


@dataclass(frozen=True)
class Lot:
    """The submission: one document, its masking, who sends it, and what it replaces."""

    document: bytes
    metadonnees: Metadonnees
    entry_uuid: str  # urn:uuid:... of the DocumentEntry
    lot_uid: str  # SubmissionSet.uniqueId (OID)
    source_oid: str  # SubmissionSet.sourceId
    auteur_lot: Auteur
    soumis_le: dt.datetime
    masquage: tuple[tuple[str, str], ...] = ()
    remplace_entry_uuid: str = ""  # entryUUID of the replaced version
    destinataires: tuple[str, ...] = ()  # XDM intendedRecipient (MSSanté addresses)
    uri: str = ""  # XDM: file name of the document in the subset
    extra_slots: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# CDA header -> metadata
# ---------------------------------------------------------------------------
def _nodes(root: etree._Element, path: str) -> list[etree._Element]:
    found = root.xpath(path, namespaces=_C)
    if not isinstance(found, list):
        return []
    return [node for node in found if isinstance(node, etree._Element)]


def _first(root: etree._Element, path: str) -> etree._Element | None:
    found = _nodes(root, path)
    return found[0] if found else None


def _attr(root: etree._Element, path: str, name: str) -> str:
    element = _first(root, path)
    return (element.get(name) or "") if element is not None else ""


def _code(element: etree._Element | None) -> Code | None:
    if element is None or not element.get("code"):
        return None
    return Code(
        element.get("code", ""), element.get("displayName", ""), element.get("codeSystem", "")
    )


def dtm(value: str) -> str:
    """HL7 TS (with or without offset) -> XDS DTM in UTC (YYYYMMDD[hhmmss])."""
    value = value.strip()
    if not value:
        return ""
    sign = max(value.find("+"), value.find("-"))
    if sign == -1:
        return value[:14]
    stamp, offset = value[:sign], value[sign:]
    stamp = (stamp + "000000")[:14] if len(stamp) >= 8 else stamp
    delta = dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[3:5] or 0))
    zone = dt.timezone(delta if offset[0] == "+" else -delta)
    moment = dt.datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=zone)
    return moment.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S")


def _text(element: etree._Element | None, path: str) -> str:
    if element is None:
        return ""
    found = _first(element, path)
    return (found.text or "").strip() if found is not None else ""


def _xcn(entity: etree._Element | None) -> str:
    """assignedAuthor / assignedEntity -> XCN (PS_IdNat)."""
    if entity is None:
        return ""
    ident = _first(entity, "c:id")
    person = _first(entity, "c:assignedPerson")
    family = _text(person, "c:name/c:family")
    given = _text(person, "c:name/c:given")
    ext = ident.get("extension", "") if ident is not None else ""
    root = ident.get("root", "") if ident is not None else ""
    if not ext:
        return ""
    type_id = "IDNPS" if root == OID_PS_IDNAT else "RI"
    return f"{ext}^{family}^{given}^^^^^^&{root}&ISO^D^^^{type_id}"


def xon(nom: str, id_nat: str) -> str:
    """Organisation -> XON with its Struct_IdNat."""
    return f"{nom}^^^^^&{OID_STRUCT_IDNAT}&ISO^IDNST^^^{id_nat}"


def _organisation(element: etree._Element | None) -> str:
    if element is None:
        return ""
    ident = _first(element, "c:id")
    if ident is None or ident.get("root") != OID_STRUCT_IDNAT or not ident.get("extension"):
        return ""
    return xon(_text(element, "c:name"), ident.get("extension", ""))


@functools.lru_cache(maxsize=16)
def metadonnees_depuis_cda(document: bytes) -> Metadonnees:
    """Read the XDS metadata of a CDA R2 document from its header (CI-SIS rules). Cached:
    the rules before sending and the transport read the same document."""
    try:
        root = etree.fromstring(document, etree.XMLParser(resolve_entities=False, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        raise MetadonneesInvalides(f"document CDA mal formé : {exc}") from exc
    if root.tag != f"{{{NS_CDA}}}ClinicalDocument":
        raise MetadonneesInvalides("le document n'est pas un ClinicalDocument CDA R2")
    manquants: list[str] = []

    doc_id = _first(root, "c:id")
    unique_id = ""
    if doc_id is not None and doc_id.get("root"):
        unique_id = doc_id.get("root", "")
        if doc_id.get("extension"):
            unique_id += "^" + doc_id.get("extension", "")
    type_code = _code(_first(root, "c:code"))
    if type_code is None:
        manquants.append("code (type de document)")
    patient_id = source_patient_id = ""
    for ident in _nodes(root, "c:recordTarget/c:patientRole/c:id"):  # type: ignore[union-attr]
        cx = f"{ident.get('extension', '')}^^^&{ident.get('root', '')}&ISO"
        if ident.get("root") in OID_INS:
            patient_id = cx + "^NH"
        elif not source_patient_id:
            source_patient_id = cx + "^PI"
    if not patient_id:
        manquants.append("INS du patient (recordTarget/patientRole/id)")
    patient = _first(root, "c:recordTarget/c:patientRole/c:patient")
    info: list[str] = []
    if patient is not None:
        family = _text(patient, "c:name/c:family[@qualifier='BR']") or _text(
            patient, "c:name/c:family"
        )
        given = _text(patient, "c:name/c:given[@qualifier='BR']") or _text(
            patient, "c:name/c:given"
        )
        info.append(f"PID-5|{family}^{given}^^^^^L")
        birth = _attr(patient, "c:birthTime", "value")
        if birth:
            info.append(f"PID-7|{birth[:8]}")
        gender = _attr(patient, "c:administrativeGenderCode", "code")
        if gender:
            info.append(f"PID-8|{gender}")
    auteurs = []
    for author in _nodes(root, "c:author/c:assignedAuthor"):
        person = _xcn(author)
        if person:
            auteurs.append(
                Auteur(
                    person=person,
                    institution=_organisation(_first(author, "c:representedOrganization")),
                    specialty=_code(_first(author, "c:code")),
                )
            )
    if not auteurs:
        manquants.append("auteur identifié (author/assignedAuthor/id)")
    facility = _code(
        _first(root, "c:componentOf/c:encompassingEncounter/c:location/c:healthCareFacility/c:code")
    )
    if facility is None:
        manquants.append("healthCareFacility/code (J02)")
    practice = _code(
        _first(
            root,
            "c:documentationOf/c:serviceEvent/c:performer/c:assignedEntity/"
            "c:representedOrganization/c:standardIndustryClassCode",
        )
    ) or _code(
        _first(
            root, "c:author/c:assignedAuthor/c:representedOrganization/c:standardIndustryClassCode"
        )
    )
    if practice is None:
        manquants.append("standardIndustryClassCode (J04)")
    templates = [t.get("root", "") for t in _nodes(root, "c:templateId")]
    format_code = None
    for template in reversed(templates):
        if template in FORMAT_PAR_MODELE:
            code, display, scheme = FORMAT_PAR_MODELE[template]
            format_code = Code(code, display, scheme)
            break
    if format_code is None:
        manquants.append("modèle de document connu (templateId -> formatCode)")
    confid = _code(_first(root, "c:confidentialityCode"))
    if not unique_id:
        manquants.append("id du document")
    if manquants:
        raise MetadonneesInvalides("En-tête CDA incomplet : " + ", ".join(manquants) + ".")
    assert type_code is not None and facility is not None and practice is not None  # noqa: S101
    assert format_code is not None  # noqa: S101
    classe = CLASSE_PAR_TYPE.get(type_code.code, CLASSE_PAR_DEFAUT)
    parent = _first(root, "c:relatedDocument[@typeCode='RPLC']/c:parentDocument/c:id")
    parent_id = ""
    if parent is not None:
        parent_id = parent.get("root", "") + (
            "^" + parent.get("extension", "") if parent.get("extension") else ""
        )
    return Metadonnees(
        unique_id=unique_id,
        titre=_text(root, "c:title"),
        type_code=type_code,
        classe=Code(classe[0], classe[1], OID_CLASS),
        format=format_code,
        confidentialite=confid or Code("N", "Normal", "2.16.840.1.113883.5.25"),
        creation=dtm(_attr(root, "c:effectiveTime", "value")),
        langue=_attr(root, "c:languageCode", "code") or "fr-FR",
        patient_id=patient_id,
        source_patient_id=source_patient_id or patient_id,
        source_patient_info=tuple(info),
        auteurs=tuple(auteurs),
        legal_authenticator=_xcn(_first(root, "c:legalAuthenticator/c:assignedEntity")),
        service_debut=dtm(
            _attr(root, "c:documentationOf/c:serviceEvent/c:effectiveTime/c:low", "value")
        ),
        service_fin=dtm(
            _attr(root, "c:documentationOf/c:serviceEvent/c:effectiveTime/c:high", "value")
        ),
        etablissement_type=facility,
        cadre_exercice=practice,
        parent_id=parent_id,
        version=_attr(root, "c:versionNumber", "value"),
        set_id=_attr(root, "c:setId", "root"),
    )


# ---------------------------------------------------------------------------
# metadata -> ebRIM
# ---------------------------------------------------------------------------
def _rim(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{NS_RIM}}}{tag}", {k: v for k, v in attrs.items() if v})


def _slot(parent: etree._Element, name: str, values: Iterable[str]) -> None:
    values = [v for v in values if v]
    if not values:
        return
    slot = _rim(parent, "Slot", name=name)
    value_list = _rim(slot, "ValueList")
    for value in values:
        _rim(value_list, "Value").text = value


def _name(parent: etree._Element, text: str) -> None:
    if text:
        _rim(_rim(parent, "Name"), "LocalizedString", value=text)


def _classification(parent: etree._Element, scheme: str, obj: str, code: Code, ident: str) -> None:
    element = _rim(
        parent,
        "Classification",
        id=ident,
        objectType=OT_CLASSIFICATION,
        classificationScheme=scheme,
        classifiedObject=obj,
        nodeRepresentation=code.code,
    )
    _slot(element, "codingScheme", [code.scheme])
    _name(element, code.display)


def _author(parent: etree._Element, scheme: str, obj: str, auteur: Auteur, ident: str) -> None:
    element = _rim(
        parent,
        "Classification",
        id=ident,
        objectType=OT_CLASSIFICATION,
        classificationScheme=scheme,
        classifiedObject=obj,
        nodeRepresentation="",
    )
    # nodeRepresentation is required, and empty, for author classifications.
    element.set("nodeRepresentation", "")
    _slot(element, "authorPerson", [auteur.person])
    _slot(element, "authorInstitution", [auteur.institution])
    if auteur.specialty is not None:
        spec = auteur.specialty
        _slot(element, "authorSpecialty", [f"{spec.code}^{spec.display}^{spec.scheme}"])


def _external_id(
    parent: etree._Element, scheme: str, obj: str, value: str, name: str, ident: str
) -> None:
    element = _rim(
        parent,
        "ExternalIdentifier",
        id=ident,
        objectType=OT_EXTERNAL_ID,
        registryObject=obj,
        identificationScheme=scheme,
        value=value,
    )
    _name(element, name)


def _uuid() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def submit_objects(lot: Lot, *, xdm: bool = False) -> etree._Element:
    """lcm:SubmitObjectsRequest for one document (ITI-41 body, or XDM METADATA.XML)."""
    meta = lot.metadonnees
    request = etree.Element(
        f"{{{NS_LCM}}}SubmitObjectsRequest", nsmap={"lcm": NS_LCM, "rim": NS_RIM}
    )
    objects = _rim(request, "RegistryObjectList")
    doc = lot.entry_uuid
    entry = _rim(
        objects,
        "ExtrinsicObject",
        id=doc,
        mimeType="text/xml",
        objectType=DOCUMENT_ENTRY,
        status=APPROVED,
    )
    _slot(entry, "creationTime", [meta.creation])
    if xdm:
        _slot(entry, "hash", [hashlib.sha1(lot.document).hexdigest()])  # noqa: S324 - XDS hash is SHA-1
    _slot(entry, "languageCode", [meta.langue])
    _slot(entry, "legalAuthenticator", [meta.legal_authenticator])
    _slot(entry, "serviceStartTime", [meta.service_debut])
    _slot(entry, "serviceStopTime", [meta.service_fin])
    if xdm:
        _slot(entry, "size", [str(len(lot.document))])
    _slot(entry, "sourcePatientId", [meta.source_patient_id])
    _slot(entry, "sourcePatientInfo", meta.source_patient_info)
    if xdm and lot.uri:
        _slot(entry, "URI", [lot.uri])
    _name(entry, meta.titre)
    n = 0

    def ident(prefix: str) -> str:
        nonlocal n
        n += 1
        return f"{prefix}{n:02d}"

    for auteur in meta.auteurs:
        _author(entry, DE_AUTHOR, doc, auteur, ident("cl"))
    _classification(entry, DE_CLASS, doc, meta.classe, ident("cl"))
    _classification(entry, DE_CONFIDENTIALITY, doc, meta.confidentialite, ident("cl"))
    for code, display in lot.masquage:
        _classification(
            entry, DE_CONFIDENTIALITY, doc, Code(code, display, OID_MASQUAGE), ident("cl")
        )
    _classification(entry, DE_FORMAT, doc, meta.format, ident("cl"))
    _classification(entry, DE_FACILITY, doc, meta.etablissement_type, ident("cl"))
    _classification(entry, DE_PRACTICE, doc, meta.cadre_exercice, ident("cl"))
    _classification(entry, DE_TYPE, doc, meta.type_code, ident("cl"))
    _external_id(
        entry, DE_PATIENT_ID, doc, meta.patient_id, "XDSDocumentEntry.patientId", ident("ei")
    )
    _external_id(entry, DE_UNIQUE_ID, doc, meta.unique_id, "XDSDocumentEntry.uniqueId", ident("ei"))

    lot_id = "SubmissionSet01"
    package = _rim(
        objects, "RegistryPackage", id=lot_id, objectType=OT_REGISTRY_PACKAGE, status=APPROVED
    )
    _slot(package, "submissionTime", [lot.soumis_le.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S")])
    if lot.destinataires:
        _slot(
            package, "intendedRecipient", [f"^^^^^^^^^{adresse}" for adresse in lot.destinataires]
        )
    _name(package, meta.titre)
    _author(package, SS_AUTHOR, lot_id, lot.auteur_lot, ident("cl"))
    # contentTypeCode: the clinical activity of the submission; the document class is used
    # until the establishment's activity codes (JDV_J59) are configured.
    _classification(package, SS_CONTENT_TYPE, lot_id, meta.classe, ident("cl"))
    _external_id(
        package, SS_UNIQUE_ID, lot_id, lot.lot_uid, "XDSSubmissionSet.uniqueId", ident("ei")
    )
    _external_id(
        package, SS_SOURCE_ID, lot_id, lot.source_oid, "XDSSubmissionSet.sourceId", ident("ei")
    )
    _external_id(
        package, SS_PATIENT_ID, lot_id, meta.patient_id, "XDSSubmissionSet.patientId", ident("ei")
    )
    _rim(
        objects,
        "Classification",
        id=ident("cl"),
        objectType=OT_CLASSIFICATION,
        classifiedObject=lot_id,
        classificationNode=SUBMISSION_SET,
    )
    member = _rim(
        objects,
        "Association",
        id=ident("as"),
        objectType=OT_ASSOCIATION,
        associationType=HAS_MEMBER,
        sourceObject=lot_id,
        targetObject=doc,
    )
    _slot(member, "SubmissionSetStatus", ["Original"])
    if lot.remplace_entry_uuid:
        _rim(
            objects,
            "Association",
            id=ident("as"),
            objectType=OT_ASSOCIATION,
            associationType=RPLC,
            sourceObject=doc,
            targetObject=lot.remplace_entry_uuid,
        )
    return request
