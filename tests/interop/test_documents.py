"""Received documents and messages: the ANS examples are integrated, matched by qualified
INS then traits, unknown persons go to the review queue, malformed files to quarantine."""

import datetime as dt
from html import escape
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from interop.documents import services
from interop.documents.models import (
    DocumentRecu,
    MessageRecu,
    MotifRapprochement,
    Quarantaine,
    Rapprochement,
    StatutRapprochement,
)
from interop.hl7.parser import message_hl7_lire
from securite.models import AuditAction, EvenementAudit
from tests.factories import SejourFactory
from usagers.models import IdentiteINS

pytestmark = pytest.mark.django_db

REFERENCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference"
CDA_EXAMPLES = sorted((REFERENCE / "cda" / "examples").glob("*.xml"))
HL7_EXAMPLES = sorted((REFERENCE / "hl7v2" / "examples").glob("*.er7"))
INS_EXEMPLE = "279035121518989"


def _pat_trois(world, *, qualifiee=True):
    """The person of the ANS examples (PAT-TROIS Dominique, test INS)."""
    usager = SejourFactory(
        unite=world.unite_a,
        usager__organisme=world.organisme,
        usager__nom_naissance="PAT-TROIS",
        usager__prenoms_naissance="DOMINIQUE MARIE-LOUISE",
        usager__premier_prenom_naissance="DOMINIQUE",
        usager__date_naissance=dt.date(1979, 3, 28),
        usager__sexe="F",
    ).usager
    if qualifiee:
        usager.statut_identite = "qualifiee"
        usager.lieu_naissance_code = "51215"
        usager.save()
        IdentiteINS.objects.create(
            usager=usager,
            matricule=INS_EXEMPLE,
            oid="1.2.250.1.213.1.4.10",
            methode="insi_traits",
            recupere_le=timezone.now(),
        )
    return usager


def _import(path_or_bytes, world, acteur, name="fichier"):
    raw = path_or_bytes.read_bytes() if isinstance(path_or_bytes, Path) else path_or_bytes
    return services.fichier_recu_integrer(
        contenu=raw, nom_fichier=name, organisme=world.organisme, acteur=acteur
    )


def test_the_reference_examples_exist():
    assert len(CDA_EXAMPLES) == 7
    assert len(HL7_EXAMPLES) == 7


def test_every_ans_example_document_is_integrated_by_qualified_ins(world, medecin):
    usager = _pat_trois(world)
    for path in CDA_EXAMPLES:
        resultat = _import(path, world, medecin, path.name)
        assert resultat.statut == "integre", (path.name, resultat.message)
        assert resultat.document.usager == usager
    assert DocumentRecu.objects.filter(usager=usager).count() == 7
    assert (
        EvenementAudit.objects.filter(
            usager=usager, action=AuditAction.CREATION, objet_type="documents.DocumentRecu"
        ).count()
        == 7
    )


def test_vsm_and_discharge_letters_are_medical(world, medecin):
    _pat_trois(world)
    for name in ("VSM_1.4_2022.01.xml", "LDL-SES_2022.01.xml"):
        document = _import(REFERENCE / "cda" / "examples" / name, world, medecin).document
        assert document.categorie == "medical"


def test_without_ins_strict_traits_match_a_single_person(world, medecin):
    usager = _pat_trois(world, qualifiee=False)
    resultat = _import(CDA_EXAMPLES[0], world, medecin)
    assert resultat.statut == "integre"
    assert resultat.document.usager == usager


def test_an_unknown_person_goes_to_the_review_queue(world, medecin):
    resultat = _import(CDA_EXAMPLES[0], world, medecin)
    assert resultat.statut == "a_rapprocher"
    assert resultat.document.usager is None
    assert resultat.rapprochement.motif == MotifRapprochement.SANS_USAGER


def test_homonyms_are_never_guessed(world, medecin):
    _pat_trois(world, qualifiee=False)
    _pat_trois(world, qualifiee=False)
    resultat = _import(CDA_EXAMPLES[0], world, medecin)
    assert resultat.statut == "a_rapprocher"
    assert resultat.rapprochement.motif == MotifRapprochement.AMBIGU
    assert resultat.rapprochement.candidats.count() == 2


def test_the_same_document_twice_is_recognised(world, medecin):
    _pat_trois(world)
    assert _import(CDA_EXAMPLES[0], world, medecin).statut == "integre"
    assert _import(CDA_EXAMPLES[0], world, medecin).statut == "deja_recu"
    assert DocumentRecu.objects.count() == 1


@pytest.mark.parametrize(
    ("raw", "motif"),
    [
        (b"<ClinicalDocument xmlns='urn:hl7-org:v3'><id", "XML mal formé"),
        (b"<html xmlns='urn:hl7-org:v3'/>", "racine ClinicalDocument"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>', "ClinicalDocument"),
        (b"%PDF-1.4 pas un CDA", "Format non reconnu"),
        (b"MSH|^~\\&|A|B|C|D|20240101||ORU^R01|1|P|2.5", "non pris en charge"),
        (b"MSH|^~\\&|A|B|C|D|20240101||ADT^A01^ADT_A01|1|P|2.5\rPV1|1|I", "PID absent"),
        (b"MSH|^~\\&|A|B|C|D|20240101||ADT^A40^ADT_A39|1|P|2.5\rPID|1||1^^^X&1.2&ISO^PI", "MRG"),
        (b"MSH|^~\\&|A|B|C|D|20240101||ADT^A01^ADT_A01|1|P|2.5\rpid|bad", "mal formé"),
    ],
)
def test_malformed_files_are_quarantined_with_their_reason(world, medecin, raw, motif):
    resultat = _import(raw, world, medecin, "recu.bin")
    assert resultat.statut == "quarantaine"
    element = Quarantaine.objects.get()
    assert motif in element.motif
    assert services.contenu_brut(element.contenu) == raw


def test_the_n1_pdf_is_kept_and_served(world, medecin, client_for):
    _pat_trois(world)
    path = REFERENCE / "cda" / "examples" / "DOC_NON_STRUCTURE_CDA-R2-N1.xml"
    document = _import(path, world, medecin).document
    assert document.has_pdf
    response = client_for(medecin).get(reverse("documents:document-pdf", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_a_document_is_shown_readably(world, medecin, client_for):
    usager = _pat_trois(world)
    path = REFERENCE / "cda" / "examples" / "DLU-EHPAD-DLU_2022.01.xml"
    document = _import(path, world, medecin).document
    client = client_for(medecin)
    listing = client.get(reverse("documents:usager-documents", args=[usager.pk]))
    assert escape(document.titre) in listing.content.decode()
    page = client.get(reverse("documents:document", args=[document.pk])).content.decode()
    assert "Traitements au long cours" in page
    assert "Bronchite chronique" in page
    assert EvenementAudit.objects.filter(
        acteur=medecin, action=AuditAction.LECTURE, usager=usager, categorie="medical"
    ).exists()


def test_medical_documents_stay_hidden_from_an_educator(world, medecin, educateur, client_for):
    usager = _pat_trois(world)
    document = _import(CDA_EXAMPLES[0], world, medecin).document
    client = client_for(educateur)
    listing = client.get(reverse("documents:usager-documents", args=[usager.pk]))
    assert escape(document.titre) not in listing.content.decode()
    assert client.get(reverse("documents:document", args=[document.pk])).status_code == 404


@pytest.mark.parametrize("path", HL7_EXAMPLES, ids=lambda p: p.name)
def test_every_hl7_example_is_parsed_without_losing_a_segment(path):
    raw = path.read_bytes()
    lu = message_hl7_lire(raw)
    lines = raw.decode().replace("\r\n", "\r").replace("\n", "\r").split("\r")
    assert list(lu.segments) == [line[:3] for line in lines if line.strip()]
    assert lu.identite.ins == INS_EXEMPLE
    assert lu.identite.nom_naissance == "PAT-TROIS"


def test_hl7_admission_from_the_hospital_is_attached_by_ins(world, secretaire):
    usager = _pat_trois(world)
    resultat = _import(REFERENCE / "hl7v2" / "examples" / "SGL__admission.er7", world, secretaire)
    assert resultat.statut == "integre"
    message = MessageRecu.objects.get()
    assert message.usager == usager
    assert "ZBE" in message.segments and "ZFA" in message.segments


def test_a_merge_request_goes_to_the_review_queue_and_merges_nothing(world, secretaire):
    usager = _pat_trois(world)
    raw = (
        b"MSH|^~\\&|GAM|CHU-X|DPI|CHU-X|20240306111154||ADT^A40^ADT_A39|77|P|2.5^FRA^2.11\r"
        b"EVN||20240306111154\r"
        b"PID|1||279035121518989^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS||"
        b"PAT-TROIS^DOMINIQUE^DOMINIQUE^^^^L||19790328|F\r"
        b"MRG|000099^^^CHU-X&1.2.3&ISO^PI\r"
    )
    resultat = _import(raw, world, secretaire)
    assert resultat.statut == "a_rapprocher"
    item = Rapprochement.objects.get()
    assert item.motif == MotifRapprochement.FUSION
    assert list(item.candidats.all()) == [usager]
    assert MessageRecu.objects.get().usager is None


def test_the_review_queue_attaches_a_document_on_a_human_decision(
    world, medecin, secretaire, client_for
):
    resultat = _import(CDA_EXAMPLES[0], world, medecin)
    usager = _pat_trois(world, qualifiee=False)
    client = client_for(secretaire)
    page = client.get(reverse("documents:rapprochements"))
    assert "PAT-TROIS" in page.content.decode()
    response = client.post(
        reverse("documents:rapprochements"),
        {"id": resultat.rapprochement.pk, "identifiant_local": usager.identifiant_local},
    )
    assert response.status_code == 302
    resultat.document.refresh_from_db()
    assert resultat.document.usager == usager
    item = Rapprochement.objects.get()
    assert item.statut == StatutRapprochement.RATTACHE
    assert item.traite_par == secretaire


def test_the_queue_and_quarantine_are_for_identity_vigilance_roles(world, educateur, client_for):
    client = client_for(educateur)
    assert client.get(reverse("documents:rapprochements")).status_code == 404
    assert client.get(reverse("documents:quarantaine")).status_code == 404


def test_quarantine_lists_the_rejected_files(world, secretaire, client_for):
    _import(b"garbage", world, secretaire, "inconnu.dat")
    page = client_for(secretaire).get(reverse("documents:quarantaine")).content.decode()
    assert "inconnu.dat" in page
    assert "Format non reconnu" in page
