"""CDA builders: N1 with the support plan's PDF, DLU, FLUDT (pure, no database)."""

import base64
import dataclasses

import pytest
from lxml import etree

from interop.builders import cda
from interop.builders.data import (
    INS,
    OID_INS_NIR_TEST,
    DluData,
    DonneesManquantes,
    InsNonQualifiee,
    ProfessionnelData,
)

from . import personas as P

NS = {"c": "urn:hl7-org:v3"}


def _n1(patient=P.QUALIFIEE_INS, **kwargs):
    args = {
        "document": P.document(),
        "patient": patient,
        "auteur": P.MEDECIN,
        "responsable": P.MEDECIN,
        "structure": P.structure_of(patient),
        "sejour": P.sejour_of(patient),
        "pdf": P.pdf_minimal(),
    }
    args.update(kwargs)
    return cda.cda_n1(**args)


def test_n1_embeds_the_pdf_as_base64_in_a_nonxmlbody():
    pdf = P.pdf_minimal("Projet de Mme Durand")
    root = etree.fromstring(_n1(pdf=pdf))
    text = root.find("c:component/c:nonXMLBody/c:text", NS)
    assert text.get("mediaType") == "application/pdf"
    assert base64.b64decode(text.text) == pdf
    assert root.find("c:code", NS).get("code") == "80788-3"
    assert root.find("c:templateId[@root='1.3.6.1.4.1.19376.1.2.20']", NS) is not None


def test_n1_header_follows_the_cisis_rules():
    root = etree.fromstring(_n1())
    assert root.find("c:realmCode", NS).get("code") == "FR"
    assert root.find("c:languageCode", NS).get("code") == "fr-FR"
    custodian = root.find(".//c:representedCustodianOrganization/c:id", NS)
    assert custodian.get("root") == "1.2.250.1.71.4.2.2"
    assert custodian.get("extension") == "1" + P.EHPAD.finess
    author_id = root.find("c:author/c:assignedAuthor/c:id", NS)
    assert author_id.get("extension") == "8" + P.MEDECIN.rpps
    assert root.find(".//c:healthCareFacility/c:code", NS).get("code") == "SA17"
    assert root.find(".//c:standardIndustryClassCode", NS).get("code") == "ESSMS"


def test_qualified_identity_carries_the_ins_and_the_birth_place():
    root = etree.fromstring(_n1())
    ids = root.findall("c:recordTarget/c:patientRole/c:id", NS)
    assert (ids[0].get("root"), ids[0].get("extension")) == (OID_INS_NIR_TEST, P.NIR_QUALIFIE)
    county = root.find(".//c:birthplace/c:place/c:addr/c:county", NS)
    assert county.text == "75112"


def test_unqualified_identity_carries_only_the_local_identifier():
    xml = _n1(P.VALIDEE_SANS_INS)
    ids = etree.fromstring(xml).findall("c:recordTarget/c:patientRole/c:id", NS)
    assert [i.get("root") for i in ids] == [P.OID_LOCAL]
    assert b"1.2.250.1.213.1.4." not in xml


def test_a_minor_has_the_legal_representative_as_guardian():
    root = etree.fromstring(_n1(P.MINEUR))
    guardian = root.find(".//c:patient/c:guardian/c:guardianPerson/c:name/c:family", NS)
    assert guardian.text == "LEROY"


def test_compound_names_keep_birth_and_used_names_apart():
    root = etree.fromstring(_n1(P.NOMS_COMPOSES))
    name = root.find(".//c:patient/c:name", NS)
    families = {f.get("qualifier"): f.text for f in name.findall("c:family", NS)}
    assert families == {"BR": "DE LA FONTAINE-MARTIN", "CL": "D'ARTAGNAN"}
    givens = [(g.get("qualifier"), g.text) for g in name.findall("c:given", NS)]
    assert (None, "JEAN-PIERRE MARIE ANDRE") in givens
    assert ("BR", "JEAN-PIERRE") in givens


def test_a_revised_plan_replaces_the_previous_version():
    document = P.document(version=2, remplace="2.25.111")
    root = etree.fromstring(_n1(document=document))
    related = root.find("c:relatedDocument", NS)
    assert related.get("typeCode") == "RPLC"
    assert related.find("c:parentDocument/c:id", NS).get("root") == "2.25.111"
    assert root.find("c:versionNumber", NS).get("value") == "2"
    assert root.find("c:setId", NS).get("root") == document.lot


def test_the_software_can_be_the_author_device():
    root = etree.fromstring(_n1(auteur=P.LOGICIEL))
    assert root.find(".//c:assignedAuthoringDevice/c:softwareName", NS).text == "DUI"


def test_a_document_without_a_pdf_is_refused():
    with pytest.raises(DonneesManquantes, match="PDF"):
        _n1(pdf=b"<html>pas un pdf</html>")


def test_missing_identifiers_are_listed_not_half_built():
    anonyme = ProfessionnelData(nom="", prenom="")
    with pytest.raises(DonneesManquantes) as error:
        _n1(responsable=anonyme)
    assert "identifiant national" in str(error.value)
    assert "nom du responsable du document" in error.value.manquants


def test_an_unqualified_ins_cannot_even_be_built():
    with pytest.raises(InsNonQualifiee):
        INS(P.NIR_VALIDE, OID_INS_NIR_TEST, "validee")
    with pytest.raises(InsNonQualifiee):
        dataclasses.replace(
            P.VALIDEE_SANS_INS, ins=INS(P.NIR_VALIDE, OID_INS_NIR_TEST, "qualifiee")
        )


def _dlu(**kwargs):
    args = {
        "document": P.document("74207-2"),
        "patient": P.QUALIFIEE_INS,
        "auteur": P.MEDECIN,
        "responsable": P.MEDECIN,
        "structure": P.EHPAD,
        "sejour": P.sejour_of(P.QUALIFIEE_INS),
        "dlu": P.DLU,
    }
    args.update(kwargs)
    return cda.cda_dlu(**args)


def test_dlu_has_every_mandatory_section():
    root = etree.fromstring(_dlu())
    templates = {t.get("root") for t in root.iterfind(".//c:section/c:templateId", NS)}
    for required in (
        "1.3.6.1.4.1.19376.1.5.3.1.1.13.2.10",  # établissement de préférence
        "1.3.6.1.4.1.19376.1.5.3.1.3.19",  # traitements
        "1.3.6.1.4.1.19376.1.5.3.1.3.35",  # directives anticipées
        "1.3.6.1.4.1.19376.1.7.3.1.1.13.7",  # état du patient
        "1.3.6.1.4.1.19376.1.5.3.1.3.28",  # BMR
        "1.2.250.1.213.1.1.2.37",  # documents ajoutés
    ):
        assert required in templates
    assert b"Kard\xc3\xa9gic 75 mg" in _dlu()


def test_dlu_lists_what_is_missing():
    with pytest.raises(DonneesManquantes) as error:
        _dlu(dlu=DluData())
    assert "établissement de santé de préférence" in error.value.manquants
    assert "médecin traitant (avec son RPPS)" in error.value.manquants


def test_dlu_is_for_ehpad_residents():
    with pytest.raises(DonneesManquantes, match="EHPAD"):
        _dlu(structure=P.IME)


def test_fludt_names_the_transfer_and_the_destination():
    xml = cda.cda_fludt(
        document=P.document("74207-2"),
        patient=P.QUALIFIEE_INS,
        auteur=P.MEDECIN,
        responsable=P.MEDECIN,
        structure=P.EHPAD,
        sejour=P.sejour_of(P.QUALIFIEE_INS),
        dlu=P.DLU,
        fludt=P.FLUDT,
    )
    root = etree.fromstring(xml)
    assert root.find("c:templateId[@root='1.2.250.1.213.1.1.1.23']", NS) is not None
    assert b"Chute avec douleur de hanche droite" in xml
    assert b"H\xc3\xb4pital Saint-Antoine" in xml


def _allergies_section(xml: bytes):
    sections = etree.fromstring(xml).iterfind(".//c:section", NS)
    return next(s for s in sections if s.find("c:code", NS).get("code") == "48765-2")


def test_dlu_carries_the_allergies_section_of_the_ans_example():
    section = _allergies_section(_dlu())
    templates = {t.get("root") for t in section.findall("c:templateId", NS)}
    assert templates == {
        "2.16.840.1.113883.10.20.1.2",
        "1.3.6.1.4.1.19376.1.5.3.1.3.13",
        "1.2.250.1.213.1.1.2.137",
    }
    observation = section.find(".//c:observation", NS)
    assert observation.find("c:code", NS).get("code") == "416098002"  # allergie médicamenteuse
    reference = observation.find("c:text/c:reference", NS).get("value")
    assert section.find(f".//c:content[@ID='{reference[1:]}']", NS).text == "Pénicilline"


def test_dlu_states_no_known_allergy_as_a_negated_allergy():
    dlu = dataclasses.replace(P.DLU, allergies=(), sans_allergie_connue=True)
    section = _allergies_section(_dlu(dlu=dlu))
    assert "Aucune allergie" in "".join(section.find("c:text", NS).itertext())
    assert section.find(".//c:observation", NS).get("negationInd") == "true"


def test_dlu_is_refused_when_nobody_said_anything_about_allergies():
    with pytest.raises(DonneesManquantes) as error:
        _dlu(dlu=dataclasses.replace(P.DLU, allergies=()))
    assert error.value.manquants == ("allergies (ou « aucune allergie connue »)",)
