"""The data the payload builders take: small frozen dataclasses, no Django model.

`interop.mapping` fills them from the models; the builders (`cda`, `fhir`, `hl7v2`) turn them
into bytes or dicts. Keeping the builders on plain data lets them be tested against the
official examples and the validation kit without a database, and measured alone.

The INS rule lives here as an invariant: a `PatientData` carries an INS only when the identity
is *qualifiée* (Référentiel national d'identitovigilance, RNIV 1 § 3.3: only a qualified
identity may be shared with the INS). `interop.mapping` is the one place that decides; the
dataclass refuses to exist otherwise, so a builder can never receive an unqualified INS.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

# ---------------------------------------------------------------------------------------------
# Identifiers and OIDs (ANS, "Identifiants et OID" of the CI-SIS)
# ---------------------------------------------------------------------------------------------
OID_INS_NIR = "1.2.250.1.213.1.4.8"
OID_INS_NIA = "1.2.250.1.213.1.4.9"
OID_INS_NIR_TEST = "1.2.250.1.213.1.4.10"
OID_INS_NIR_DEMO = "1.2.250.1.213.1.4.11"
INS_OIDS = frozenset({OID_INS_NIR, OID_INS_NIA, OID_INS_NIR_TEST, OID_INS_NIR_DEMO})
OID_PS_IDNAT = "1.2.250.1.71.4.2.1"  # PS_IdNat: 8+RPPS, 0+ADELI, 3+FINESS/internal id
OID_STRUCT_IDNAT = "1.2.250.1.71.4.2.2"  # Struct_IdNat: 1+FINESS

QUALIFIEE = "qualifiee"
STATUTS_IDENTITE = ("provisoire", "recuperee", "validee", QUALIFIEE)

_NIR_RE = re.compile(r"^[12378]\d{4}(2[AB]|\d{2})\d{6}\d{2}$")


class DonneesManquantes(ValueError):
    """The record lacks what a payload needs. `manquants` lists the missing items, in French,
    so the operator reads what to complete rather than a half-built document."""

    def __init__(self, manquants: list[str] | tuple[str, ...]) -> None:
        self.manquants = tuple(manquants)
        super().__init__("Données manquantes : " + " ; ".join(self.manquants) + ".")


class InsNonQualifiee(ValueError):
    """An INS was about to travel with an identity that is not qualified."""


@dataclass(frozen=True, slots=True)
class Adresse:
    lignes: tuple[str, ...] = ()
    code_postal: str = ""
    commune: str = ""
    pays: str = ""  # empty: France

    @property
    def is_empty(self) -> bool:
        return not (self.lignes or self.code_postal or self.commune)


@dataclass(frozen=True, slots=True)
class Telecom:
    """A phone number or an e-mail address. `usage`: H (home), MC (mobile), WP (work)."""

    valeur: str
    systeme: str = "tel"  # tel | mailto
    usage: str = ""


@dataclass(frozen=True, slots=True)
class INS:
    """Matricule INS (NIR or NIA, 15 characters with the key) and the OID of its namespace."""

    matricule: str
    oid: str
    statut: str

    def __post_init__(self) -> None:
        if self.statut != QUALIFIEE:
            raise InsNonQualifiee(
                "Le matricule INS n'est transmis que pour une identité qualifiée."
            )
        if self.oid not in INS_OIDS:
            raise ValueError(f"OID INS inconnu : {self.oid}")
        if self.oid != OID_INS_NIA and not _NIR_RE.match(self.matricule):
            raise ValueError("Le matricule INS doit comporter 15 caractères (NIR et clé).")

    @property
    def is_nia(self) -> bool:
        return self.oid == OID_INS_NIA


# Roles of a person around the usager (DOMAIN.md, Contact).
REPRESENTANT_LEGAL = "representant_legal"
PERSONNE_CONFIANCE = "personne_confiance"
A_PREVENIR = "a_prevenir"
AIDANT = "aidant"


@dataclass(frozen=True, slots=True)
class PersonneData:
    """Someone of the usager's circle: relative, trusted person, legal representative.

    `lien` is a code of HL7 v3 RoleCode (2.16.840.1.113883.5.111: MTH, FTH, DAU, SON, SIS,
    BRO, SPS, FRND, GUARD…), the vocabulary of CDA informants and of FHIR
    RelatedPerson.relationship."""

    nom: str
    prenom: str = ""
    lien: str = ""
    lien_libelle: str = ""
    roles: tuple[str, ...] = ()
    civilite: str = ""  # MME, M
    telecoms: tuple[Telecom, ...] = ()
    adresse: Adresse | None = None
    identifiant: str = ""  # stable id in the DUI (for FHIR references)


@dataclass(frozen=True, slots=True)
class PatientData:
    """The usager as payloads show them: INS strict traits, used names, local identifier."""

    identifiant_local: str
    autorite_locale_oid: str  # OID of the namespace of `identifiant_local` (IPP authority)
    autorite_locale_nom: str
    finess: str  # establishment holding the record (TDDUI local id "3+FINESS/local")
    nom_naissance: str
    prenoms_naissance: str  # all birth given names, space separated (INS)
    premier_prenom_naissance: str
    date_naissance: dt.date
    sexe: str  # F | M | I
    nom_utilise: str = ""
    prenom_utilise: str = ""
    lieu_naissance_cog: str = ""  # INSEE COG of the birth commune, 99xxx for a country
    lieu_naissance_libelle: str = ""
    adresse: Adresse | None = None
    telecoms: tuple[Telecom, ...] = ()
    statut_identite: str = "provisoire"
    ins: INS | None = None
    entourage: tuple[PersonneData, ...] = ()
    identifiant: str = ""  # stable id in the DUI (FHIR Patient.id)

    def __post_init__(self) -> None:
        if self.statut_identite not in STATUTS_IDENTITE:
            raise ValueError(f"Statut d'identité inconnu : {self.statut_identite}")
        if self.ins is not None and self.statut_identite != QUALIFIEE:
            raise InsNonQualifiee(
                "Le matricule INS n'est transmis que pour une identité qualifiée."
            )

    @property
    def is_qualifiee(self) -> bool:
        return self.ins is not None

    @property
    def representants(self) -> tuple[PersonneData, ...]:
        return tuple(p for p in self.entourage if REPRESENTANT_LEGAL in p.roles)

    @property
    def is_ne_a_l_etranger(self) -> bool:
        return self.lieu_naissance_cog.startswith("99")

    def age(self, jour: dt.date) -> int:
        years = jour.year - self.date_naissance.year
        if (jour.month, jour.day) < (self.date_naissance.month, self.date_naissance.day):
            years -= 1
        return years


# FINESS category -> JDV_J02 healthcare facility type (1.2.250.1.71.4.2.4).
# Reference: JDV_J02_XdsHealthcareFacilityTypeCode_CISIS (SA16 handicap, SA17 personnes âgées,
# SA20 protection de l'enfance, SA41 autre ESSMS).
J02_PAR_CATEGORIE = {
    "500": ("SA17", "Etablissement pour personnes âgées"),
    "202": ("SA17", "Etablissement pour personnes âgées"),
    "354": ("SA17", "Etablissement pour personnes âgées"),
    "183": ("SA16", "Etablissement pour personnes handicapées"),
    "186": ("SA16", "Etablissement pour personnes handicapées"),
    "192": ("SA16", "Etablissement pour personnes handicapées"),
    "182": ("SA16", "Etablissement pour personnes handicapées"),
    "190": ("SA16", "Etablissement pour personnes handicapées"),
    "255": ("SA16", "Etablissement pour personnes handicapées"),
    "437": ("SA16", "Etablissement pour personnes handicapées"),
    "382": ("SA16", "Etablissement pour personnes handicapées"),
    "252": ("SA16", "Etablissement pour personnes handicapées"),
    "246": ("SA16", "Etablissement pour personnes handicapées"),
    "446": ("SA16", "Etablissement pour personnes handicapées"),
    "445": ("SA16", "Etablissement pour personnes handicapées"),
    "177": ("SA20", "Etablissement pour la protection de l'enfance"),
}
J02_DEFAUT = ("SA41", "Autre établissement du domaine social ou médico-social")


@dataclass(frozen=True, slots=True)
class StructureData:
    """The ESSMS (FINESS géographique) that holds the record and keeps the documents."""

    finess: str
    nom: str
    categorie: str  # FINESS category code (dui.models.CategorieEtablissement)
    adresse: Adresse | None = None
    telephone: str = ""
    type_etablissement: tuple[str, str] | None = None  # J02 code for a non-ESSMS (hospital)

    @property
    def id_nat(self) -> str:
        """Struct_IdNat of a FINESS-identified structure: 1 + FINESS."""
        return "1" + self.finess

    @property
    def type_j02(self) -> tuple[str, str]:
        if self.type_etablissement is not None:
            return self.type_etablissement
        return J02_PAR_CATEGORIE.get(self.categorie, J02_DEFAUT)

    @property
    def is_ehpad(self) -> bool:
        return self.categorie == "500"


@dataclass(frozen=True, slots=True)
class ProfessionnelData:
    """A professional as author or legal authenticator. `profession_code` is a code of
    TRE_G15 / TRE_R85 (1.2.250.1.213.1.1.4.5, e.g. G15_10/SM26 general practitioner, G15_60
    nurse) or of TRE_R94 for the medico-social professions without RPPS."""

    nom: str
    prenom: str
    rpps: str = ""
    adeli: str = ""
    identifiant_interne: str = ""  # for staff without RPPS/ADELI (3+FINESS/id)
    finess: str = ""
    profession_code: str = ""
    profession_libelle: str = ""
    profession_systeme: str = "1.2.250.1.213.1.1.4.5"
    civilite: str = ""
    telephone: str = ""

    @property
    def id_nat(self) -> str:
        """PS_IdNat (CI-SIS "Identifiants des acteurs"): 8+RPPS, 0+ADELI, else 3+FINESS/id."""
        if self.rpps:
            return "8" + self.rpps
        if self.adeli:
            return "0" + self.adeli
        if self.identifiant_interne and self.finess:
            return f"3{self.finess}/{self.identifiant_interne}"
        return ""


@dataclass(frozen=True, slots=True)
class LogicielData:
    """The DUI software as author device (documents produced without a human author)."""

    nom: str
    version: str
    editeur: str = ""


AuteurData = ProfessionnelData | LogicielData


@dataclass(frozen=True, slots=True)
class SejourData:
    identifiant: str
    structure: StructureData
    date_entree: dt.date
    date_sortie: dt.date | None = None
    mode_accueil: str = "internat"
    unite: str = ""
    mode_entree: str = ""
    mode_sortie: str = ""


@dataclass(frozen=True, slots=True)
class DocumentData:
    """Header data of a produced CDA document. `identifiant` and `lot` are OIDs (2.25.<uuid>
    unless the organisation has its own arc); `version` starts at 1; `remplace` names the
    id of the version this one replaces (relatedDocument RPLC)."""

    identifiant: str
    lot: str  # setId: common to every version
    version: int
    type_code: str  # JDV_J07 (LOINC)
    type_libelle: str
    titre: str
    date: dt.datetime
    confidentialite: str = "N"  # N normal, R restreint, V très restreint
    remplace: str = ""
    debut_acte: dt.datetime | None = None
    fin_acte: dt.datetime | None = None


# ---------------------------------------------------------------------------------------------
# Support plan (TDDUI) and daily life
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CodeData:
    code: str
    libelle: str
    systeme: str


@dataclass(frozen=True, slots=True)
class BesoinData:
    identifiant: str
    description: str
    code: CodeData | None = None  # SERAFIN-PH 1.x
    commentaire: str = ""


@dataclass(frozen=True, slots=True)
class ObjectifData:
    identifiant: str
    titre: str
    besoin: str  # identifiant of the BesoinData it addresses
    description: str = ""
    date_cible: dt.date | None = None
    resultat_attendu: str = ""
    avis_usager: str = ""
    statut: str = "active"  # FHIR Goal.lifecycleStatus


@dataclass(frozen=True, slots=True)
class AttenteData:
    identifiant: str
    description: str
    exprimee_par: str = "usager"  # usager | entourage | professionnel
    commentaire: str = ""


@dataclass(frozen=True, slots=True)
class PrestationData:
    identifiant: str
    titre: str
    code: CodeData | None = None  # SERAFIN-PH 2.x
    description: str = ""
    debut: dt.date | None = None
    fin: dt.date | None = None
    statut: str = "in-progress"  # FHIR Task.status


@dataclass(frozen=True, slots=True)
class AccordData:
    identifiant: str
    par: str  # usager | structure
    date: dt.date
    statut: str = "active"


@dataclass(frozen=True, slots=True)
class ProjetData:
    identifiant: str
    titre: str
    type_code: str = "PP"  # TRE_R390 / JDV_J367
    type_libelle: str = "Projet Personnalisé"
    statut: str = "active"  # FHIR CarePlan.status
    debut: dt.date | None = None
    fin: dt.date | None = None
    description: str = ""
    attentes: tuple[AttenteData, ...] = ()
    besoins: tuple[BesoinData, ...] = ()
    objectifs: tuple[ObjectifData, ...] = ()
    prestations: tuple[PrestationData, ...] = ()
    accords: tuple[AccordData, ...] = ()


@dataclass(frozen=True, slots=True)
class EvenementData:
    """An event of daily support (agenda, activity, appointment)."""

    identifiant: str
    libelle: str
    debut: dt.datetime
    fin: dt.datetime
    sejour: str = ""  # identifiant of the SejourData
    statut: str = "finished"  # FHIR Encounter.status
    code: CodeData | None = None  # SERAFIN-PH 2.x / 3.x


@dataclass(frozen=True, slots=True)
class DossierData:
    """A person's whole record for the TDDUI transfer."""

    patient: PatientData
    structure: StructureData
    sejours: tuple[SejourData, ...] = ()
    evenements: tuple[EvenementData, ...] = ()
    projets: tuple[ProjetData, ...] = ()
    professionnels: tuple[ProfessionnelData, ...] = ()
    date: dt.datetime | None = None


# ---------------------------------------------------------------------------------------------
# Emergency liaison (DLU / FLUDT, EHPAD)
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ProblemeData:
    libelle: str
    code_cim10: str = ""
    debut: dt.date | None = None


# Type of an allergy or intolerance: JDV_TypeEvenementIndesirablePrevisible_CISIS (SNOMED CT).
ALLERGIE = "609328004"
ALLERGIE_MEDICAMENTEUSE = "416098002"
ALLERGIE_ALIMENTAIRE = "414285001"
ALLERGIE_SUBSTANCE = "419199007"
TYPES_ALLERGIE = {
    ALLERGIE: "allergie",
    ALLERGIE_MEDICAMENTEUSE: "allergie médicamenteuse",
    ALLERGIE_ALIMENTAIRE: "allergie alimentaire",
    ALLERGIE_SUBSTANCE: "allergie à une substance",
}


@dataclass(frozen=True, slots=True)
class AllergieData:
    """An allergy, hypersensitivity or intolerance, the agent in free text. `type` is a code
    of TYPES_ALLERGIE; without it, `medicamenteuse` chooses between a drug allergy and an
    allergy of unspecified kind."""

    agent: str
    medicamenteuse: bool = False
    type: str = ""

    def __post_init__(self) -> None:
        if self.type and self.type not in TYPES_ALLERGIE:
            raise ValueError(f"Type d'allergie inconnu : {self.type}")

    @property
    def type_code(self) -> str:
        if self.type:
            return self.type
        return ALLERGIE_MEDICAMENTEUSE if self.medicamenteuse else ALLERGIE

    @property
    def type_libelle(self) -> str:
        return TYPES_ALLERGIE[self.type_code]


@dataclass(frozen=True, slots=True)
class TraitementData:
    """A current treatment. Free text until the medication module exists: the CDA carries it
    as narrative with an uncoded product (nullFlavor), as the FLUDT example does."""

    libelle: str
    posologie: str = ""
    debut: dt.date | None = None


@dataclass(frozen=True, slots=True)
class DluData:
    """Content of the Dossier de liaison d'urgence. Unknown values stay None: the document
    then says "non renseigné" rather than inventing a "no"."""

    medecin_traitant: ProfessionnelData | None = None
    etablissement_preference: StructureData | None = None
    pathologies: tuple[ProblemeData, ...] = ()
    antecedents: tuple[ProblemeData, ...] = ()
    allergies: tuple[AllergieData, ...] = ()
    # "No known allergy" stated by a professional: distinct from "not filled in".
    sans_allergie_connue: bool = False
    traitements: tuple[TraitementData, ...] = ()
    soins_palliatifs: bool | None = None
    directives_anticipees: bool | None = None
    directives_anticipees_lieu: str = ""  # where the written directives are kept
    etat: dict[str, bool] = field(default_factory=dict)  # JDV_ObservationEtatPatient codes
    bmr: bool | None = None
    commentaire: str = ""


@dataclass(frozen=True, slots=True)
class SigneVitalData:
    code: str  # LOINC
    libelle: str
    valeur: str
    unite: str


@dataclass(frozen=True, slots=True)
class FludtData:
    """Fiche de liaison d'urgence / document de transfert EHPAD → service des urgences."""

    motif: str
    date_transfert: dt.datetime
    etablissement_destination: StructureData | None = None
    signes_vitaux: tuple[SigneVitalData, ...] = ()
    conscience: str = "DLU_002"  # DLU_002 conscient, DLU_003 éveillable, DLU_004 non éveillable
    douleur: str = ""  # free text: where it hurts
    derniere_prise_traitement: dt.datetime | None = None
    dernier_repas: dt.datetime | None = None
    protheses: tuple[str, ...] = ()  # JDV_ProtheseObjetPersonnel_CISIS codes
    commentaire: str = ""


# ---------------------------------------------------------------------------------------------
# HL7 v2 message context
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class MessageData:
    """Envelope of an outbound HL7 v2 message (MSH, EVN, ZBE)."""

    identifiant: str  # MSH-10 message control id
    date: dt.datetime  # MSH-7 / EVN-2
    application_destinataire: str = ""
    etablissement_destinataire: str = ""
    traitement: str = "P"  # MSH-11: P production, T training, D debugging
    mouvement: str = ""  # ZBE-1 movement id (movements only)
    date_evenement: dt.datetime | None = None  # EVN-6 / ZBE-2: when the movement happened
    annule: str = ""  # trigger of the movement a cancel (A52…) undoes, e.g. "A21"
