"""The INS gate, end to end: from the models to every payload kind. An unqualified INS never
appears in any payload; a qualified one does."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from interop import mapping
from interop.builders import cda, fhir, hl7v2
from interop.builders.data import MessageData
from tests.factories import SejourFactory
from usagers.models import IdentiteINS

from . import personas as P

pytestmark = pytest.mark.django_db

NIR = P.nir_avec_cle("2400575112077")


def _usager(world, statut, **flags):
    usager = SejourFactory(unite=world.unite_a).usager
    usager.statut_identite = statut
    usager.lieu_naissance_code = "75112"
    for name, value in flags.items():
        setattr(usager, name, value)
    usager.save()
    IdentiteINS.objects.create(
        usager=usager,
        matricule=NIR,
        oid="1.2.250.1.213.1.4.10",
        methode="insi_traits",
        recupere_le=timezone.now(),
    )
    return usager


def _payloads(usager, world) -> list[bytes]:
    patient = mapping.patient_data(usager, world.ehpad)
    structure = mapping.structure_data(world.ehpad)
    sejour = mapping.sejour_data(usager.sejours.get())
    n1 = cda.cda_n1(
        document=mapping.document_data(type_code="80788-3", type_libelle="PPA", titre="PPA"),
        patient=patient,
        auteur=P.MEDECIN,
        responsable=P.MEDECIN,
        structure=structure,
        sejour=sejour,
        pdf=P.pdf_minimal(),
    )
    message = MessageData(identifiant="1", date=timezone.localtime(), mouvement="M1")
    return [
        n1,
        json.dumps(fhir.fhir_patient(patient)).encode(),
        json.dumps(fhir.fhir_tddui_bundle(mapping.dossier_data(usager, world.ehpad))).encode(),
        hl7v2.hl7_adt("A28", patient=patient, structure=structure, message=message),
        hl7v2.hl7_adt("A01", patient=patient, structure=structure, message=message, sejour=sejour),
    ]


@pytest.mark.parametrize("statut", ["provisoire", "recuperee", "validee"])
def test_an_unqualified_ins_never_appears_in_any_payload(world, statut):
    usager = _usager(world, statut)
    assert mapping.patient_data(usager, world.ehpad).ins is None
    for payload in _payloads(usager, world):
        assert NIR.encode() not in payload


def test_a_doubtful_qualified_identity_does_not_share_its_ins(world):
    usager = _usager(world, "qualifiee", is_douteuse=True)
    for payload in _payloads(usager, world):
        assert NIR.encode() not in payload


def test_a_qualified_ins_travels_in_every_payload(world):
    usager = _usager(world, "qualifiee")
    patient = mapping.patient_data(usager, world.ehpad)
    assert patient.ins is not None and patient.ins.matricule == NIR
    assert mapping.is_envoi_dmp_autorise(patient)
    for payload in _payloads(usager, world):
        assert NIR.encode() in payload


def test_the_mapping_reads_contacts_and_protection(world):
    usager = _usager(world, "validee")
    usager.contacts.create(
        nom="DURAND", prenom="Paul", lien="SONC", is_a_prevenir=True, telephone="0600000000"
    )
    patient = mapping.patient_data(usager, world.ehpad)
    assert patient.entourage[0].nom == "DURAND"
    assert "a_prevenir" in patient.entourage[0].roles
    assert patient.date_naissance == usager.date_naissance
    assert isinstance(patient.date_naissance, dt.date)
