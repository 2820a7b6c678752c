"""Every payload type for the persona set passes the offline validation kit with 0 errors
(CDA: CI-SIS XSD + ANS schematrons; FHIR: base R4 + FR Core; HL7 v2: PAM FR checks)."""

import dataclasses
import datetime as dt
import json

import pytest

from interop.builders import cda, fhir, hl7v2
from interop.builders.data import MessageData

from . import personas as P
from .kit import validate

pytestmark = pytest.mark.kit


def test_cda_documents_pass_the_kit(tmp_path):
    files = []
    for name, patient in P.PERSONAS.items():
        structure = P.structure_of(patient)
        sejour = P.sejour_of(patient)
        common = {
            "patient": patient,
            "auteur": P.MEDECIN,
            "responsable": P.MEDECIN,
            "structure": structure,
            "sejour": sejour,
        }
        path = tmp_path / f"n1-{name}.xml"
        path.write_bytes(cda.cda_n1(document=P.document(), pdf=P.pdf_minimal(), **common))
        files.append(path)
        if structure.is_ehpad:
            path = tmp_path / f"dlu-{name}.xml"
            path.write_bytes(cda.cda_dlu(document=P.document("74207-2"), dlu=P.DLU, **common))
            files.append(path)
            path = tmp_path / f"fludt-{name}.xml"
            path.write_bytes(
                cda.cda_fludt(document=P.document("74207-2"), dlu=P.DLU, fludt=P.FLUDT, **common)
            )
            files.append(path)
    revision = tmp_path / "n1-revision-device.xml"
    revision.write_bytes(
        cda.cda_n1(
            document=P.document(version=2, remplace="2.25.4242"),
            patient=P.QUALIFIEE_INS,
            auteur=P.LOGICIEL,
            responsable=P.MEDECIN,
            structure=P.EHPAD,
            sejour=None,
            pdf=P.pdf_minimal(),
        )
    )
    files.append(revision)
    assert len(files) == 14  # 5 N1, 4 DLU, 4 FLUDT (EHPAD residents), 1 revision
    validate("cda", files)


def test_fhir_resources_and_bundles_pass_the_kit(tmp_path):
    files = []
    for name, patient in P.PERSONAS.items():
        for label, resource in (
            ("patient", fhir.fhir_patient(patient)),
            ("bundle", fhir.fhir_tddui_bundle(P.dossier(patient, annees=1))),
        ):
            path = tmp_path / f"{label}-{name}.json"
            path.write_text(json.dumps(resource, ensure_ascii=False))
            files.append(path)
    extra = {
        "practitioner": fhir.fhir_practitioner(P.MEDECIN),
        "organization": fhir.fhir_organization(P.EHPAD),
        "related-person": fhir.fhir_related_person(
            P.FILLE, "Patient/1", f"urn:oid:{P.OID_LOCAL}", "c1"
        ),
        "encounter": fhir.fhir_encounter(
            P.sejour_of(P.QUALIFIEE_INS), P.QUALIFIEE_INS, "Patient/1", "Organization/1"
        ),
        "bundle-5-ans": fhir.fhir_tddui_bundle(P.dossier(P.QUALIFIEE_INS, annees=5)),
    }
    for label, resource in extra.items():
        path = tmp_path / f"{label}.json"
        path.write_text(json.dumps(resource, ensure_ascii=False))
        files.append(path)
    validate("fhir", files)


def test_hl7_messages_pass_the_kit(tmp_path):
    message = MessageData(
        identifiant="K1",
        date=dt.datetime(2026, 3, 2, 10, tzinfo=P.PARIS),
        mouvement="MVT-K1",
        annule="A21",
    )
    files = []
    for name, patient in P.PERSONAS.items():
        for trigger in sorted(hl7v2.EVENEMENTS):
            sejour = P.sejour_of(patient)
            if trigger == "A03":
                sejour = dataclasses.replace(sejour, date_sortie=dt.date(2026, 3, 1))
            path = tmp_path / f"{trigger}-{name}.er7"
            path.write_bytes(
                hl7v2.hl7_adt(
                    trigger,
                    patient=patient,
                    structure=P.structure_of(patient),
                    message=message,
                    sejour=sejour,
                )
            )
            files.append(path)
    validate("hl7v2", files)
