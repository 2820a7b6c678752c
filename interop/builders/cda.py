"""CDA R2 documents for the DMP and MSSanté, CI-SIS flavoured. Pure: data in, bytes out.

Three documents:
- `cda_n1`: unstructured document (PDF in `nonXMLBody`), used for the support plan
  (type 80788-3 "Projet personnalisé d'accompagnement");
- `cda_dlu`: Dossier de liaison d'urgence (DLU-EHPAD-DLU 2022.01);
- `cda_fludt`: Fiche de liaison d'urgence, transfer EHPAD → emergency department
  (DLU-EHPAD-FLUDT 2022.01).

Every document goes through the same header (`_entete`), so the CI-SIS header rules (INS
only when qualified, PS_IdNat, Struct_IdNat, J02/J04, encompassing encounter, RPLC) are
written once.
"""

import base64
import datetime as dt
import uuid
from collections.abc import Iterable

from lxml import etree

from .data import (
    A_PREVENIR,
    OID_PS_IDNAT,
    OID_STRUCT_IDNAT,
    PERSONNE_CONFIANCE,
    Adresse,
    AllergieData,
    AuteurData,
    DluData,
    DocumentData,
    DonneesManquantes,
    FludtData,
    InsNonQualifiee,
    PatientData,
    ProblemeData,
    ProfessionnelData,
    SejourData,
    StructureData,
    Telecom,
    TraitementData,
)

NS = "urn:hl7-org:v3"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
_XSI_TYPE = f"{{{XSI}}}type"
_NSMAP = {None: NS, "xsi": XSI}

LOINC = "2.16.840.1.113883.6.1"
SNOMED = "2.16.840.1.113883.6.96"
CIM10 = "2.16.840.1.113883.6.3"
OID_J02 = "1.2.250.1.71.4.2.4"
OID_J04 = "1.2.250.1.213.1.1.4.9"
OID_TA_ASIP = "1.2.250.1.213.1.1.4.322"

TEMPLATE_HL7_FRANCE = "2.16.840.1.113883.2.8.2.1"
TEMPLATE_CISIS = "1.2.250.1.213.1.1.1.1"
TEMPLATE_XDS_SD = "1.3.6.1.4.1.19376.1.2.20"
TEMPLATE_DLU = "1.2.250.1.213.1.1.1.22"
TEMPLATE_FLUDT = "1.2.250.1.213.1.1.1.23"

CONFIDENTIALITE = {"N": "Normal", "R": "Restreint", "V": "Très restreint"}
SEXE_CDA = {"F": ("F", "Féminin"), "M": ("M", "Masculin"), "I": ("UN", "Inconnu")}

# JDV_ObservationEtatPatient_CISIS (1.2.250.1.213.1.1.5.514): the DLU checklist of the
# person's state, grouped as the paper form does.
ETAT_PATIENT = (
    ("Etat psychique", "288575003", "capable de communiquer"),
    ("Etat psychique", "247663003", "bien orienté"),
    ("Etat psychique", "62476001", "désorienté(e)"),
    ("Etat psychique", "24199005", "sensation d'agitation"),
    ("Etat psychique", "248043008", "comportement non-conciliant"),
    ("Etat psychique", "425104003", "comportement suicidaire"),
    ("Handicaps / déficits", "397540003", "malvoyance"),
    ("Handicaps / déficits", "15188001", "perte auditive"),
    ("Handicaps / déficits", "62305002", "trouble du langage"),
    ("Déplacements / transferts", "161898004", "chutes"),
    ("Déplacements / transferts", "50239007", "errance"),
    ("Déplacements / transferts", "248046000", "fugue"),
    ("Déplacements / transferts", "386423001", "contention physique"),
    ("Autres risques", "285304000", "à risque d'escarre"),
    ("Autres risques", "249492002", "fausse route alimentaire"),
)

# JDV_ProtheseObjetPersonnel_CISIS (EMDN 1.2.250.1.213.2.68, and TA_ASIP for "other").
PROTHESES = {
    "Q021003": ("LUNETTES PRÊTES À PORTER (OU LUNETTES MONTÉES)", "1.2.250.1.213.2.68"),
    "P0102": ("PROTHÈSES DENTAIRES", "1.2.250.1.213.2.68"),
    "Y2145": ("DISPOSITIFS ACCOUSTIQUES D'AIDE À L'AUDITION", "1.2.250.1.213.2.68"),
    "GEN-092.02.01": ("Autre dispositif ou objet personnel", "1.2.250.1.213.1.1.4.322"),
}
CONSCIENCE = {
    "DLU_002": "Conscient et éveillé",
    "DLU_003": "Eveillable",
    "DLU_004": "Non éveillable",
}


# ---------------------------------------------------------------------------------------------
# Small XML helpers
# ---------------------------------------------------------------------------------------------
def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS}}}{tag}", {k: v for k, v in attrs.items() if v})
    if text is not None:
        element.text = text
    return element


def _typed(parent: etree._Element, tag: str, xsi_type: str, **attrs: str) -> etree._Element:
    element = _el(parent, tag, **attrs)
    element.set(_XSI_TYPE, xsi_type)
    return element


def _ts(value: dt.datetime | dt.date) -> str:
    """HL7 TS: YYYYMMDDHHMMSS+ZZZZ for an aware datetime, YYYYMMDD for a date."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("Les horodatages CDA portent leur fuseau horaire.")
        return value.strftime("%Y%m%d%H%M%S%z")
    return value.strftime("%Y%m%d")


def _uuid() -> str:
    return str(uuid.uuid4()).upper()


def _template(parent: etree._Element, *roots: str, extension: str = "") -> None:
    for root in roots:
        _el(parent, "templateId", root=root, extension=extension)


def _code(
    parent: etree._Element, code: str, libelle: str, systeme: str, tag: str = "code", **extra: str
) -> etree._Element:
    return _el(parent, tag, code=code, displayName=libelle, codeSystem=systeme, **extra)


def _addr(parent: etree._Element, adresse: Adresse | None, use: str = "") -> None:
    if adresse is None or adresse.is_empty:
        _el(parent, "addr", nullFlavor="NASK")
        return
    # CI-SIS addresses are either streetAddressLine only or structured parts: structured,
    # so that the postal code and city stay machine-readable.
    addr = _el(parent, "addr", use=use)
    if adresse.lignes:
        _el(addr, "streetName", adresse.lignes[0])
    if len(adresse.lignes) > 1:
        _el(addr, "unitID", ", ".join(adresse.lignes[1:]))
    if adresse.code_postal:
        _el(addr, "postalCode", adresse.code_postal)
    if adresse.commune:
        _el(addr, "city", adresse.commune)
    _el(addr, "country", adresse.pays or "FRANCE")


def _telecoms(parent: etree._Element, telecoms: Iterable[Telecom], required: bool = False) -> None:
    count = 0
    for telecom in telecoms:
        value = telecom.valeur.replace(" ", "") if telecom.systeme == "tel" else telecom.valeur
        _el(parent, "telecom", value=f"{telecom.systeme}:{value}", use=telecom.usage)
        count += 1
    if required and not count:
        _el(parent, "telecom", nullFlavor="NASK")


def _telephone(parent: etree._Element, numero: str) -> None:
    _telecoms(parent, [Telecom(numero, usage="WP")] if numero else [], required=True)


def _person_name(parent: etree._Element, nom: str, prenom: str, civilite: str = "") -> None:
    name = _el(parent, "name")
    if civilite:
        _el(name, "prefix", civilite)
    if prenom:
        _el(name, "given", prenom)
    _el(name, "family", nom)


def _organisation(
    parent: etree._Element, structure: StructureData, tag: str, with_setting: bool = False
) -> None:
    organisation = _el(parent, tag)
    _el(organisation, "id", root=OID_STRUCT_IDNAT, extension=structure.id_nat)
    _el(organisation, "name", structure.nom)
    _telephone(organisation, structure.telephone)
    _addr(organisation, structure.adresse)
    if with_setting:
        _code(
            organisation,
            "ESSMS",
            "Etablissement ou Service Social ou Médico-Social",
            OID_J04,
            tag="standardIndustryClassCode",
        )


def _assigned(
    parent: etree._Element, pro: ProfessionnelData, structure: StructureData, tag: str
) -> etree._Element:
    entity = _el(parent, tag)
    _el(entity, "id", root=OID_PS_IDNAT, extension=pro.id_nat)
    if pro.profession_code:
        _code(entity, pro.profession_code, pro.profession_libelle, pro.profession_systeme)
    _addr(entity, structure.adresse)
    _telephone(entity, pro.telephone or structure.telephone)
    person = _el(entity, "assignedPerson")
    _person_name(person, pro.nom, pro.prenom, pro.civilite)
    _organisation(entity, structure, "representedOrganization", with_setting=True)
    return entity


# ---------------------------------------------------------------------------------------------
# Header
# ---------------------------------------------------------------------------------------------
def _check_professionnel(pro: ProfessionnelData, role: str, manquants: list[str]) -> None:
    if not pro.id_nat:
        manquants.append(f"identifiant national (RPPS, ADELI ou identifiant interne) du {role}")
    if not pro.nom:
        manquants.append(f"nom du {role}")


def _check_entete(
    patient: PatientData,
    auteur: AuteurData,
    responsable: ProfessionnelData,
    structure: StructureData,
) -> None:
    manquants: list[str] = []
    if not patient.nom_naissance:
        manquants.append("nom de naissance de l'usager")
    if not patient.premier_prenom_naissance:
        manquants.append("premier prénom de naissance de l'usager")
    if patient.ins is not None and not patient.lieu_naissance_cog:
        # CI-SIS: an INS travels with the birth place code (county = COG).
        manquants.append("code officiel géographique (COG) du lieu de naissance")
    if isinstance(auteur, ProfessionnelData):
        _check_professionnel(auteur, "auteur", manquants)
    _check_professionnel(responsable, "responsable du document", manquants)
    if not structure.finess:
        manquants.append("numéro FINESS de l'établissement")
    if manquants:
        raise DonneesManquantes(manquants)


def _record_target(root: etree._Element, patient: PatientData) -> None:
    # RNIV and CI-SIS: the INS (with its traits) only for a qualified identity; otherwise the
    # local identifier alone. PatientData cannot hold an unqualified INS; this is the second
    # lock the issue asks for, so a future change of the dataclass cannot leak one.
    if patient.ins is not None and patient.statut_identite != "qualifiee":
        raise InsNonQualifiee("INS d'une identité non qualifiée.")
    role = _el(_el(root, "recordTarget"), "patientRole")
    if patient.ins is not None:
        _el(role, "id", root=patient.ins.oid, extension=patient.ins.matricule)
    _el(role, "id", root=patient.autorite_locale_oid, extension=patient.identifiant_local)
    _addr(role, patient.adresse, use="H")
    _telecoms(role, patient.telecoms)
    person = _el(role, "patient", classCode="PSN")
    name = _el(person, "name")
    _el(name, "family", patient.nom_naissance, qualifier="BR")
    _el(name, "given", patient.prenoms_naissance or patient.premier_prenom_naissance)
    _el(name, "given", patient.premier_prenom_naissance, qualifier="BR")
    if patient.nom_utilise:
        _el(name, "family", patient.nom_utilise, qualifier="CL")
    if patient.prenom_utilise:
        _el(name, "given", patient.prenom_utilise, qualifier="CL")
    sexe, libelle = SEXE_CDA.get(patient.sexe, SEXE_CDA["I"])
    _code(person, sexe, libelle, "2.16.840.1.113883.5.1", tag="administrativeGenderCode")
    _el(person, "birthTime", value=_ts(patient.date_naissance))
    for representant in patient.representants[:1]:
        guardian = _el(person, "guardian")
        _addr(guardian, representant.adresse, use="H")
        _telecoms(guardian, representant.telecoms)
        guardian_person = _el(guardian, "guardianPerson")
        _person_name(guardian_person, representant.nom, representant.prenom, representant.civilite)
    if patient.lieu_naissance_cog or patient.lieu_naissance_libelle:
        addr = _el(_el(_el(person, "birthplace"), "place"), "addr")
        if patient.lieu_naissance_cog:
            _el(addr, "county", patient.lieu_naissance_cog)
        if patient.lieu_naissance_libelle:
            _el(addr, "city", patient.lieu_naissance_libelle)


def _author(
    root: etree._Element, auteur: AuteurData, structure: StructureData, date: dt.datetime
) -> None:
    author = _el(root, "author")
    _el(author, "time", value=_ts(date))
    if isinstance(auteur, ProfessionnelData):
        _assigned(author, auteur, structure, "assignedAuthor")
        return
    # CI-SIS: a software author is an assignedAuthoringDevice, identified within the
    # structure that runs it.
    assigned = _el(author, "assignedAuthor")
    _el(assigned, "id", root=OID_STRUCT_IDNAT, extension=structure.id_nat)
    _addr(assigned, structure.adresse)
    _telephone(assigned, structure.telephone)
    device = _el(assigned, "assignedAuthoringDevice")
    _el(device, "manufacturerModelName", f"{auteur.editeur or auteur.nom} {auteur.version}")
    _el(device, "softwareName", auteur.nom)
    _organisation(assigned, structure, "representedOrganization", with_setting=True)


def _informants(root: etree._Element, patient: PatientData) -> None:
    """Persons to call (ECON) and trusted person (NOK), as the DLU example shows them."""
    for personne in patient.entourage:
        for role, class_code in ((A_PREVENIR, "ECON"), (PERSONNE_CONFIANCE, "NOK")):
            if role not in personne.roles:
                continue
            entity = _el(_el(root, "informant"), "relatedEntity", classCode=class_code)
            if personne.lien:
                _code(
                    entity,
                    personne.lien,
                    personne.lien_libelle or personne.lien,
                    "2.16.840.1.113883.5.111",
                )
            _addr(entity, personne.adresse)
            _telecoms(entity, personne.telecoms, required=True)
            _person_name(_el(entity, "relatedPerson"), personne.nom, personne.prenom)


def _custodian(root: etree._Element, structure: StructureData) -> None:
    custodian = _el(_el(root, "custodian"), "assignedCustodian")
    _organisation(custodian, structure, "representedCustodianOrganization")


def _legal_authenticator(
    root: etree._Element, pro: ProfessionnelData, structure: StructureData, date: dt.datetime
) -> None:
    legal = _el(root, "legalAuthenticator")
    _el(legal, "time", value=_ts(date))
    _el(legal, "signatureCode", code="S")
    _assigned(legal, pro, structure, "assignedEntity")


def _participant_medecin_traitant(
    root: etree._Element, medecin: ProfessionnelData, date: dt.datetime
) -> None:
    participant = _el(root, "participant", typeCode="INF")
    _code(participant, "PCP", "Médecin traitant", "2.16.840.1.113883.5.88", tag="functionCode")
    _el(_typed(participant, "time", "IVL_TS"), "low", value=_ts(date))
    entity = _el(participant, "associatedEntity", classCode="PROV")
    _el(entity, "id", root=OID_PS_IDNAT, extension=medecin.id_nat)
    _el(entity, "addr", nullFlavor="NASK")
    _telephone(entity, medecin.telephone)
    _person_name(_el(entity, "associatedPerson"), medecin.nom, medecin.prenom, medecin.civilite)


def _service_event(
    root: etree._Element,
    document: DocumentData,
    code: tuple[str, str],
    responsable: ProfessionnelData,
    structure: StructureData,
) -> None:
    event = _el(_el(root, "documentationOf"), "serviceEvent")
    _code(event, code[0], code[1], LOINC)
    period = _el(event, "effectiveTime")
    _el(period, "low", value=_ts(document.debut_acte or document.date))
    _el(period, "high", value=_ts(document.fin_acte or document.date))
    performer = _el(event, "performer", typeCode="PRF")
    _assigned(performer, responsable, structure, "assignedEntity")


def _related_document(root: etree._Element, document: DocumentData) -> None:
    if not document.remplace:
        return
    related = _el(root, "relatedDocument", typeCode="RPLC")
    _el(_el(related, "parentDocument"), "id", root=document.remplace)


def _encompassing_encounter(
    root: etree._Element, sejour: SejourData | None, structure: StructureData, date: dt.datetime
) -> None:
    encounter = _el(_el(root, "componentOf"), "encompassingEncounter")
    period = _el(encounter, "effectiveTime")
    if sejour is not None:
        _el(period, "low", value=_ts(sejour.date_entree))
        if sejour.date_sortie:
            _el(period, "high", value=_ts(sejour.date_sortie))
    else:
        _el(period, "low", value=_ts(date))
    facility = _el(_el(encounter, "location"), "healthCareFacility")
    code, libelle = structure.type_j02
    _code(facility, code, libelle, OID_J02)


def _entete(
    *,
    templates: Iterable[tuple[str, str]],
    document: DocumentData,
    patient: PatientData,
    auteur: AuteurData,
    responsable: ProfessionnelData,
    structure: StructureData,
    sejour: SejourData | None,
    acte: tuple[str, str],
    informants: bool = False,
    medecin_traitant: ProfessionnelData | None = None,
) -> etree._Element:
    # Reference: CI-SIS "Volet Structuration minimale des documents de santé" v1.16, § 2
    # (en-tête CDA) and ASIP-STRUCT-MIN-StrucMin.sch.
    _check_entete(patient, auteur, responsable, structure)
    root = etree.Element(f"{{{NS}}}ClinicalDocument", nsmap=_NSMAP)  # type: ignore[arg-type,dict-item,unused-ignore]
    _el(root, "realmCode", code="FR")
    _el(root, "typeId", root="2.16.840.1.113883.1.3", extension="POCD_HD000040")
    _template(root, TEMPLATE_HL7_FRANCE, TEMPLATE_CISIS)
    for template_root, extension in templates:
        _el(root, "templateId", root=template_root, extension=extension)
    _el(root, "id", root=document.identifiant)
    _code(root, document.type_code, document.type_libelle, LOINC)
    _el(root, "title", document.titre)
    _el(root, "effectiveTime", value=_ts(document.date))
    _code(
        root,
        document.confidentialite,
        CONFIDENTIALITE[document.confidentialite],
        "2.16.840.1.113883.5.25",
        tag="confidentialityCode",
    )
    _el(root, "languageCode", code="fr-FR")
    _el(root, "setId", root=document.lot)
    _el(root, "versionNumber", value=str(document.version))
    _record_target(root, patient)
    _author(root, auteur, structure, document.date)
    if informants:
        _informants(root, patient)
    _custodian(root, structure)
    _legal_authenticator(root, responsable, structure, document.date)
    if medecin_traitant is not None:
        _participant_medecin_traitant(root, medecin_traitant, document.date)
    _service_event(root, document, acte, responsable, structure)
    _related_document(root, document)
    _encompassing_encounter(root, sejour, structure, document.date)
    return root


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


# ---------------------------------------------------------------------------------------------
# N1: unstructured document (PDF)
# ---------------------------------------------------------------------------------------------
def cda_n1(
    *,
    document: DocumentData,
    patient: PatientData,
    auteur: AuteurData,
    responsable: ProfessionnelData,
    structure: StructureData,
    sejour: SejourData | None,
    pdf: bytes,
) -> bytes:
    """A CDA R2 level 1 document carrying a PDF (support plan: type 80788-3)."""
    # Reference: CI-SIS "Volet Structuration minimale", § 3.1 corps non structuré, and IHE
    # XDS-SD (templateId 1.3.6.1.4.1.19376.1.2.20): nonXMLBody/text, application/pdf, B64.
    if not pdf.startswith(b"%PDF-"):
        raise DonneesManquantes(["document PDF (le contenu fourni n'est pas un PDF)"])
    root = _entete(
        templates=[(TEMPLATE_XDS_SD, "")],
        document=document,
        patient=patient,
        auteur=auteur,
        responsable=responsable,
        structure=structure,
        sejour=sejour,
        acte=(document.type_code, document.type_libelle),
    )
    body = _el(_el(root, "component"), "nonXMLBody")
    text = _el(body, "text", mediaType="application/pdf", representation="B64")
    text.text = base64.b64encode(pdf).decode("ascii")
    return _serialize(root)


# ---------------------------------------------------------------------------------------------
# Structured sections shared by DLU and FLUDT
# ---------------------------------------------------------------------------------------------
def _section(
    body: etree._Element, templates: Iterable[str], code: tuple[str, str], titre: str
) -> etree._Element:
    section = _el(_el(body, "component"), "section")
    _template(section, *templates)
    _el(section, "id", root=_uuid())
    _code(section, code[0], code[1], LOINC)
    _el(section, "title", titre)
    return section


def _text_table(
    section: etree._Element, entetes: Iterable[str], lignes: Iterable[Iterable[tuple[str, str]]]
) -> None:
    """Narrative table; each cell is (text, content ID or "")."""
    table = _el(_el(section, "text"), "table", border="0")
    head = _el(_el(table, "thead"), "tr")
    for entete in entetes:
        _el(head, "th", entete)
    body = _el(table, "tbody")
    for ligne in lignes:
        row = _el(body, "tr")
        for texte, ident in ligne:
            cell = _el(row, "td")
            if ident:
                _el(cell, "content", texte, ID=ident)
            else:
                cell.text = texte
    if not len(body):
        _el(_el(body, "tr"), "td", "Non renseigné")


def _simple_observation(
    section: etree._Element,
    code: tuple[str, str, str],
    reference: str,
    value: bool | None,
    effective: dt.datetime | None = None,
    extra_templates: Iterable[str] = (),
    parent_tag: str = "entry",
) -> etree._Element:
    observation = _el(_el(section, parent_tag), "observation", classCode="OBS", moodCode="EVN")
    _template(observation, "1.3.6.1.4.1.19376.1.5.3.1.4.13", "1.2.250.1.213.1.1.3.48")
    _template(observation, *extra_templates)
    _el(observation, "id", root=_uuid())
    _code(observation, *code)
    _el(_el(observation, "text"), "reference", value=f"#{reference}")
    _el(observation, "statusCode", code="completed")
    if effective is not None:
        _el(observation, "effectiveTime", value=_ts(effective))
    else:
        _el(observation, "effectiveTime", nullFlavor="NA")
    if value is None:
        _typed(observation, "value", "BL", nullFlavor="UNK")
    else:
        _typed(observation, "value", "BL", value="true" if value else "false")
    return observation


def _oui_non(value: bool | None) -> str:
    return {True: "oui", False: "non", None: "non renseigné"}[value]


def _section_traitements(body: etree._Element, traitements: Iterable[TraitementData]) -> None:
    # Reference: CI-SIS "Modèles de contenus CDA", section FR-Traitements
    # (1.2.250.1.213.1.1.2.143) and entry FR-Traitement (1.2.250.1.213.1.1.3.42). The DUI has no
    # coded medication yet: each treatment is narrative, the product uncoded (nullFlavor).
    section = _section(
        body,
        (
            "2.16.840.1.113883.10.20.1.8",
            "1.3.6.1.4.1.19376.1.5.3.1.3.19",
            "1.2.250.1.213.1.1.2.143",
        ),
        ("10160-0", "Historique de la prise médicamenteuse"),
        "Traitements au long cours",
    )
    traitements = list(traitements)
    _text_table(
        section,
        ("Date de début", "Traitement", "Posologie"),
        [
            (
                (t.debut.strftime("%d/%m/%Y") if t.debut else "", ""),
                (t.libelle, f"trt-{index}"),
                (t.posologie, ""),
            )
            for index, t in enumerate(traitements, 1)
        ],
    )
    for index, traitement in enumerate(traitements or [None], 1):
        administration = _el(
            _el(section, "entry"), "substanceAdministration", classCode="SBADM", moodCode="INT"
        )
        _template(
            administration,
            "2.16.840.1.113883.10.20.1.24",
            "1.3.6.1.4.1.19376.1.5.3.1.4.7",
            "1.2.250.1.213.1.1.3.42",
            "1.3.6.1.4.1.19376.1.5.3.1.4.7.1",
        )
        _el(administration, "id", root=_uuid())
        if traitement is not None:
            _el(_el(administration, "text"), "reference", value=f"#trt-{index}")
        _el(administration, "statusCode", code="completed")
        period = _typed(administration, "effectiveTime", "IVL_TS")
        if traitement is not None and traitement.debut:
            _el(period, "low", value=_ts(traitement.debut))
        else:
            _el(period, "low", nullFlavor="UNK")
        _el(period, "high", nullFlavor="UNK")  # long-term treatment: no planned end
        _el(administration, "doseQuantity", nullFlavor="UNK")
        product = _el(_el(administration, "consumable", typeCode="CSM"), "manufacturedProduct")
        _template(
            product,
            "2.16.840.1.113883.10.20.1.53",
            "1.3.6.1.4.1.19376.1.5.3.1.4.7.2",
            "1.2.250.1.213.1.1.3.43",
        )
        material = _el(product, "manufacturedMaterial", classCode="MMAT")
        code = _el(material, "code", nullFlavor="UNK")
        if traitement is not None:
            _el(_el(code, "originalText"), "reference", value=f"#trt-{index}")
            _el(material, "name", traitement.libelle)
        else:
            _el(material, "name", "Aucun traitement renseigné")


def _section_commentaire(body: etree._Element, commentaire: str) -> None:
    if not commentaire:
        return
    section = _el(_el(body, "component"), "section")
    _template(
        section,
        "2.16.840.1.113883.10.12.201",
        "1.3.6.1.4.1.19376.1.4.1.2.16",
        "1.2.250.1.213.1.1.2.73",
    )
    _code(section, "55112-7", "Commentaire", LOINC)
    _el(section, "title", "Commentaires")
    text = _el(section, "text")
    for ligne in commentaire.splitlines():
        if ligne.strip():
            _el(text, "paragraph", ligne.strip())


# ---------------------------------------------------------------------------------------------
# DLU
# ---------------------------------------------------------------------------------------------
def _problem_section(
    body: etree._Element,
    templates: tuple[str, ...],
    code: tuple[str, str],
    titre: str,
    problemes: Iterable[ProblemeData],
    prefix: str,
) -> None:
    problemes = list(problemes)
    if not problemes:
        return
    section = _section(body, templates, code, titre)
    _text_table(
        section,
        ("Date", "Pathologie"),
        [
            ((p.debut.strftime("%d/%m/%Y") if p.debut else "", ""), (p.libelle, f"{prefix}-{i}"))
            for i, p in enumerate(problemes, 1)
        ],
    )
    for index, probleme in enumerate(problemes, 1):
        act = _el(_el(section, "entry"), "act", classCode="ACT", moodCode="EVN")
        _template(
            act,
            "2.16.840.1.113883.10.20.1.27",
            "1.3.6.1.4.1.19376.1.5.3.1.4.5.1",
            "1.3.6.1.4.1.19376.1.5.3.1.4.5.2",
            "1.2.250.1.213.1.1.3.39",
        )
        _el(act, "id", root=_uuid())
        _el(act, "code", nullFlavor="NA")
        # IHE PCC concern entry: a completed concern (past history) has an end, even unknown.
        completed = prefix == "atcd"
        _el(act, "statusCode", code="completed" if completed else "active")
        period = _el(act, "effectiveTime")
        if probleme.debut:
            _el(period, "low", value=_ts(probleme.debut))
        else:
            _el(period, "low", nullFlavor="UNK")
        if completed:
            _el(period, "high", nullFlavor="UNK")
        observation = _el(
            _el(act, "entryRelationship", typeCode="SUBJ", inversionInd="false"),
            "observation",
            classCode="OBS",
            moodCode="EVN",
            negationInd="false",
        )
        _template(
            observation,
            "2.16.840.1.113883.10.20.1.28",
            "1.3.6.1.4.1.19376.1.5.3.1.4.5",
            "1.2.250.1.213.1.1.3.37",
        )
        _el(observation, "id", root=_uuid())
        _code(observation, "282291009", "interprétation diagnostique", SNOMED)
        _el(_el(observation, "text"), "reference", value=f"#{prefix}-{index}")
        _el(observation, "statusCode", code="completed")
        period = _el(observation, "effectiveTime")
        if probleme.debut:
            _el(period, "low", value=_ts(probleme.debut))
        else:
            _el(period, "low", nullFlavor="UNK")
        if probleme.code_cim10:
            value = _typed(
                observation,
                "value",
                "CD",
                code=probleme.code_cim10,
                displayName=probleme.libelle,
                codeSystem=CIM10,
            )
        else:
            value = _typed(observation, "value", "CD", nullFlavor="OTH")
        _el(_el(value, "originalText"), "reference", value=f"#{prefix}-{index}")


def cda_dlu(
    *,
    document: DocumentData,
    patient: PatientData,
    auteur: AuteurData,
    responsable: ProfessionnelData,
    structure: StructureData,
    sejour: SejourData | None,
    dlu: DluData,
) -> bytes:
    """Dossier de liaison d'urgence of an EHPAD resident."""
    # Reference: CI-SIS "Volet DLU-EHPAD" 2022.01 (DLU, templateId 1.2.250.1.213.1.1.1.22),
    # CI-SIS_DLU-EHPAD-DLU_2022.01.sch and the ANS example DLU-EHPAD-DLU_2022.01.xml.
    manquants = []
    if not structure.is_ehpad:
        manquants.append("séjour en EHPAD (le DLU concerne les résidents d'EHPAD)")
    if dlu.etablissement_preference is None:
        manquants.append("établissement de santé de préférence")
    elif not dlu.etablissement_preference.finess:
        manquants.append("FINESS de l'établissement de santé de préférence")
    if dlu.medecin_traitant is None or not dlu.medecin_traitant.id_nat:
        manquants.append("médecin traitant (avec son RPPS)")
    if not dlu.allergies and not dlu.sans_allergie_connue:
        # Safety: an emergency team reads "no allergy section" as "no allergy". The DLU is
        # not produced until someone has either listed them or stated that none is known.
        manquants.append("allergies (ou « aucune allergie connue »)")
    if manquants or dlu.etablissement_preference is None:
        raise DonneesManquantes(manquants)
    root = _entete(
        templates=[(TEMPLATE_DLU, "2022.01")],
        document=document,
        patient=patient,
        auteur=auteur,
        responsable=responsable,
        structure=structure,
        sejour=sejour,
        acte=("34117-2", "Historique et clinique"),
        informants=True,
        medecin_traitant=dlu.medecin_traitant,
    )
    body = _el(_el(root, "component"), "structuredBody")
    _section_preference(body, dlu.etablissement_preference)
    _problem_section(
        body,
        (
            "2.16.840.1.113883.10.20.1.11",
            "1.3.6.1.4.1.19376.1.5.3.1.3.6",
            "1.2.250.1.213.1.1.2.132",
        ),
        ("11450-4", "Liste des problèmes actifs"),
        "Pathologies en cours",
        dlu.pathologies,
        "patho",
    )
    _problem_section(
        body,
        ("1.3.6.1.4.1.19376.1.5.3.1.3.8", "1.2.250.1.213.1.1.2.134"),
        ("11348-0", "Antécédents médicaux"),
        "Antécédents médicaux",
        dlu.antecedents,
        "atcd",
    )
    _section_allergies(body, dlu.allergies)
    _section_traitements(body, dlu.traitements)
    _section_directives(body, dlu)
    _section_etat(body, dlu.etat)
    _section_bmr(body, dlu.bmr)
    _section_commentaire(body, dlu.commentaire)
    _section_documents(body)
    return _serialize(root)


def _section_allergies(body: etree._Element, allergies: Iterable[AllergieData]) -> None:
    """Allergies and hypersensitivities; with none listed, the DLU states that none is known
    (the builder refuses a DLU where nobody said either)."""
    # Reference: CI-SIS "Modèles de contenus CDA", section FR-Allergies-et-hypersensibilites
    # (1.2.250.1.213.1.1.2.137), entries FR-Liste-des-allergies-et-hypersensibilites
    # (1.2.250.1.213.1.1.3.40) and FR-Allergie-ou-hypersensibilite (1.2.250.1.213.1.1.3.41),
    # type from JDV_TypeEvenementIndesirablePrevisible_CISIS; as in the ANS example
    # DLU-EHPAD-DLU_2022.01.xml. The agent is free text: its code is nullFlavor with the
    # narrative as originalText, until allergies are coded.
    section = _section(
        body,
        (
            "2.16.840.1.113883.10.20.1.2",
            "1.3.6.1.4.1.19376.1.5.3.1.3.13",
            "1.2.250.1.213.1.1.2.137",
        ),
        ("48765-2", "Allergies et hypersensibilités"),
        "Allergies et hypersensibilités",
    )
    allergies = list(allergies)
    if allergies:
        _text_table(
            section,
            ("Type d'allergie", "Agent"),
            [
                ((a.type_libelle.capitalize(), ""), (a.agent, f"allergie-{i}"))
                for i, a in enumerate(allergies, 1)
            ],
        )
    else:
        _el(
            _el(section, "text"),
            "content",
            "Aucune allergie ni hypersensibilité connue.",
            ID="allergie-aucune",
        )
    act = _el(_el(section, "entry"), "act", classCode="ACT", moodCode="EVN")
    _template(
        act,
        "2.16.840.1.113883.10.20.1.27",
        "1.3.6.1.4.1.19376.1.5.3.1.4.5.1",
        "1.3.6.1.4.1.19376.1.5.3.1.4.5.3",
        "1.2.250.1.213.1.1.3.40",
    )
    _el(act, "id", root=_uuid())
    _el(act, "code", nullFlavor="NA")
    # A concern still followed: active, no end.
    _el(act, "statusCode", code="active")
    _el(_el(act, "effectiveTime"), "low", nullFlavor="UNK")
    for index, allergie in enumerate(allergies or [None], 1):
        reference = f"#allergie-{index}" if allergie is not None else "#allergie-aucune"
        attrs = {} if allergie is not None else {"negationInd": "true"}
        observation = _el(
            _el(act, "entryRelationship", typeCode="SUBJ", inversionInd="false"),
            "observation",
            classCode="OBS",
            moodCode="EVN",
            **attrs,
        )
        _template(
            observation,
            "2.16.840.1.113883.10.20.1.18",
            "2.16.840.1.113883.10.20.1.28",
            "1.3.6.1.4.1.19376.1.5.3.1.4.5",
            "1.3.6.1.4.1.19376.1.5.3.1.4.6",
            "1.2.250.1.213.1.1.3.41",
        )
        _el(observation, "id", root=_uuid())
        if allergie is not None:
            _code(observation, allergie.type_code, allergie.type_libelle, SNOMED)
        else:
            # "No known allergy": the allergy observation, negated (negationInd).
            _code(observation, "609328004", "allergie", SNOMED)
        _el(_el(observation, "text"), "reference", value=reference)
        _el(observation, "statusCode", code="completed")
        _el(_el(observation, "effectiveTime"), "low", nullFlavor="UNK")
        value = _typed(observation, "value", "CD")
        _el(_el(value, "originalText"), "reference", value=reference)
        if allergie is None:
            continue
        entity = _el(
            _el(
                _el(observation, "participant", typeCode="CSM"), "participantRole", classCode="MANU"
            ),
            "playingEntity",
            classCode="MMAT",
        )
        code = _el(entity, "code", nullFlavor="OTH")
        _el(_el(code, "originalText"), "reference", value=reference)
        _el(entity, "name", nullFlavor="NA")


def _section_preference(body: etree._Element, etablissement: StructureData) -> None:
    section = _section(
        body,
        ("1.3.6.1.4.1.19376.1.5.3.1.1.13.2.10", "1.2.250.1.213.1.1.2.172"),
        ("11302-7", "Etablissement de santé de préférence"),
        "Etablissement de santé de préférence",
    )
    text = _el(section, "text")
    _el(text, "content", etablissement.nom, ID="preference")
    act = _el(_el(section, "entry"), "act", classCode="ACT", moodCode="INT")
    _template(act, "1.3.6.1.4.1.19376.1.5.3.1.1.10.4.2", "1.2.250.1.213.1.1.3.97")
    _el(act, "id", root=_uuid())
    _code(act, "11302-7", "Etablissement de santé de préférence", LOINC)
    _el(_el(act, "text"), "reference", value="#preference")
    _el(act, "statusCode", code="normal")
    _el(act, "effectiveTime", nullFlavor="NAV")
    for type_code in ("RCV", "ORG", "DST"):
        participant = _el(act, "participant", typeCode=type_code)
        _el(participant, "time", nullFlavor="NAV")
        role = _el(participant, "participantRole", classCode="ROL")
        _el(role, "id", root=OID_STRUCT_IDNAT, extension=etablissement.id_nat)
        _addr(role, etablissement.adresse)
        _telephone(role, etablissement.telephone)
        _el(_el(role, "playingEntity"), "name", etablissement.nom)


def _section_directives(body: etree._Element, dlu: DluData) -> None:
    # Soins palliatifs (FR-Plan-de-soins) and Directives anticipées (FR-Directives-anticipees).
    section = _section(
        body,
        (
            "2.16.840.1.113883.10.20.1.10",
            "1.3.6.1.4.1.19376.1.5.3.1.3.36",
            "1.2.250.1.213.1.1.2.158",
        ),
        ("18776-5", "Plan de soins"),
        "Soins palliatifs",
    )
    _text_table(
        section,
        ("Plan de soins", "Réponse"),
        [[("Soins palliatifs", ""), (_oui_non(dlu.soins_palliatifs), "soins-palliatifs")]],
    )
    if dlu.soins_palliatifs is not None:
        procedure = _el(
            _el(section, "entry"),
            "procedure",
            classCode="PROC",
            moodCode="EVN",
            negationInd="false" if dlu.soins_palliatifs else "true",
        )
        _template(
            procedure,
            "1.3.6.1.4.1.19376.1.5.3.1.4.19",
            "2.16.840.1.113883.10.20.1.29",
            "1.2.250.1.213.1.1.3.62",
        )
        _el(procedure, "id", root=_uuid())
        _code(procedure, "103735009", "Soins palliatifs", SNOMED)
        _el(_el(procedure, "text"), "reference", value="#soins-palliatifs")
        _el(procedure, "statusCode", code="active")
        _el(procedure, "effectiveTime", nullFlavor="UNK")

    section = _section(
        body,
        (
            "2.16.840.1.113883.10.20.1.1",
            "1.3.6.1.4.1.19376.1.5.3.1.3.34",
            "1.3.6.1.4.1.19376.1.5.3.1.3.35",
            "1.2.250.1.213.1.1.2.157",
        ),
        ("42348-3", "Directives anticipées"),
        "Directives anticipées",
    )
    lignes = [[("Directives anticipées", ""), (_oui_non(dlu.directives_anticipees), "directives")]]
    if dlu.directives_anticipees and dlu.directives_anticipees_lieu:
        lignes.append([("Où les trouver", ""), (dlu.directives_anticipees_lieu, "")])
    _text_table(section, ("Directive", "Choix du patient"), lignes)
    observation = _el(_el(section, "entry"), "observation", classCode="OBS", moodCode="EVN")
    _template(
        observation,
        "2.16.840.1.113883.10.20.1.17",
        "1.3.6.1.4.1.19376.1.5.3.1.4.13",
        "1.3.6.1.4.1.19376.1.5.3.1.4.13.7",
        "1.2.250.1.213.1.1.3.54",
    )
    _el(observation, "id", root=_uuid())
    _code(observation, "42348-3", "Directives anticipées", LOINC)
    _el(_el(observation, "text"), "reference", value="#directives")
    _el(observation, "statusCode", code="completed")
    period = _el(observation, "effectiveTime")
    _el(period, "low", nullFlavor="UNK")
    if dlu.directives_anticipees is None:
        _typed(observation, "value", "BL", nullFlavor="UNK")
    else:
        _typed(observation, "value", "BL", value="true" if dlu.directives_anticipees else "false")


def _section_etat(body: etree._Element, etat: dict[str, bool]) -> None:
    section = _section(
        body,
        (
            "1.3.6.1.4.1.19376.1.5.3.1.1.21.2.9",
            "1.3.6.1.4.1.19376.1.7.3.1.1.13.7",
            "1.2.250.1.213.1.1.2.163",
        ),
        ("42545-4", "Evènements observés"),
        "Observations",
    )
    _text_table(
        section,
        ("Domaine", "Observation", "Réponse"),
        [
            [(groupe, ""), (libelle, f"etat-{code}"), (_oui_non(etat.get(code)), "")]
            for groupe, code, libelle in ETAT_PATIENT
        ],
    )
    for _groupe, code, libelle in ETAT_PATIENT:
        _simple_observation(section, (code, libelle, SNOMED), f"etat-{code}", etat.get(code))


def _section_bmr(body: etree._Element, bmr: bool | None) -> None:
    section = _section(
        body,
        (
            "1.3.6.1.4.1.19376.1.5.3.1.3.27",
            "1.3.6.1.4.1.19376.1.5.3.1.3.28",
            "1.2.250.1.213.1.1.2.151",
        ),
        ("30954-2", "Résultats d'examens"),
        "Résultats d'examens",
    )
    _text_table(
        section,
        ("Question", "Réponse"),
        [[("Le patient porte-t-il une bactérie multirésistante ?", "bmr"), (_oui_non(bmr), "")]],
    )
    procedure = _el(_el(section, "entry"), "procedure", classCode="PROC", moodCode="EVN")
    _template(
        procedure,
        "1.3.6.1.4.1.19376.1.5.3.1.4.19",
        "2.16.840.1.113883.10.20.1.29",
        "1.2.250.1.213.1.1.3.62",
    )
    _el(procedure, "id", root=_uuid())
    _el(procedure, "code", nullFlavor="NA")
    _el(_el(procedure, "text"), "reference", value="#bmr")
    _el(procedure, "statusCode", code="completed")
    _simple_observation(section, ("U83.71", "Bactérie multirésistante [BMR]", CIM10), "bmr", bmr)


# JDV_ChecklistDLU_CISIS: the documents the DLU lists as attached or not.
CHECKLIST_DLU = (
    ("DLU_006", "Attestation de la carte vitale"),
    ("DLU_007", "Attestation de mutuelle"),
)


def _section_documents(body: etree._Element) -> None:
    section = _section(
        body,
        ("1.2.250.1.213.1.1.2.37",),
        ("55107-7", "Documents ajoutés"),
        "Checklist des documents annexés au DLU",
    )
    _text_table(
        section,
        ("Document", "Annexé au DLU"),
        [[(libelle, f"doc-{code}"), ("non", "")] for code, libelle in CHECKLIST_DLU],
    )
    # FR-Document-attache: one organizer per checklist item; the DUI attaches no scan yet, so
    # the media value is nullFlavor (allowed by E_organizerDocumentAttache_ANS).
    for code, libelle in CHECKLIST_DLU:
        organizer = _el(_el(section, "entry"), "organizer", classCode="CLUSTER", moodCode="EVN")
        _template(organizer, "1.2.250.1.213.1.1.3.18")
        _el(organizer, "id", root=_uuid())
        _code(organizer, "55107-7", "Document attaché", LOINC)
        _el(organizer, "statusCode", code="completed")
        observation = _el(
            _el(organizer, "component"), "observation", classCode="OBS", moodCode="EVN"
        )
        _template(
            observation,
            "1.3.6.1.4.1.19376.1.5.3.1.4.13",
            "1.2.250.1.213.1.1.3.48",
            "1.2.250.1.213.1.1.3.48.18",
        )
        _el(observation, "id", root=_uuid())
        _code(observation, "69764-9", "Type de document", LOINC)
        _el(_el(observation, "text"), "reference", value=f"#doc-{code}")
        _el(observation, "statusCode", code="completed")
        _el(observation, "effectiveTime", nullFlavor="NA")
        _typed(observation, "value", "CD", code=code, displayName=libelle, codeSystem=OID_TA_ASIP)
        media = _el(
            _el(organizer, "component"), "observationMedia", classCode="OBS", moodCode="EVN"
        )
        _el(media, "value", nullFlavor="NA")


# ---------------------------------------------------------------------------------------------
# FLUDT
# ---------------------------------------------------------------------------------------------
def cda_fludt(
    *,
    document: DocumentData,
    patient: PatientData,
    auteur: AuteurData,
    responsable: ProfessionnelData,
    structure: StructureData,
    sejour: SejourData | None,
    dlu: DluData,
    fludt: FludtData,
) -> bytes:
    """Fiche de liaison d'urgence: transfer of an EHPAD resident to an emergency department."""
    # Reference: CI-SIS "Volet DLU-EHPAD" 2022.01 (FLUDT, templateId 1.2.250.1.213.1.1.1.23),
    # CI-SIS_DLU-EHPAD-FLUDT_2022.01.sch and the ANS example DLU-EHPAD-FLUDT_2022.01.xml.
    manquants = []
    if not structure.is_ehpad:
        manquants.append("séjour en EHPAD (la fiche de transfert concerne les résidents d'EHPAD)")
    if not fludt.motif:
        manquants.append("motif du transfert")
    if not fludt.signes_vitaux:
        # FR-Signes-vitaux needs its organizer: the sheet is not sent without measurements.
        manquants.append("signes vitaux récents (pouls, température, tension ou poids)")
    if manquants:
        raise DonneesManquantes(manquants)
    root = _entete(
        templates=[(TEMPLATE_FLUDT, "2022.01")],
        document=document,
        patient=patient,
        auteur=auteur,
        responsable=responsable,
        structure=structure,
        sejour=sejour,
        acte=("28651-8", "Transfert du patient au service des urgences"),
        informants=True,
    )
    body = _el(_el(root, "component"), "structuredBody")
    _section_transfert(body, fludt)
    _section_signes_vitaux(body, fludt)
    _section_conscience(body, fludt)
    _section_derniere_prise(body, fludt)
    _section_dernier_repas(body, fludt)
    _section_protheses(body, fludt)
    _section_commentaire(body, fludt.commentaire)
    return _serialize(root)


def _section_transfert(body: etree._Element, fludt: FludtData) -> None:
    section = _section(
        body,
        (
            "1.3.6.1.4.1.19376.1.5.3.1.1.21.2.9",
            "1.3.6.1.4.1.19376.1.7.3.1.1.13.7",
            "1.2.250.1.213.1.1.2.163",
        ),
        ("42545-4", "Evènements observés"),
        "Transfert du patient de l'EHPAD vers le SU",
    )
    destination = fludt.etablissement_destination
    _text_table(
        section,
        ("Transfert", "Précision"),
        [
            [("Motif", "transfert-motif"), (fludt.motif, "")],
            [("Date", ""), (fludt.date_transfert.strftime("%d/%m/%Y %H:%M"), "")],
            [("Etablissement", "transfert-es"), (destination.nom if destination else "", "")],
        ],
    )
    observation = _el(_el(section, "entry"), "observation", classCode="OBS", moodCode="EVN")
    _template(observation, "1.3.6.1.4.1.19376.1.5.3.1.4.13", "1.2.250.1.213.1.1.3.48")
    _el(observation, "id", root=_uuid())
    _code(observation, "57277-6", "Motif du transfert vers le service des urgences", LOINC)
    _el(_el(observation, "text"), "reference", value="#transfert-motif")
    _el(observation, "statusCode", code="completed")
    _el(observation, "effectiveTime", value=_ts(fludt.date_transfert))
    value = _typed(observation, "value", "CD")
    _el(_el(value, "originalText"), "reference", value="#transfert-motif")

    # The sheet is written when the resident leaves: the transfer is planned (INT, normal),
    # its arrival time is not known yet (E_patientTransfer_fr).
    act = _el(_el(section, "entry"), "act", classCode="ACT", moodCode="INT")
    _template(act, "1.3.6.1.4.1.19376.1.5.3.1.1.25.1.4.1", "1.2.250.1.213.1.1.3.28")
    _el(act, "id", root=_uuid())
    _code(act, "80413-8", "Transfert du patient", LOINC)
    _el(_el(act, "text"), "reference", value="#transfert-es")
    _el(act, "statusCode", code="normal")
    _el(_el(act, "effectiveTime"), "low", value=_ts(fludt.date_transfert))
    if destination is not None:
        participant = _el(act, "participant", typeCode="DST")
        role = _el(participant, "participantRole", classCode="SDLOC")
        _el(role, "id", root=OID_STRUCT_IDNAT, extension=destination.id_nat)
        code, libelle = destination.type_j02
        _code(role, code, libelle, OID_J02)
        _addr(role, destination.adresse)
        _telephone(role, destination.telephone)
        _el(_el(role, "playingEntity", classCode="ENT"), "name", destination.nom)


def _section_signes_vitaux(body: etree._Element, fludt: FludtData) -> None:
    # Reference: CI-SIS section FR-Signes-vitaux (1.2.250.1.213.1.1.2.75), entries
    # FR-Signes-vitaux (organizer 1.2.250.1.213.1.1.3.49) and FR-Signe-vital-observe (.3.50).
    section = _section(
        body,
        (
            "2.16.840.1.113883.10.20.1.16",
            "1.3.6.1.4.1.19376.1.5.3.1.3.25",
            "1.3.6.1.4.1.19376.1.5.3.1.1.5.3.2",
            "1.2.250.1.213.1.1.2.75",
        ),
        ("8716-3", "Signes vitaux"),
        "Constantes du patient",
    )
    _text_table(
        section,
        ("Constante", "Mesure"),
        [
            [(signe.libelle, f"sv-{index}"), (f"{signe.valeur} {signe.unite}", "")]
            for index, signe in enumerate(fludt.signes_vitaux, 1)
        ],
    )
    if not fludt.signes_vitaux:
        return
    organizer = _el(_el(section, "entry"), "organizer", classCode="CLUSTER", moodCode="EVN")
    _template(
        organizer,
        "2.16.840.1.113883.10.20.1.32",
        "2.16.840.1.113883.10.20.1.35",
        "1.3.6.1.4.1.19376.1.5.3.1.4.13.1",
        "1.2.250.1.213.1.1.3.49",
    )
    _el(organizer, "id", root=_uuid())
    _code(organizer, "85353-1", "Signes vitaux", LOINC)
    _el(organizer, "statusCode", code="completed")
    _el(organizer, "effectiveTime", value=_ts(fludt.date_transfert))
    for index, signe in enumerate(fludt.signes_vitaux, 1):
        observation = _el(
            _el(organizer, "component", typeCode="COMP"),
            "observation",
            classCode="OBS",
            moodCode="EVN",
        )
        _template(
            observation,
            "2.16.840.1.113883.10.20.1.31",
            "1.3.6.1.4.1.19376.1.5.3.1.4.13",
            "1.3.6.1.4.1.19376.1.5.3.1.4.13.2",
            "1.2.250.1.213.1.1.3.50",
        )
        _el(observation, "id", root=_uuid())
        _code(observation, signe.code, signe.libelle, LOINC)
        _el(_el(observation, "text"), "reference", value=f"#sv-{index}")
        _el(observation, "statusCode", code="completed")
        _el(observation, "effectiveTime", value=_ts(fludt.date_transfert))
        _typed(observation, "value", "PQ", value=signe.valeur, unit=signe.unite)


def _section_conscience(body: etree._Element, fludt: FludtData) -> None:
    section = _section(
        body,
        (
            "1.3.6.1.4.1.19376.1.5.3.1.3.27",
            "1.3.6.1.4.1.19376.1.5.3.1.3.28",
            "1.2.250.1.213.1.1.2.151",
        ),
        ("30954-2", "Résultats d'examens"),
        "Observations",
    )
    libelle = CONSCIENCE.get(fludt.conscience, "")
    lignes = [[("Etat de conscience", "etat-conscience"), (libelle, "")]]
    if fludt.douleur:
        lignes.append([("Douleurs récentes", "douleur"), (fludt.douleur, "")])
    _text_table(section, ("Observation", "Résultat"), lignes)
    procedure = _el(_el(section, "entry"), "procedure", classCode="PROC", moodCode="EVN")
    _template(
        procedure,
        "2.16.840.1.113883.10.20.1.29",
        "1.3.6.1.4.1.19376.1.5.3.1.4.19",
        "1.2.250.1.213.1.1.3.62",
    )
    _el(procedure, "id", root=_uuid())
    _el(procedure, "code", nullFlavor="NA")
    _el(_el(procedure, "text"), "reference", value="#etat-conscience")
    _el(procedure, "statusCode", code="completed")
    _el(procedure, "effectiveTime", value=_ts(fludt.date_transfert))
    _simple_observation(
        section,
        (fludt.conscience, libelle, OID_TA_ASIP),
        "etat-conscience",
        True,
        effective=fludt.date_transfert,
    )
    if fludt.douleur:
        _simple_observation(
            section,
            ("R52.9", "Douleur, sans précision", CIM10),
            "douleur",
            True,
            effective=fludt.date_transfert,
        )


def _section_derniere_prise(body: etree._Element, fludt: FludtData) -> None:
    section = _section(
        body,
        (
            "2.16.840.1.113883.10.20.1.8",
            "1.3.6.1.4.1.19376.1.5.3.1.3.19",
            "1.2.250.1.213.1.1.2.143",
        ),
        ("10160-0", "Historique de la prise médicamenteuse"),
        "Date et heure de la dernière prise du traitement habituel",
    )
    prise = fludt.derniere_prise_traitement
    texte = (
        f"Dernière prise du traitement habituel le {prise:%d/%m/%Y à %H:%M}."
        if prise
        else "Dernière prise du traitement habituel : non renseignée."
    )
    _el(_el(section, "text"), "content", texte, ID="derniere-prise")
    administration = _el(
        _el(section, "entry"), "substanceAdministration", classCode="SBADM", moodCode="EVN"
    )
    _template(
        administration,
        "2.16.840.1.113883.10.20.1.24",
        "1.3.6.1.4.1.19376.1.5.3.1.4.7",
        "1.2.250.1.213.1.1.3.42",
        "1.3.6.1.4.1.19376.1.5.3.1.4.7.1",
    )
    _el(administration, "id", root=_uuid())
    _el(administration, "code", nullFlavor="NA")
    _el(_el(administration, "text"), "reference", value="#derniere-prise")
    _el(administration, "statusCode", code="completed")
    period = _typed(administration, "effectiveTime", "IVL_TS")
    if prise is not None:
        _el(period, "low", value=_ts(prise))
        _el(period, "high", value=_ts(prise))
    else:
        _el(period, "low", nullFlavor="UNK")
        _el(period, "high", nullFlavor="UNK")
    product = _el(_el(administration, "consumable"), "manufacturedProduct")
    _template(
        product,
        "2.16.840.1.113883.10.20.1.53",
        "1.3.6.1.4.1.19376.1.5.3.1.4.7.2",
        "1.2.250.1.213.1.1.3.43",
    )
    material = _el(product, "manufacturedMaterial")
    _el(material, "code", nullFlavor="UNK")
    _el(material, "name", nullFlavor="UNK")


def _section_dernier_repas(body: etree._Element, fludt: FludtData) -> None:
    section = _section(
        body,
        ("1.3.6.1.4.1.19376.1.7.3.1.1.13.5", "1.2.250.1.213.1.1.2.162"),
        ("47420-5", "Évaluation du statut fonctionnel"),
        "Date et heure du dernier repas",
    )
    repas = fludt.dernier_repas
    texte = f"Dernier repas pris le {repas:%d/%m/%Y à %H:%M}." if repas else "Non renseigné."
    _el(_el(section, "text"), "content", texte, ID="dernier-repas")
    observation = _el(_el(section, "entry"), "observation", classCode="OBS", moodCode="EVN")
    _template(observation, "1.3.6.1.4.1.19376.1.5.3.1.4.13", "1.2.250.1.213.1.1.3.48")
    _el(observation, "id", root=_uuid())
    _code(observation, "GEN-244", "Date et heure du dernier repas", OID_TA_ASIP)
    _el(_el(observation, "text"), "reference", value="#dernier-repas")
    _el(observation, "statusCode", code="completed")
    if repas is not None:
        _el(observation, "effectiveTime", value=_ts(repas))
    else:
        _el(observation, "effectiveTime", nullFlavor="UNK")
    _typed(observation, "value", "REAL", nullFlavor="NA")


def _section_protheses(body: etree._Element, fludt: FludtData) -> None:
    section = _section(
        body,
        ("1.2.250.1.213.1.1.2.53",),
        ("46264-8", "Dispositifs médicaux"),
        "Prothèses et objets personnels",
    )
    _text_table(
        section,
        ("Prothèse / Objet personnel", "Présent"),
        [[(PROTHESES[code][0], f"prothese-{code}"), ("oui", "")] for code in fludt.protheses],
    )
    for code in fludt.protheses:
        libelle, systeme = PROTHESES[code]
        observation = _simple_observation(
            section,
            (code, libelle, systeme),
            f"prothese-{code}",
            True,
            effective=fludt.date_transfert,
            extra_templates=("1.2.250.1.213.1.1.3.12",),
        )
        _el(observation, "targetSiteCode", nullFlavor="NASK")
