"""Realistic persons for the payload builders, as plain data (no database).

Five identities cover the cases the national validators care about: a qualified INS, an
identity that is only validated (its INS must never travel), a minor with a legal
representative, a person born abroad, and compound names. `dossier()` adds five years of
stays, events and a support plan for the TDDUI bundle and the benchmarks.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from interop.builders.data import (
    A_PREVENIR,
    INS,
    OID_INS_NIR_TEST,
    PERSONNE_CONFIANCE,
    QUALIFIEE,
    REPRESENTANT_LEGAL,
    AccordData,
    Adresse,
    AllergieData,
    AttenteData,
    BesoinData,
    CodeData,
    DluData,
    DocumentData,
    DossierData,
    EvenementData,
    FludtData,
    LogicielData,
    ObjectifData,
    PatientData,
    PersonneData,
    PrestationData,
    ProblemeData,
    ProfessionnelData,
    ProjetData,
    SejourData,
    SigneVitalData,
    StructureData,
    Telecom,
    TraitementData,
)

PARIS = ZoneInfo("Europe/Paris")
OID_LOCAL = "2.25.318724683219046011271393466118327041201.1.1"
SERAFIN = "https://smt.esante.gouv.fr/terminologie-SERAFINPH"


def nir_avec_cle(treize: str) -> str:
    """A NIR of 13 characters completed with its key (97 - NIR mod 97; 2A/2B -> 19/18)."""
    number = int(treize.replace("2A", "19").replace("2B", "18"))
    return f"{treize}{97 - number % 97:02d}"


EHPAD = StructureData(
    finess="750000028",
    nom="EHPAD Les Tilleuls",
    categorie="500",
    adresse=Adresse(("12 rue des Tilleuls",), "75012", "Paris"),
    telephone="01 43 00 00 00",
)
IME = StructureData(
    finess="750000036",
    nom="IME Les Peupliers",
    categorie="183",
    adresse=Adresse(("3 allée des Peupliers",), "94300", "Vincennes"),
    telephone="01 43 00 00 01",
)
HOPITAL = StructureData(
    finess="750000044",
    nom="Hôpital Saint-Antoine",
    categorie="101",
    type_etablissement=("SA01", "Etablissement public de santé"),
    adresse=Adresse(("184 rue du Faubourg Saint-Antoine",), "75012", "Paris"),
    telephone="01 49 28 20 00",
)

MEDECIN = ProfessionnelData(
    nom="BOILEAU",
    prenom="Charles",
    rpps="10001234567",
    profession_code="G15_10/SM26",
    profession_libelle="Médecin - Qualifié en Médecine Générale (SM)",
    civilite="M",
)
EDUCATRICE = ProfessionnelData(
    nom="ROUSSEAU",
    prenom="Claire",
    identifiant_interne="E0042",
    finess=IME.finess,
)
LOGICIEL = LogicielData(nom="DUI", version="0.1.0", editeur="Projet DUI")


def _patient(**kwargs: object) -> PatientData:
    base: dict[str, object] = {
        "identifiant_local": "T0000001",
        "autorite_locale_oid": OID_LOCAL,
        "autorite_locale_nom": "DUI Les Tilleuls",
        "finess": EHPAD.finess,
        "nom_naissance": "DURAND",
        "prenoms_naissance": "HELENE MARIE",
        "premier_prenom_naissance": "HELENE",
        "date_naissance": dt.date(1940, 5, 17),
        "sexe": "F",
        "lieu_naissance_cog": "75112",
        "lieu_naissance_libelle": "Paris 12e Arrondissement",
        "adresse": Adresse(("12 rue des Tilleuls", "Chambre 14"), "75012", "Paris"),
        "telecoms": (Telecom("01 43 00 00 14", usage="H"),),
        "identifiant": "1",
    }
    base.update(kwargs)
    return PatientData(**base)  # type: ignore[arg-type]


FILLE = PersonneData(
    nom="DURAND",
    prenom="Sophie",
    lien="DAU",
    lien_libelle="Fille",
    roles=(A_PREVENIR, PERSONNE_CONFIANCE),
    telecoms=(Telecom("06 47 15 01 00", usage="MC"),),
    identifiant="c1",
)

NIR_QUALIFIE = nir_avec_cle("2400575112003")
NIR_VALIDE = nir_avec_cle("1520699350101")
NIR_MINEUR = nir_avec_cle("1120394300004")
NIR_ETRANGER = nir_avec_cle("2750399243002")
NIR_COMPOSE = nir_avec_cle("1650269123005")

QUALIFIEE_INS = _patient(
    identifiant_local="T0000001",
    statut_identite=QUALIFIEE,
    ins=INS(NIR_QUALIFIE, OID_INS_NIR_TEST, QUALIFIEE),
    entourage=(FILLE,),
)
# Validated identity, INS known but not qualified: the NIR is given to the mapping in tests
# (tests/interop/test_mapping.py) and must never reach a payload.
VALIDEE_SANS_INS = _patient(
    identifiant_local="T0000002",
    nom_naissance="MARTIN",
    prenoms_naissance="PIERRE",
    premier_prenom_naissance="PIERRE",
    date_naissance=dt.date(1952, 6, 30),
    sexe="M",
    lieu_naissance_cog="99350",
    lieu_naissance_libelle="Maroc",
    statut_identite="validee",
    identifiant="2",
)
MINEUR = _patient(
    identifiant_local="I0000003",
    finess=IME.finess,
    nom_naissance="LEROY",
    prenoms_naissance="LUCAS",
    premier_prenom_naissance="LUCAS",
    date_naissance=dt.date(2012, 3, 4),
    sexe="M",
    lieu_naissance_cog="94300",
    lieu_naissance_libelle="Vincennes",
    statut_identite=QUALIFIEE,
    ins=INS(NIR_MINEUR, OID_INS_NIR_TEST, QUALIFIEE),
    entourage=(
        PersonneData(
            nom="LEROY",
            prenom="Nathalie",
            lien="MTH",
            lien_libelle="Mère",
            roles=(REPRESENTANT_LEGAL, A_PREVENIR),
            civilite="MME",
            telecoms=(Telecom("06 11 22 33 44", usage="MC"),),
            adresse=Adresse(("5 rue de Fontenay",), "94300", "Vincennes"),
            identifiant="c2",
        ),
    ),
    identifiant="3",
)
NE_A_L_ETRANGER = _patient(
    identifiant_local="T0000004",
    nom_naissance="NGUYEN",
    prenoms_naissance="THI HOA",
    premier_prenom_naissance="THI HOA",
    date_naissance=dt.date(1975, 3, 8),
    lieu_naissance_cog="99243",
    lieu_naissance_libelle="Viet Nam",
    statut_identite=QUALIFIEE,
    ins=INS(NIR_ETRANGER, OID_INS_NIR_TEST, QUALIFIEE),
    identifiant="4",
)
NOMS_COMPOSES = _patient(
    identifiant_local="T0000005",
    nom_naissance="DE LA FONTAINE-MARTIN",
    prenoms_naissance="JEAN-PIERRE MARIE ANDRE",
    premier_prenom_naissance="JEAN-PIERRE",
    nom_utilise="D'ARTAGNAN",
    prenom_utilise="JP",
    date_naissance=dt.date(1965, 2, 1),
    sexe="M",
    lieu_naissance_cog="69123",
    lieu_naissance_libelle="Lyon",
    statut_identite=QUALIFIEE,
    ins=INS(NIR_COMPOSE, OID_INS_NIR_TEST, QUALIFIEE),
    identifiant="5",
)

PERSONAS = {
    "qualifiee": QUALIFIEE_INS,
    "non_qualifiee": VALIDEE_SANS_INS,
    "mineur": MINEUR,
    "ne_a_l_etranger": NE_A_L_ETRANGER,
    "noms_composes": NOMS_COMPOSES,
}


def structure_of(patient: PatientData) -> StructureData:
    return IME if patient.finess == IME.finess else EHPAD


def sejour_of(patient: PatientData) -> SejourData:
    structure = structure_of(patient)
    return SejourData(
        identifiant=f"S-{patient.identifiant_local}",
        structure=structure,
        date_entree=dt.date(2021, 9, 1),
        mode_accueil="internat" if structure is EHPAD else "externat",
        unite="Les Glycines" if structure is EHPAD else "Les Colibris",
    )


def document(type_code: str = "80788-3", version: int = 1, remplace: str = "") -> DocumentData:
    libelles = {
        "80788-3": "Projet personnalisé d'accompagnement",
        "74207-2": "Document de liaison d'urgence",
    }
    return DocumentData(
        identifiant=f"2.25.{1000 + version}{abs(hash(type_code)) % 10**12}",
        lot="2.25.77777777",
        version=version,
        type_code=type_code,
        type_libelle=libelles.get(type_code, "Document"),
        titre=libelles.get(type_code, "Document"),
        date=dt.datetime(2026, 3, 2, 10, 30, tzinfo=PARIS),
        remplace=remplace,
    )


def pdf_minimal(texte: str = "Projet personnalise") -> bytes:
    """A small but real PDF 1.4 (one page, one line of text) with a correct xref table."""
    contenu = f"BT /F1 18 Tf 72 720 Td ({texte}) Tj ET".encode("latin-1")
    objets = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(contenu)).encode() + b" >>\nstream\n" + contenu + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for numero, objet in enumerate(objets, 1):
        offsets.append(len(out))
        out += f"{numero} 0 obj\n".encode() + objet + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objets) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objets) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


DLU = DluData(
    medecin_traitant=MEDECIN,
    etablissement_preference=HOPITAL,
    pathologies=(ProblemeData("Bronchite chronique simple", "J41.0", dt.date(2020, 3, 27)),),
    antecedents=(ProblemeData("Infarctus aigu du myocarde", "I21", dt.date(2018, 8, 11)),),
    allergies=(AllergieData("Pénicilline", medicamenteuse=True),),
    traitements=(
        TraitementData("Kardégic 75 mg", "1 sachet le midi", dt.date(2018, 9, 1)),
        TraitementData("Doliprane 1 g", "si douleur, 3 par jour au plus"),
    ),
    soins_palliatifs=False,
    directives_anticipees=True,
    etat={"288575003": True, "247663003": True, "161898004": True},
    bmr=False,
    commentaire="Malentendante à gauche : parler du côté droit.",
)
FLUDT = FludtData(
    motif="Chute avec douleur de hanche droite",
    date_transfert=dt.datetime(2026, 3, 2, 9, 45, tzinfo=PARIS),
    etablissement_destination=HOPITAL,
    signes_vitaux=(
        SigneVitalData("8867-4", "Pouls", "88", "/min"),
        SigneVitalData("8310-5", "Température", "37.2", "Cel"),
        SigneVitalData("29463-7", "Poids", "58", "kg"),
        SigneVitalData("8480-6", "Pression artérielle systolique", "135", "mm[Hg]"),
        SigneVitalData("8462-4", "Pression artérielle diastolique", "80", "mm[Hg]"),
    ),
    conscience="DLU_002",
    douleur="Douleur de hanche droite",
    derniere_prise_traitement=dt.datetime(2026, 3, 2, 8, 0, tzinfo=PARIS),
    dernier_repas=dt.datetime(2026, 3, 2, 7, 30, tzinfo=PARIS),
    protheses=("Q021003", "Y2145"),
)


def projet(patient: PatientData, numero: int = 1) -> ProjetData:
    prefix = f"3{structure_of(patient).finess}/{patient.identifiant_local}"
    return ProjetData(
        identifiant=f"{prefix}-PPER-{numero}",
        titre="Projet personnalisé",
        type_code="PP",
        type_libelle="Projet Personnalisé",
        debut=dt.date(2025, 1, 15),
        fin=dt.date(2026, 1, 14),
        attentes=(AttenteData(f"{prefix}-PPAttente-{numero}", "Retrouver la marche au jardin"),),
        besoins=(
            BesoinData(
                f"{prefix}-PPBesoin-{numero}",
                "Besoins en lien avec la mobilité",
                CodeData("1.1.1.4", "Besoins en lien avec la mobilité", SERAFIN),
            ),
        ),
        objectifs=(
            ObjectifData(
                f"{prefix}-PPObjectif-{numero}",
                "Marcher 15 minutes par jour",
                besoin=f"{prefix}-PPBesoin-{numero}",
                date_cible=dt.date(2025, 9, 1),
                resultat_attendu="15 minutes de marche sans aide",
            ),
        ),
        prestations=(
            PrestationData(
                f"{prefix}-PREST-{numero}",
                "Kinésithérapie",
                CodeData("2.1.1.4", "Soins techniques et de surveillance paramédicaux", SERAFIN),
                debut=dt.date(2025, 2, 1),
            ),
        ),
        accords=(
            AccordData(f"{prefix}-ACC-U-{numero}", "usager", dt.date(2025, 1, 15)),
            AccordData(f"{prefix}-ACC-S-{numero}", "structure", dt.date(2025, 1, 15)),
        ),
    )


def dossier(patient: PatientData, annees: int = 5) -> DossierData:
    """A record with `annees` years of data: yearly stays, plans, weekly events."""
    structure = structure_of(patient)
    sejours = []
    evenements = []
    projets = []
    for annee in range(annees):
        debut = dt.date(2021 + annee, 1, 2)
        sejour = SejourData(
            identifiant=f"{patient.identifiant_local}-SEJ-{annee + 1}",
            structure=structure,
            date_entree=debut,
            date_sortie=dt.date(2021 + annee, 12, 30) if annee < annees - 1 else None,
            mode_accueil="internat",
            unite="Les Glycines",
        )
        sejours.append(sejour)
        projets.append(projet(patient, annee + 1))
        for semaine in range(52):
            jour = dt.datetime(2021 + annee, 1, 4, 10, tzinfo=PARIS) + dt.timedelta(weeks=semaine)
            evenements.append(
                EvenementData(
                    identifiant=f"{patient.identifiant_local}-EVN-{annee}-{semaine}",
                    libelle="Atelier mémoire",
                    debut=jour,
                    fin=jour + dt.timedelta(hours=1),
                    sejour=sejour.identifiant,
                )
            )
    return DossierData(
        patient=patient,
        structure=structure,
        sejours=tuple(sejours),
        evenements=tuple(evenements),
        projets=tuple(projets),
        professionnels=(MEDECIN,),
        date=dt.datetime(2026, 3, 2, 10, 30, tzinfo=PARIS),
    )
