"""FHIR builders: FR Core resources and the TDDUI transaction bundle (pure, no database)."""

import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner

from interop.builders import fhir
from interop.builders.data import DonneesManquantes, ProfessionnelData

from . import personas as P


@pytest.mark.parametrize("name", sorted(P.PERSONAS))
def test_patient_is_a_valid_r4_resource(name):
    resource = fhir.fhir_patient(P.PERSONAS[name])
    Patient.model_validate(resource)


def test_qualified_patient_claims_fr_core_patient_ins_with_the_ins_slice():
    resource = fhir.fhir_patient(P.QUALIFIEE_INS)
    assert resource["meta"]["profile"][1].endswith("fr-core-patient-ins")
    ins = resource["identifier"][0]
    assert ins["system"] == "urn:oid:1.2.250.1.213.1.4.10"
    assert ins["value"] == P.NIR_QUALIFIE
    assert ins["type"]["coding"][0]["code"] == "INS-NIR-TEST"


def test_unqualified_patient_has_no_ins_at_all():
    resource = fhir.fhir_patient(P.VALIDEE_SANS_INS)
    assert resource["meta"]["profile"][1].endswith("fr-core-patient")
    assert [i["type"]["coding"][0]["code"] for i in resource["identifier"]] == ["PI"]
    assert "1.2.250.1.213.1.4." not in json.dumps(resource)


def test_person_born_abroad_has_a_country_birth_place():
    resource = fhir.fhir_patient(P.NE_A_L_ETRANGER)
    birth_place = next(e for e in resource["extension"] if e["url"].endswith("patient-birthPlace"))
    coding = birth_place["valueAddress"]["extension"][0]["valueCoding"]
    assert coding["code"] == "99243"
    assert "TRE_R20-Pays" in coding["system"]


def test_practitioner_and_organization_carry_the_national_ids():
    practitioner = fhir.fhir_practitioner(P.MEDECIN)
    Practitioner.model_validate(practitioner)
    assert practitioner["identifier"][0]["value"] == "8" + P.MEDECIN.rpps
    organization = fhir.fhir_organization(P.EHPAD)
    Organization.model_validate(organization)
    assert organization["identifier"][0]["value"] == "1" + P.EHPAD.finess


def test_a_practitioner_without_national_id_is_refused():
    with pytest.raises(DonneesManquantes):
        fhir.fhir_practitioner(ProfessionnelData(nom="X", prenom="Y"))


def test_tddui_bundle_is_a_valid_transaction_with_the_whole_record():
    bundle = fhir.fhir_tddui_bundle(P.dossier(P.MINEUR, annees=2))
    Bundle.model_validate(bundle)
    assert bundle["type"] == "transaction"
    kinds = {entry["resource"]["resourceType"] for entry in bundle["entry"]}
    assert kinds >= {
        "Patient",
        "Organization",
        "Practitioner",
        "RelatedPerson",
        "Encounter",
        "CarePlan",
        "Consent",
        "Goal",
        "ServiceRequest",
        "Task",
    }
    assert all(entry["request"]["method"] == "POST" for entry in bundle["entry"])
    urls = {entry["fullUrl"] for entry in bundle["entry"]}
    assert len(urls) == len(bundle["entry"])


def test_tddui_bundle_references_resolve_inside_the_bundle():
    bundle = fhir.fhir_tddui_bundle(P.dossier(P.QUALIFIEE_INS, annees=1))
    urls = {entry["fullUrl"] for entry in bundle["entry"]}
    text = json.dumps(bundle)
    for reference in {r.split('"')[0] for r in text.split('"reference": "')[1:]}:
        assert reference in urls, reference


def test_tddui_bundle_is_reproducible():
    dossier = P.dossier(P.QUALIFIEE_INS, annees=1)
    assert fhir.fhir_tddui_bundle(dossier) == fhir.fhir_tddui_bundle(dossier)
