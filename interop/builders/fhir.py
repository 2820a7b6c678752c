"""FHIR R4 resources, FR Core 2.1.0 and ANS TDDUI profiles. Pure: data in, dicts out.

The dicts are plain JSON-ready structures (fast to build: a five-year TDDUI bundle is a few
hundred resources); tests validate them with `fhir.resources.R4B` and the validation kit.
Every resource claims the TDDUI profile and, where TDDUI derives from FR Core, the FR Core
parent too, so the kit checks it against FR Core while the TDDUI package is not available.

References inside the transaction Bundle are `urn:uuid:` full URLs, derived from the stable
business identifiers (uuid5), so an export of the same record is reproducible.
"""

import datetime as dt
import uuid
from typing import Any

from .data import (
    OID_INS_NIA,
    OID_INS_NIR,
    OID_INS_NIR_DEMO,
    OID_INS_NIR_TEST,
    OID_PS_IDNAT,
    OID_STRUCT_IDNAT,
    REPRESENTANT_LEGAL,
    Adresse,
    DonneesManquantes,
    DossierData,
    EvenementData,
    InsNonQualifiee,
    PatientData,
    PersonneData,
    ProfessionnelData,
    ProjetData,
    SejourData,
    StructureData,
    Telecom,
)

Resource = dict[str, Any]

FR_CORE = "https://hl7.fr/ig/fhir/core"
TDDUI = "https://interop.esante.gouv.fr/ig/fhir/tddui"
FR_CORE_0203 = f"{FR_CORE}/CodeSystem/fr-core-cs-v2-0203"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
TRE_R390 = "https://smt.esante.gouv.fr/fhir/CodeSystem/tre-r390-type-projet-personnalise"
INPUT_PRESTATION = f"{TDDUI}/CodeSystem/input-tddui-task-prestation-codesystem"
SYSTEM_LOCAL_USAGER = "https://identifiant-medicosocial-localusager.esante.gouv.fr"

_INS_TYPES = {
    OID_INS_NIR: "INS-NIR",
    OID_INS_NIA: "INS-NIA",
    OID_INS_NIR_TEST: "INS-NIR-TEST",
    OID_INS_NIR_DEMO: "INS-NIR-DEMO",
}
_GENDER = {"F": "female", "M": "male", "I": "unknown"}
# RNIV status -> identity reliability code of the CI-SIS INS annex (HL7 table 0445: PROV,
# RECUP, VALI, QUAL); FR Core binds fr-core-cs-v2-0445 as extensible.
_IDENTITY_STATUS = {
    "provisoire": "PROV",
    "recuperee": "RECUP",
    "validee": "VALI",
    "qualifiee": "QUAL",
}
_NAMESPACE = uuid.UUID("8b0b2f4e-3c55-4a53-9a70-6f1d2c1e0d11")


def _profile(*names: str) -> dict[str, list[str]]:
    return {"profile": list(names)}


def full_url(kind: str, identifiant: str) -> str:
    """Stable urn:uuid of a resource inside a bundle."""
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{kind}/{identifiant}')}"


def _date(value: dt.date | dt.datetime) -> str:
    return value.isoformat()


def _address(adresse: Adresse | None, use: str = "home") -> list[Resource]:
    if adresse is None or adresse.is_empty:
        return []
    address: Resource = {"use": use}
    if adresse.lignes:
        address["line"] = list(adresse.lignes)
    if adresse.commune:
        address["city"] = adresse.commune
    if adresse.code_postal:
        address["postalCode"] = adresse.code_postal
    address["country"] = adresse.pays or "FRA"
    return [address]


def _telecom(telecoms: tuple[Telecom, ...]) -> list[Resource]:
    use = {"H": "home", "MC": "mobile", "WP": "work"}
    out = []
    for telecom in telecoms:
        item: Resource = {
            "system": "phone" if telecom.systeme == "tel" else "email",
            "value": telecom.valeur,
        }
        if telecom.usage in use:
            item["use"] = use[telecom.usage]
        out.append(item)
    return out


def _local_identifier(patient: PatientData) -> str:
    """TDDUI local identifier: 3 + FINESS / identifiant local de l'usager."""
    return f"3{patient.finess}/{patient.identifiant_local}"


# ---------------------------------------------------------------------------------------------
# Patient, Practitioner, Organization, RelatedPerson, Encounter
# ---------------------------------------------------------------------------------------------
def fhir_patient(patient: PatientData) -> Resource:
    """FR Core Patient: fr-core-patient-ins when the identity is qualified, else fr-core-patient."""
    # Reference: FR Core 2.1.0 StructureDefinition fr-core-patient-ins / fr-core-patient, and
    # TDDUI TDDUIPatientINS / TDDUIPatient (ans.fhir.fr.tddui, "Usager").
    if patient.ins is not None and patient.statut_identite != "qualifiee":
        raise InsNonQualifiee("INS d'une identité non qualifiée.")
    manquants = []
    if not patient.nom_naissance:
        manquants.append("nom de naissance")
    if not patient.premier_prenom_naissance:
        manquants.append("premier prénom de naissance")
    if patient.ins is not None and not patient.lieu_naissance_cog:
        manquants.append("code officiel géographique (COG) du lieu de naissance")
    if manquants:
        raise DonneesManquantes(manquants)
    qualified = patient.ins is not None
    extension: list[Resource] = [
        {
            "url": f"{FR_CORE}/StructureDefinition/fr-core-identity-reliability",
            "extension": [
                {
                    "url": "identityStatus",
                    "valueCoding": {
                        "system": f"{FR_CORE}/CodeSystem/fr-core-cs-v2-0445",
                        "code": _IDENTITY_STATUS[patient.statut_identite],
                    },
                }
            ],
        }
    ]
    if patient.lieu_naissance_cog or patient.lieu_naissance_libelle:
        birth_place: Resource = {}
        if patient.lieu_naissance_cog:
            # COG: a commune (TRE_R13) or, for people born abroad, a country (99xxx, TRE_R20).
            system = (
                "https://mos.esante.gouv.fr/NOS/TRE_R20-Pays/FHIR/TRE-R20-Pays"
                if patient.is_ne_a_l_etranger
                else "https://mos.esante.gouv.fr/NOS/TRE_R13-Commune/FHIR/TRE-R13-Commune"
            )
            birth_place["extension"] = [
                {
                    "url": f"{FR_CORE}/StructureDefinition/fr-core-address-insee-code",
                    "valueCoding": {"system": system, "code": patient.lieu_naissance_cog},
                }
            ]
        if patient.lieu_naissance_libelle:
            key = "country" if patient.is_ne_a_l_etranger else "city"
            birth_place[key] = patient.lieu_naissance_libelle
        extension.append(
            {
                "url": "http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
                "valueAddress": birth_place,
            }
        )
    identifiers: list[Resource] = []
    if patient.ins is not None:
        identifiers.append(
            {
                "use": "official",
                "type": {"coding": [{"system": FR_CORE_0203, "code": _INS_TYPES[patient.ins.oid]}]},
                "system": f"urn:oid:{patient.ins.oid}",
                "value": patient.ins.matricule,
            }
        )
    identifiers.append(
        {
            "use": "usual",
            "type": {"coding": [{"system": V2_0203, "code": "PI"}]},
            "system": SYSTEM_LOCAL_USAGER,
            "value": _local_identifier(patient),
        }
    )
    names: list[Resource] = [
        {
            "extension": [
                {
                    "url": f"{FR_CORE}/StructureDefinition/fr-core-patient-birth-list-given-name",
                    "valueString": patient.prenoms_naissance or patient.premier_prenom_naissance,
                }
            ],
            "use": "official",
            "family": patient.nom_naissance,
            "given": [patient.premier_prenom_naissance],
        }
    ]
    if patient.nom_utilise or patient.prenom_utilise:
        usual: Resource = {"use": "usual"}
        if patient.nom_utilise:
            usual["family"] = patient.nom_utilise
        if patient.prenom_utilise:
            usual["given"] = [patient.prenom_utilise]
        names.append(usual)
    profiles = (
        [
            f"{TDDUI}/StructureDefinition/tddui-patient-ins",
            f"{FR_CORE}/StructureDefinition/fr-core-patient-ins",
        ]
        if qualified
        else [
            f"{TDDUI}/StructureDefinition/tddui-patient",
            f"{FR_CORE}/StructureDefinition/fr-core-patient",
        ]
    )
    resource: Resource = {
        "resourceType": "Patient",
        "meta": _profile(*profiles),
        "extension": extension,
        "identifier": identifiers,
        "name": names,
        "gender": _GENDER.get(patient.sexe, "unknown"),
        "birthDate": _date(patient.date_naissance),
    }
    if patient.identifiant:
        resource = {"resourceType": "Patient", "id": patient.identifiant, **resource}
    telecom = _telecom(patient.telecoms)
    if telecom:
        resource["telecom"] = telecom
    address = _address(patient.adresse)
    if address:
        resource["address"] = address
    return resource


def fhir_practitioner(pro: ProfessionnelData) -> Resource:
    """FR Core / TDDUI Practitioner identified by its PS_IdNat (8+RPPS, 0+ADELI, 3+FINESS/id)."""
    # Reference: FR Core 2.1.0 fr-core-practitioner (slice idNatPs), TDDUI TDDUIPractitioner.
    if not pro.id_nat:
        raise DonneesManquantes(["identifiant national du professionnel (RPPS, ADELI ou interne)"])
    identifiers: list[Resource] = [
        {
            "use": "official",
            "type": {"coding": [{"system": FR_CORE_0203, "code": "IDNPS"}]},
            "system": f"urn:oid:{OID_PS_IDNAT}",
            "value": pro.id_nat,
        }
    ]
    if pro.rpps:
        identifiers.append(
            {
                "type": {"coding": [{"system": FR_CORE_0203, "code": "RPPS"}]},
                "system": "https://rpps.esante.gouv.fr",
                "value": pro.rpps,
            }
        )
    name: Resource = {"family": pro.nom}
    if pro.prenom:
        name["given"] = [pro.prenom]
    return {
        "resourceType": "Practitioner",
        "id": _resource_id(pro.id_nat),
        "meta": _profile(
            f"{TDDUI}/StructureDefinition/tddui-practitioner",
            f"{FR_CORE}/StructureDefinition/fr-core-practitioner",
        ),
        "identifier": identifiers,
        "name": [name],
    }


def _resource_id(value: str) -> str:
    """A FHIR id ([A-Za-z0-9-.]{1,64}) from a business identifier."""
    cleaned = "".join(c if c.isalnum() or c in "-." else "-" for c in value)
    return cleaned[:64]


def fhir_organization(structure: StructureData) -> Resource:
    """FR Core / TDDUI Organization of the ESSMS: Struct_IdNat (1+FINESS) and FINESS."""
    # Reference: FR Core 2.1.0 fr-core-organization (slices idNatSt, finess), TDDUIOrganization.
    if not structure.finess:
        raise DonneesManquantes(["numéro FINESS de l'établissement"])
    resource: Resource = {
        "resourceType": "Organization",
        "id": f"finess-{structure.finess}",
        "meta": _profile(
            f"{TDDUI}/StructureDefinition/tddui-organization",
            f"{FR_CORE}/StructureDefinition/fr-core-organization",
        ),
        "identifier": [
            {
                "use": "official",
                "type": {"coding": [{"system": FR_CORE_0203, "code": "IDNST"}]},
                "system": f"urn:oid:{OID_STRUCT_IDNAT}",
                "value": structure.id_nat,
            },
            {
                "type": {"coding": [{"system": FR_CORE_0203, "code": "FINEG"}]},
                "system": "https://finess.esante.gouv.fr",
                "value": structure.finess,
            },
        ],
        "name": structure.nom,
    }
    if structure.telephone:
        resource["telecom"] = [{"system": "phone", "value": structure.telephone, "use": "work"}]
    address = _address(structure.adresse, use="work")
    if address:
        resource["address"] = address
    return resource


def fhir_related_person(
    personne: PersonneData, patient_reference: str, identifiant_systeme: str, identifiant: str
) -> Resource:
    """FR Core / TDDUI RelatedPerson: a relative, trusted person or legal representative.
    `identifiant_systeme`/`identifiant`: the contact's id in the DUI (FR Core requires one)."""
    # Reference: FR Core 2.1.0 fr-core-related-person, TDDUI TDDUIRelatedPersonContact.
    relationship: list[Resource] = []
    if personne.lien:
        relationship.append(
            {
                "coding": [
                    {
                        "system": ROLE_CODE,
                        "code": personne.lien,
                        "display": personne.lien_libelle or personne.lien,
                    }
                ]
            }
        )
    if REPRESENTANT_LEGAL in personne.roles:
        relationship.append(
            {"coding": [{"system": ROLE_CODE, "code": "GUARD", "display": "guardian"}]}
        )
    name: Resource = {"family": personne.nom}
    if personne.prenom:
        name["given"] = [personne.prenom]
    resource: Resource = {
        "resourceType": "RelatedPerson",
        "meta": _profile(
            f"{TDDUI}/StructureDefinition/tddui-related-person-contact",
            f"{FR_CORE}/StructureDefinition/fr-core-related-person",
        ),
        "identifier": [{"system": identifiant_systeme, "value": identifiant}],
        "patient": {"reference": patient_reference},
        "name": [name],
    }
    if personne.identifiant:
        resource = {"resourceType": "RelatedPerson", "id": personne.identifiant, **resource}
    if relationship:
        resource["relationship"] = relationship
    telecom = _telecom(personne.telecoms)
    if telecom:
        resource["telecom"] = telecom
    address = _address(personne.adresse)
    if address:
        resource["address"] = address[:1]
    return resource


_ENCOUNTER_CLASS = {
    "internat": ("IMP", "inpatient encounter"),
    "accueil_temporaire": ("IMP", "inpatient encounter"),
    "externat": ("AMB", "ambulatory"),
    "accueil_jour": ("AMB", "ambulatory"),
    "domicile": ("HH", "home health"),
}


def _stay_identifier(sejour: SejourData, patient: PatientData) -> str:
    return f"3{sejour.structure.finess}/{patient.identifiant_local}-SEJOUR-{sejour.identifiant}"


def fhir_encounter(
    sejour: SejourData, patient: PatientData, patient_reference: str, organization_reference: str
) -> Resource:
    """TDDUI Encounter of a stay (séjour) in an ESSMS."""
    # Reference: TDDUI TDDUIEncounterSejour (identifier idStay SEJ, subject, serviceProvider).
    code, display = _ENCOUNTER_CLASS.get(sejour.mode_accueil, ("IMP", "inpatient encounter"))
    period: Resource = {"start": _date(sejour.date_entree)}
    if sejour.date_sortie:
        period["end"] = _date(sejour.date_sortie)
    return {
        "resourceType": "Encounter",
        "meta": _profile(f"{TDDUI}/StructureDefinition/tddui-encounter-sejour"),
        "identifier": [
            {
                "type": {
                    "coding": [
                        {
                            "system": f"{TDDUI}/CodeSystem/tddui-encounter-identifier-cs",
                            "code": "SEJ",
                            "display": "Identifiant du séjour",
                        }
                    ]
                },
                "system": "https://identifiant-medicosocial-sejour.esante.gouv.fr",
                "value": _stay_identifier(sejour, patient),
            }
        ],
        "status": "finished" if sejour.date_sortie else "in-progress",
        "class": {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": code,
            "display": display,
        },
        "subject": {"reference": patient_reference},
        "period": period,
        "serviceProvider": {"reference": organization_reference},
    }


def _event_encounter(
    evenement: EvenementData,
    patient_reference: str,
    sejour_reference: str | None,
    organization_reference: str,
) -> Resource:
    # Reference: TDDUI TDDUIEncounterEvenement (type slice "text" for non-SERAFIN events).
    event_type: Resource
    if evenement.code is not None:
        event_type = {
            "coding": [
                {
                    "system": evenement.code.systeme,
                    "code": evenement.code.code,
                    "display": evenement.code.libelle,
                }
            ]
        }
    else:
        event_type = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                    "code": "not-permitted",
                    "display": "Not Permitted",
                }
            ],
            "text": evenement.libelle,
        }
    resource: Resource = {
        "resourceType": "Encounter",
        "meta": _profile(f"{TDDUI}/StructureDefinition/tddui-encounter-evenement"),
        "identifier": [
            {
                "system": "https://identifiant-medicosocial-evenement.esante.gouv.fr",
                "value": evenement.identifiant,
            }
        ],
        "status": evenement.statut,
        "class": {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "AMB",
            "display": "ambulatory",
        },
        "type": [event_type],
        "subject": {"reference": patient_reference},
        "period": {"start": _date(evenement.debut), "end": _date(evenement.fin)},
        "serviceProvider": {"reference": organization_reference},
    }
    if sejour_reference:
        resource["partOf"] = {"reference": sejour_reference}
    return resource


# ---------------------------------------------------------------------------------------------
# Support plan
# ---------------------------------------------------------------------------------------------
def _discriminator(code: str) -> Resource:
    return {
        "url": f"{TDDUI}/StructureDefinition/tddui-discriminator",
        "valueCodeableConcept": {
            "coding": [{"system": f"{TDDUI}/CodeSystem/tddui-discriminator-cs", "code": code}]
        },
    }


def _careplan_reference(reference: str) -> Resource:
    return {
        "url": f"{TDDUI}/StructureDefinition/tddui-careplan-reference",
        "valueReference": {"reference": reference},
    }


def _projet_resources(
    projet: ProjetData, patient_reference: str, organization_reference: str
) -> list[tuple[str, Resource]]:
    """CarePlan, Consents, Goals (expectations, objectives), ServiceRequests (needs) and Tasks
    (services) of one support plan, with their full URLs."""
    # Reference: TDDUI TDDUICarePlanProjetPersonnalise, TDDUIConsentAccord, TDDUIGoalAttente,
    # TDDUIGoalObjectif, TDDUIServiceRequestBesoin, TDDUITaskPrestation.
    careplan_url = full_url("CarePlan", projet.identifiant)
    out: list[tuple[str, Resource]] = []
    supporting = []
    for accord in projet.accords:
        consent_url = full_url("Consent", accord.identifiant)
        supporting.append(
            {
                "extension": [
                    _discriminator("accordUsager" if accord.par == "usager" else "accordStructure")
                ],
                "reference": consent_url,
            }
        )
        out.append(
            (
                consent_url,
                {
                    "resourceType": "Consent",
                    "meta": _profile(f"{TDDUI}/StructureDefinition/tddui-consent-accord"),
                    "identifier": [
                        {
                            "system": "https://identifiant-medicosocial-accord.esante.gouv.fr",
                            "value": accord.identifiant,
                        }
                    ],
                    "status": accord.statut,
                    "scope": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                                "code": "treatment",
                            }
                        ]
                    },
                    "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
                    "patient": {"reference": patient_reference},
                    "dateTime": _date(accord.date),
                    "performer": [
                        {
                            "reference": patient_reference
                            if accord.par == "usager"
                            else organization_reference
                        }
                    ],
                    "policyRule": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                                "code": "OPTIN",
                            }
                        ]
                    },
                },
            )
        )
    careplan: Resource = {
        "resourceType": "CarePlan",
        "meta": _profile(f"{TDDUI}/StructureDefinition/tddui-careplan-projet-personnalise"),
        "identifier": [
            {
                "system": "https://identifiant-medicosocial-projetpersonnalise.esante.gouv.fr",
                "value": projet.identifiant,
            }
        ],
        "status": projet.statut,
        "intent": "plan",
        "category": [
            {
                "coding": [
                    {"system": TRE_R390, "code": projet.type_code, "display": projet.type_libelle}
                ]
            }
        ],
        "title": projet.titre,
        "subject": {"reference": patient_reference},
    }
    if projet.description:
        careplan["description"] = projet.description
    if projet.debut:
        period: Resource = {"start": _date(projet.debut)}
        if projet.fin:
            period["end"] = _date(projet.fin)
        careplan["period"] = period
    if supporting:
        careplan["supportingInfo"] = supporting
    out.insert(0, (careplan_url, careplan))

    for attente in projet.attentes:
        out.append(
            (
                full_url("Goal", attente.identifiant),
                {
                    "resourceType": "Goal",
                    "meta": _profile(f"{TDDUI}/StructureDefinition/tddui-goal-attente"),
                    "extension": [_careplan_reference(careplan_url)],
                    "identifier": [
                        {
                            "system": "https://identifiant-medicosocial-attente.esante.gouv.fr",
                            "value": attente.identifiant,
                        }
                    ],
                    "lifecycleStatus": "active",
                    "description": {"text": attente.description},
                    "subject": {"reference": patient_reference},
                    "expressedBy": {"reference": patient_reference},
                },
            )
        )
    for besoin in projet.besoins:
        request: Resource = {
            "resourceType": "ServiceRequest",
            "meta": _profile(f"{TDDUI}/StructureDefinition/tddui-service-request-besoin"),
            "identifier": [
                {
                    "system": "https://identifiant-medicosocial-besoin.esante.gouv.fr",
                    "value": besoin.identifiant,
                }
            ],
            "basedOn": [{"reference": careplan_url}],
            "status": "active",
            "intent": "plan",
            "code": {"text": besoin.description},
            "subject": {"reference": patient_reference},
        }
        if besoin.code is not None:
            request["category"] = [
                {
                    "coding": [
                        {
                            "system": besoin.code.systeme,
                            "code": besoin.code.code,
                            "display": besoin.code.libelle,
                        }
                    ]
                }
            ]
        if besoin.commentaire:
            request["note"] = [{"text": besoin.commentaire}]
        out.append((full_url("ServiceRequest", besoin.identifiant), request))
    for objectif in projet.objectifs:
        notes = [{"extension": [_discriminator("titreObjectif")], "text": objectif.titre}]
        if objectif.avis_usager:
            notes.append(
                {"extension": [_discriminator("avisUsagerObjectif")], "text": objectif.avis_usager}
            )
        goal: Resource = {
            "resourceType": "Goal",
            "meta": _profile(f"{TDDUI}/StructureDefinition/tddui-goal-objectif"),
            "extension": [_careplan_reference(careplan_url)],
            "identifier": [
                {
                    "system": "https://identifiant-medicosocial-objectif.esante.gouv.fr",
                    "value": objectif.identifiant,
                }
            ],
            "lifecycleStatus": objectif.statut,
            "description": {"text": objectif.description or objectif.titre},
            "subject": {"reference": patient_reference},
            "addresses": [{"reference": full_url("ServiceRequest", objectif.besoin)}],
            "note": notes,
        }
        target: Resource = {}
        if objectif.date_cible:
            target["dueDate"] = _date(objectif.date_cible)
        if objectif.resultat_attendu:
            # R4 gol-1: a target detail needs its measure; the measure is the objective.
            target["measure"] = {"text": objectif.titre}
            target["detailString"] = objectif.resultat_attendu
        if target:
            goal["target"] = [target]
        out.append((full_url("Goal", objectif.identifiant), goal))
    for prestation in projet.prestations:
        inputs: list[Resource] = [
            {
                "type": {
                    "coding": [
                        {
                            "system": INPUT_PRESTATION,
                            "code": "titre",
                        }
                    ]
                },
                "valueString": prestation.titre,
            }
        ]
        if prestation.code is not None:
            inputs.append(
                {
                    "type": {
                        "coding": [
                            {
                                "system": INPUT_PRESTATION,
                                "code": "typePrestation",
                            }
                        ]
                    },
                    "valueCodeableConcept": {
                        "coding": [
                            {
                                "system": prestation.code.systeme,
                                "code": prestation.code.code,
                                "display": prestation.code.libelle,
                            }
                        ]
                    },
                }
            )
        task: Resource = {
            "resourceType": "Task",
            "meta": _profile(f"{TDDUI}/StructureDefinition/tddui-task-prestation"),
            "identifier": [
                {
                    "system": "https://identifiant-medicosocial-prestation.esante.gouv.fr",
                    "value": prestation.identifiant,
                }
            ],
            "basedOn": [{"reference": careplan_url}],
            "status": prestation.statut,
            "intent": "plan",
            "for": {"reference": patient_reference},
            "input": inputs,
        }
        if prestation.description:
            task["description"] = prestation.description
        if prestation.debut:
            execution: Resource = {"start": _date(prestation.debut)}
            if prestation.fin:
                execution["end"] = _date(prestation.fin)
            task["executionPeriod"] = execution
        out.append((full_url("Task", prestation.identifiant), task))
    return out


# ---------------------------------------------------------------------------------------------
# TDDUI transaction bundle
# ---------------------------------------------------------------------------------------------
def _entry(url: str, resource: Resource) -> Resource:
    return {
        "fullUrl": url,
        "resource": resource,
        "request": {"method": "POST", "url": resource["resourceType"]},
    }


def fhir_tddui_bundle(dossier: DossierData) -> Resource:
    """The TDDUI transaction Bundle of a person's record: patient, organisation, stays,
    events, support plans, consents and contacts."""
    # Reference: TDDUI "Flux 1 - Transmission de données DUI", profile TDDUIBundle
    # (type transaction, entries POST).
    patient = dossier.patient
    patient_resource = fhir_patient(patient)
    patient_resource.pop("id", None)
    patient_url = full_url("Patient", _local_identifier(patient))
    organization = fhir_organization(dossier.structure)
    organization.pop("id", None)
    organization_url = full_url("Organization", dossier.structure.finess)
    entries = [_entry(patient_url, patient_resource), _entry(organization_url, organization)]
    for pro in dossier.professionnels:
        practitioner = fhir_practitioner(pro)
        practitioner.pop("id", None)
        entries.append(_entry(full_url("Practitioner", pro.id_nat), practitioner))
    for index, personne in enumerate(patient.entourage):
        related = fhir_related_person(
            personne,
            patient_url,
            f"urn:oid:{patient.autorite_locale_oid}",
            personne.identifiant or f"{patient.identifiant_local}-{index}",
        )
        related.pop("id", None)
        entries.append(
            _entry(full_url("RelatedPerson", f"{patient.identifiant_local}/{index}"), related)
        )
    sejour_urls = {}
    for sejour in dossier.sejours:
        url = full_url("Encounter", _stay_identifier(sejour, patient))
        sejour_urls[sejour.identifiant] = url
        entries.append(_entry(url, fhir_encounter(sejour, patient, patient_url, organization_url)))
    for evenement in dossier.evenements:
        entries.append(
            _entry(
                full_url("Encounter", evenement.identifiant),
                _event_encounter(
                    evenement, patient_url, sejour_urls.get(evenement.sejour), organization_url
                ),
            )
        )
    for projet in dossier.projets:
        for url, resource in _projet_resources(projet, patient_url, organization_url):
            entries.append(_entry(url, resource))
    bundle: Resource = {
        "resourceType": "Bundle",
        "meta": _profile(f"{TDDUI}/StructureDefinition/tddui-bundle"),
        "type": "transaction",
        "entry": entries,
    }
    if dossier.date is not None:
        bundle["timestamp"] = dossier.date.isoformat()
    return bundle


def fhir_capability_statement(base_url: str, version: str, date: dt.date) -> Resource:
    """CapabilityStatement of the read-only FHIR endpoint (/fhir/metadata)."""
    # Reference: FHIR R4 CapabilityStatement (http.html#capabilities).
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": date.isoformat(),
        "publisher": "DUI",
        "kind": "instance",
        "software": {"name": "DUI", "version": version},
        "implementation": {"description": "DUI - API FHIR en lecture seule", "url": base_url},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "description": "Session ou jeton (Authorization: Token …); "
                    "politique d'accès du DUI (absent et interdit répondent 404)."
                },
                "resource": [
                    {
                        "type": "Patient",
                        "supportedProfile": [
                            f"{FR_CORE}/StructureDefinition/fr-core-patient",
                            f"{FR_CORE}/StructureDefinition/fr-core-patient-ins",
                        ],
                        "interaction": [{"code": "read"}, {"code": "search-type"}],
                        "searchParam": [{"name": "identifier", "type": "token"}],
                    }
                ],
            }
        ],
    }
