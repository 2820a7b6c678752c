"""Sharing a validated support plan with the DMP (interop.partage): the validation writes the
N1 document's delivery in its own transaction, a new version replaces the previous one
(relatedDocument RPLC, same setId), and a plan that may not go leaves no delivery and says
why."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from interop import partage, services
from interop.models import Cible, Envoi, OppositionEnvoi, StatutEnvoi
from securite.models import AuditAction, EvenementAudit
from tests.interop.kit import validate
from tests.interop.peers.documents import INS_EXEMPLE, OID_INS_TEST
from tests.interop.peers.fixtures import *  # noqa: F403
from tests.projet.helpers import accords_recueillir, projet_en_concertation
from usagers.models import IdentiteINS, MethodeRecuperation, StatutIdentite
from usagers.projet import services as projet_services
from usagers.projet.models import StatutProjet

NS = {"c": "urn:hl7-org:v3"}


@pytest.fixture
def qualifie(resident):  # type: ignore[no-untyped-def]
    """The resident of unit A, identity qualified (INS of the ANS example, birth place)."""
    IdentiteINS.objects.create(
        usager=resident,
        matricule=INS_EXEMPLE,
        oid=OID_INS_TEST,
        methode=MethodeRecuperation.INSI_TRAITS,
        recupere_le=timezone.now(),
    )
    resident.statut_identite = StatutIdentite.QUALIFIEE
    resident.lieu_naissance_code = "63113"
    resident.save(update_fields=["statut_identite", "lieu_naissance_code"])
    return resident


def _pret(referent, chef, usager):  # type: ignore[no-untyped-def]
    """A plan in concertation with both agreements: the next step is its validation."""
    projet = projet_en_concertation(referent=referent, usager=usager)
    accords_recueillir(projet, referent=referent, chef=chef)
    return projet


def _valider(referent, projet):  # type: ignore[no-untyped-def]
    return projet_services.projet_transition(
        acteur=referent, projet=projet, vers=StatutProjet.VALIDE
    )


def _cda(envoi: Envoi) -> bytes:
    return Envoi.objects.get(pk=envoi.pk).contenu


def _entete(document: bytes) -> dict[str, str]:
    root = etree.fromstring(document)
    parent = root.find("c:relatedDocument[@typeCode='RPLC']/c:parentDocument/c:id", NS)
    return {
        "id": root.find("c:id", NS).get("root"),
        "setId": root.find("c:setId", NS).get("root"),
        "version": root.find("c:versionNumber", NS).get("value"),
        "code": root.find("c:code", NS).get("code"),
        "remplace": parent.get("root") if parent is not None else "",
    }


def test_validating_a_plan_of_a_qualified_person_writes_one_dmp_delivery_in_its_transaction(
    educateur, chef_service, qualifie, publications, django_capture_on_commit_callbacks
):
    projet = _pret(educateur, chef_service, qualifie)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        projet = _valider(educateur, projet)
        envoi = Envoi.objects.get()
        assert publications == []  # nothing leaves before the commit
    assert publications == [envoi.pk]
    assert (envoi.cible, envoi.statut, envoi.version) == (Cible.DMP, StatutEnvoi.PENDING, 1)
    assert envoi.usager == qualifie
    assert envoi.etablissement == projet.etablissement
    assert envoi.cree_par == educateur
    assert envoi.type_code == "80788-3"
    assert envoi.document_id == partage.projet_lot(projet)
    assert "marché" not in envoi.titre  # the queue shows no health data
    entete = _entete(_cda(envoi))
    assert entete == {
        "id": envoi.document_uid,
        "setId": envoi.document_id,
        "version": "1",
        "code": "80788-3",
        "remplace": "",
    }
    assert INS_EXEMPLE.encode() in _cda(envoi)
    assert EvenementAudit.objects.filter(
        action=AuditAction.EXPORT, objet_id=str(envoi.pk), acteur=educateur
    ).exists()


def test_rolled_back_validation_leaves_no_delivery(
    educateur, chef_service, qualifie, publications, django_capture_on_commit_callbacks
):
    projet = _pret(educateur, chef_service, qualifie)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _valider(educateur, projet)
        assert Envoi.objects.count() == 1
        raise RuntimeError("la validation échoue après coup")
    assert not Envoi.objects.exists()
    assert publications == []
    projet.refresh_from_db()
    assert projet.statut == StatutProjet.CONCERTATION


def test_second_version_replaces_the_first_in_the_dmp_with_the_same_set_id(
    educateur, chef_service, qualifie, publications, depot, dmp_configure, tmp_path
):
    v1 = _valider(educateur, _pret(educateur, chef_service, qualifie))
    e1 = Envoi.objects.get()
    assert services.envoi_executer(e1.pk) == "livré"
    v2 = projet_services.projet_nouvelle_version(acteur=educateur, projet=v1)
    v2 = projet_services.projet_transition(acteur=educateur, projet=v2, vers="concertation")
    accords_recueillir(v2, referent=educateur, chef=chef_service)
    _valider(educateur, v2)
    e2 = Envoi.objects.get(version=2)
    assert e2.document_id == e1.document_id
    assert e2.remplace == e1
    entete1, entete2 = _entete(_cda(e1)), _entete(_cda(e2))
    assert entete2["setId"] == entete1["setId"] == e1.document_id
    assert entete2["version"] == "2"
    assert entete2["remplace"] == entete1["id"] == e1.document_uid
    assert entete2["id"] not in (entete1["id"], entete1["setId"])
    # Delivered: the repository (which runs the kit on the envelope and the CDA) records the
    # XDS replacement association too.
    assert services.envoi_executer(e2.pk) == "livré"
    assert depot.registre.acceptes[e2.document_uid].remplace == f"urn:uuid:{e1.entry_uuid}"
    assert depot.copies(e1.document_uid) == depot.copies(e2.document_uid) == 1
    # And the kit's command line on both documents (one call: the kit takes seconds to start).
    fichiers = []
    for nom, envoi in (("v1", e1), ("v2", e2)):
        fichier = tmp_path / f"ppa-{nom}.xml"
        fichier.write_bytes(_cda(envoi))
        fichiers.append(fichier)
    validate("cda", fichiers)


def test_version_not_delivered_yet_is_cancelled_and_the_new_one_replaces_nothing(
    educateur, chef_service, qualifie, publications
):
    v1 = _valider(educateur, _pret(educateur, chef_service, qualifie))
    v2 = projet_services.projet_nouvelle_version(acteur=educateur, projet=v1)
    v2 = projet_services.projet_transition(acteur=educateur, projet=v2, vers="concertation")
    accords_recueillir(v2, referent=educateur, chef=chef_service)
    _valider(educateur, v2)
    e1, e2 = Envoi.objects.order_by("version")
    assert e1.statut == StatutEnvoi.CANCELLED
    assert e2.remplace is None
    assert _entete(_cda(e2))["remplace"] == ""
    assert _entete(_cda(e2))["setId"] == e1.document_id


def test_unqualified_identity_creates_no_delivery_and_the_user_is_told(
    client_for, educateur, chef_service, resident, publications
):
    projet = _pret(educateur, chef_service, resident)
    response = client_for(educateur).post(
        reverse("projet:transition", args=[projet.pk]), {"vers": "valide"}, follow=True
    )
    projet.refresh_from_db()
    assert projet.statut == StatutProjet.EN_COURS
    assert not Envoi.objects.exists()
    page = response.content.decode()
    assert "n&#x27;a pas été envoyé au DMP" in page
    assert "identité de la personne n&#x27;est pas qualifiée" in page


def test_qualified_identity_delivery_is_announced_on_the_page(
    client_for, educateur, chef_service, qualifie, publications, settings
):
    settings.DMP_ENDPOINT = "https://dmp.example.invalid/iti41"
    projet = _pret(educateur, chef_service, qualifie)
    response = client_for(educateur).post(
        reverse("projet:transition", args=[projet.pk]), {"vers": "valide"}, follow=True
    )
    assert Envoi.objects.count() == 1
    assert "confié à l&#x27;envoi vers le DMP" in response.content.decode()


def test_objection_to_the_dmp_creates_no_delivery(educateur, chef_service, qualifie, publications):
    OppositionEnvoi.objects.create(
        usager=qualifie, cible=Cible.DMP, exprimee_par="la personne", date=dt.date(2025, 1, 2)
    )
    projet = _valider(educateur, _pret(educateur, chef_service, qualifie))
    assert not Envoi.objects.exists()
    etat = partage.projet_partage_etat(projet=projet, acteur=educateur)
    assert etat.envoi is None
    assert "opposée au partage par DMP" in etat.message


def test_record_lacking_header_data_validates_the_plan_but_sends_nothing(
    educateur, chef_service, qualifie, publications
):
    qualifie.lieu_naissance_code = ""
    qualifie.save(update_fields=["lieu_naissance_code"])
    projet = _valider(educateur, _pret(educateur, chef_service, qualifie))
    assert projet.statut == StatutProjet.EN_COURS
    assert not Envoi.objects.exists()
    message = partage.projet_partage_etat(projet=projet, acteur=educateur).message
    assert "Document incomplet" in message
    assert "lieu de naissance" in message


def test_dmp_not_configured_still_records_the_delivery_for_the_administrators(
    educateur, chef_service, qualifie, publications, settings
):
    settings.DMP_ENDPOINT = ""
    projet = _valider(educateur, _pret(educateur, chef_service, qualifie))
    envoi = Envoi.objects.get()
    etat = partage.projet_partage_etat(projet=projet, acteur=educateur)
    assert etat.is_alerte
    assert "pas encore configuré" in etat.message
    services.envoi_executer(envoi.pk)
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.DEAD
    assert "DMP non configuré" in envoi.derniere_erreur


def test_author_without_access_rights_cannot_trigger_a_delivery(
    educateur, chef_service, educateur_ailleurs, qualifie, publications
):
    projet = _pret(educateur, chef_service, qualifie)
    with pytest.raises(ValidationError):
        _valider(educateur_ailleurs, projet)
    projet = _valider(educateur, projet)
    Envoi.objects.all().delete()
    with pytest.raises(PermissionDenied):
        partage.projet_partager(projet=projet, acteur=educateur_ailleurs)
    assert not Envoi.objects.exists()


def test_sharing_a_version_twice_returns_its_delivery(
    educateur, chef_service, qualifie, publications
):
    projet = _valider(educateur, _pret(educateur, chef_service, qualifie))
    first = Envoi.objects.get()
    again = partage.projet_partager(projet=projet, acteur=educateur)
    assert again.envoi == first
    assert Envoi.objects.count() == 1


def test_plan_in_preparation_is_not_shared(educateur, chef_service, qualifie, publications):
    projet = _pret(educateur, chef_service, qualifie)
    with pytest.raises(ValidationError):
        partage.projet_partager(projet=projet, acteur=educateur)
    assert not Envoi.objects.exists()


def test_export_command_builds_the_same_document_set_and_version(
    educateur, chef_service, qualifie, publications, tmp_path
):
    projet = _valider(educateur, _pret(educateur, chef_service, qualifie))
    envoi = Envoi.objects.get()
    sortie = tmp_path / "ppa.xml"
    call_command(
        "interop_export", "cda-ppa", str(qualifie.pk), "-o", str(sortie), utilisateur="educateur"
    )
    entete = _entete(sortie.read_bytes())
    assert (entete["setId"], entete["version"]) == (envoi.document_id, str(projet.version))
