"""HL7 v2.5 messages of the IHE PAM France profile (2.11). Pure: data in, bytes out.

Outbound ADT messages are assembled as ER7 text here rather than through hl7apy's object
model: hl7apy builds about 270 messages per second on one core, below the 500 the issue asks
for, while the segments of PAM FR are few and fixed. Tests parse every message back with
hl7apy (`find_groups=False`, so no Z-segment is dropped) and run the validation kit on it.

Identity: the INS (PID-3, CX.5 = INS) only for a qualified identity, with PID-32 giving the
identity reliability; otherwise the local identifier alone (PI).
"""

import datetime as dt

from .data import (
    A_PREVENIR,
    OID_INS_NIA,
    OID_INS_NIR,
    OID_INS_NIR_DEMO,
    OID_INS_NIR_TEST,
    PERSONNE_CONFIANCE,
    REPRESENTANT_LEGAL,
    Adresse,
    DonneesManquantes,
    InsNonQualifiee,
    MessageData,
    PatientData,
    PersonneData,
    SejourData,
    StructureData,
)

EVENEMENTS = {
    # trigger: (structure, needs a stay, movement with ZBE)
    "A28": ("ADT_A05", False, False),
    "A31": ("ADT_A05", False, False),
    "A01": ("ADT_A01", True, True),
    "A03": ("ADT_A03", True, True),
    "A21": ("ADT_A21", True, True),
    "A52": ("ADT_A52", True, True),
}
_AUTORITE_INS = {
    OID_INS_NIR: "ASIP-SANTE-INS-NIR",
    OID_INS_NIA: "ASIP-SANTE-INS-NIA",
    OID_INS_NIR_TEST: "ASIP-SANTE-INS-NIR-TEST",
    OID_INS_NIR_DEMO: "ASIP-SANTE-INS-NIR-DEMO",
}
# RNIV status -> PID-32 (CI-SIS INS annex, HL7 table 0445: PROV, RECUP, VALI, QUAL).
_FIABILITE = {"provisoire": "PROV", "recuperee": "RECUP", "validee": "VALI", "qualifiee": "QUAL"}
_CLASSE = {
    "internat": "I",
    "accueil_temporaire": "I",
    "externat": "O",
    "accueil_jour": "O",
    "domicile": "O",
}
# HL7 v3 RoleCode of the DUI -> HL7 v2 table 0063 (relationship).
_RELATION = {
    "MTH": "MTH",
    "FTH": "FTH",
    "DAU": "CHD",
    "SON": "CHD",
    "CHILD": "CHD",
    "SIS": "SIB",
    "BRO": "SIB",
    "SPS": "SPO",
    "HUSB": "SPO",
    "WIFE": "SPO",
    "FRND": "FND",
    "GUARD": "GRD",
}


def _escape(value: str) -> str:
    """HL7 escape sequences for the delimiters (v2.5 § 2.7)."""
    return (
        value.replace("\\", "\\E\\")
        .replace("|", "\\F\\")
        .replace("^", "\\S\\")
        .replace("&", "\\T\\")
        .replace("~", "\\R\\")
        .replace("\r", " ")
        .replace("\n", " ")
    )


def _components(*values: str) -> str:
    return "^".join(values).rstrip("^")


def _segment(name: str, *fields: str) -> str:
    return "|".join((name, *fields)).rstrip("|")


def _ts(value: dt.datetime | dt.date) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y%m%d%H%M%S")
    return value.strftime("%Y%m%d")


def _hd(namespace: str, oid: str) -> str:
    return f"{_escape(namespace)}&{oid}&ISO"


def _xad(adresse: Adresse | None, kind: str) -> str:
    if adresse is None or adresse.is_empty:
        return ""
    lignes = [_escape(ligne) for ligne in adresse.lignes]
    return _components(
        lignes[0] if lignes else "",
        ", ".join(lignes[1:]),
        _escape(adresse.commune),
        "",
        adresse.code_postal,
        _escape(adresse.pays or "FRA"),
        kind,
    )


def _pid(patient: PatientData) -> str:
    # Reference: IHE PAM France 2.11, § PID (INS: PID-3 CX.5 = INS, authority OID
    # 1.2.250.1.213.1.4.x; PID-5 type L = birth names, D = used names; PID-11 BDL = birth
    # place COG; PID-32 identity reliability).
    if patient.ins is not None and patient.statut_identite != "qualifiee":
        raise InsNonQualifiee("INS d'une identité non qualifiée.")
    identifiants = [
        _components(
            _escape(patient.identifiant_local),
            "",
            "",
            _hd(patient.autorite_locale_nom, patient.autorite_locale_oid),
            "PI",
        )
    ]
    if patient.ins is not None:
        identifiants.append(
            _components(
                patient.ins.matricule,
                "",
                "",
                _hd(_AUTORITE_INS[patient.ins.oid], patient.ins.oid),
                "INS",
            )
        )
    noms = [
        _components(
            _escape(patient.nom_naissance),
            _escape(patient.premier_prenom_naissance),
            _escape(patient.prenoms_naissance),
            "",
            "",
            "",
            "L",
        )
    ]
    if patient.nom_utilise or patient.prenom_utilise:
        noms.append(
            _components(
                _escape(patient.nom_utilise or patient.nom_naissance),
                _escape(patient.prenom_utilise or patient.premier_prenom_naissance),
                "",
                "",
                "",
                "",
                "D",
            )
        )
    adresses = []
    habitation = _xad(patient.adresse, "H")
    if habitation:
        adresses.append(habitation)
    if patient.lieu_naissance_cog:
        adresses.append(
            _components(
                "",
                "",
                _escape(patient.lieu_naissance_libelle),
                "",
                "",
                "",
                "BDL",
                "",
                patient.lieu_naissance_cog,
            )
        )
    telephones = "~".join(
        _components(
            _escape(t.valeur),
            "PRN" if t.usage != "MC" else "ORN",
            "PH" if t.usage != "MC" else "CP",
        )
        for t in patient.telecoms
        if t.systeme == "tel"
    )
    fields = [""] * 32
    fields[0] = "1"
    fields[2] = "~".join(identifiants)
    fields[4] = "~".join(noms)
    fields[6] = _ts(patient.date_naissance)
    fields[7] = {"F": "F", "M": "M"}.get(patient.sexe, "U")
    fields[10] = "~".join(adresses)
    fields[12] = telephones
    fields[31] = _FIABILITE[patient.statut_identite]
    return _segment("PID", *fields)


def _nk1(patient: PatientData) -> list[str]:
    segments = []
    for index, personne in enumerate(patient.entourage, 1):
        segments.append(_nk1_segment(index, personne))
    return segments


def _nk1_segment(index: int, personne: PersonneData) -> str:
    relation = _RELATION.get(personne.lien, "")
    if REPRESENTANT_LEGAL in personne.roles:
        relation = "GRD"
    role = "C" if A_PREVENIR in personne.roles else ""
    if PERSONNE_CONFIANCE in personne.roles:
        role = "K"
    telephones = "~".join(
        _components(_escape(t.valeur), "PRN", "PH") for t in personne.telecoms if t.systeme == "tel"
    )
    return _segment(
        "NK1",
        str(index),
        _components(_escape(personne.nom), _escape(personne.prenom)),
        _components(relation, _escape(personne.lien_libelle), "HL70063") if relation else "",
        _xad(personne.adresse, "H"),
        telephones,
        "",
        _components(role, "", "HL70131") if role else "",
    )


def _pv1(patient: PatientData, sejour: SejourData | None, trigger: str) -> str:
    fields = [""] * 45
    fields[0] = "1"
    if sejour is None or trigger in ("A28", "A31"):
        # Identity messages carry no visit: patient class N (not applicable).
        fields[1] = "N"
        return _segment("PV1", *fields)
    structure = sejour.structure
    fields[1] = _CLASSE.get(sejour.mode_accueil, "I")
    fields[2] = _components(_escape(sejour.unite), "", "", _escape(structure.nom))
    fields[18] = _components(
        _escape(sejour.identifiant),
        "",
        "",
        _hd(patient.autorite_locale_nom, patient.autorite_locale_oid),
        "VN",
    )
    fields[43] = _ts(sejour.date_entree)
    if trigger == "A03" and sejour.date_sortie:
        fields[44] = _ts(sejour.date_sortie)
    return _segment("PV1", *fields)


def _zbe(patient: PatientData, sejour: SejourData, message: MessageData, trigger: str) -> str:
    # Reference: IHE PAM France 2.11, § ZBE (movement: id, date, action, historic flag,
    # original trigger of an update/cancel, responsible unit, nature).
    action = "CANCEL" if trigger == "A52" else "INSERT"
    return _segment(
        "ZBE",
        _components(
            _escape(message.mouvement),
            _escape(patient.autorite_locale_nom),
            patient.autorite_locale_oid,
            "ISO",
        ),
        _ts(message.date_evenement or message.date),
        "",
        action,
        "N",
        message.annule if trigger == "A52" else "",
        _components(
            _escape(sejour.unite or sejour.structure.nom),
            "",
            "",
            "",
            "",
            _hd(sejour.structure.nom, patient.autorite_locale_oid),
            "UF",
        ),
        "",
        "H",
    )


def hl7_adt(
    trigger: str,
    *,
    patient: PatientData,
    structure: StructureData,
    message: MessageData,
    sejour: SejourData | None = None,
) -> bytes:
    """ADT message: A28/A31 (identity), A01 (admission), A03 (exit), A21/A52 (leave of
    absence, and its cancellation)."""
    # Reference: IHE PAM France 2.11 (HL7 v2.5): transactions ITI-30 (A28, A31) and ITI-31
    # (A01, A03, A21, A52), MSH-21 = 2.11^IHE_FRANCE-2.11-PAM.
    if trigger not in EVENEMENTS:
        raise ValueError(f"Événement HL7 non pris en charge : {trigger}")
    structure_message, needs_stay, movement = EVENEMENTS[trigger]
    manquants = []
    if not patient.nom_naissance or not patient.premier_prenom_naissance:
        manquants.append("nom et premier prénom de naissance de l'usager")
    if needs_stay and sejour is None:
        manquants.append("séjour de l'usager")
    if movement and not message.mouvement:
        manquants.append("identifiant du mouvement")
    if trigger == "A03" and sejour is not None and sejour.date_sortie is None:
        manquants.append("date de sortie du séjour")
    if trigger == "A52" and not message.annule:
        manquants.append("événement annulé")
    if manquants:
        raise DonneesManquantes(manquants)
    msh = _segment(
        "MSH",
        "^~\\&",
        "DUI",
        _escape(structure.finess),
        _escape(message.application_destinataire),
        _escape(message.etablissement_destinataire),
        _ts(message.date),
        "",
        f"ADT^{trigger}^{structure_message}",
        _escape(message.identifiant),
        message.traitement,
        "2.5^FRA^2.11",
        "",
        "",
        "",
        "",
        "FRA",
        "UNICODE UTF-8",
        "FR",
        "",
        "2.11^IHE_FRANCE-2.11-PAM",
    )
    evn = _segment(
        "EVN", "", _ts(message.date), "", "", "", _ts(message.date_evenement or message.date)
    )
    segments = [msh, evn, _pid(patient)]
    if trigger in ("A28", "A31"):
        segments.extend(_nk1(patient))
    segments.append(_pv1(patient, sejour, trigger))
    if movement and sejour is not None:
        segments.append(_zbe(patient, sejour, message, trigger))
    return ("\r".join(segments) + "\r").encode("utf-8")
