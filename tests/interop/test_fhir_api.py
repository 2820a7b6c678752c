"""Read-only FHIR endpoint behind the access policy."""

import json

import pytest
from django.urls import reverse

from securite.models import AuditAction, EvenementAudit
from tests.factories import SejourFactory

pytestmark = pytest.mark.django_db


def test_metadata_is_a_capability_statement(client):
    response = client.get(reverse("fhir:metadata"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    assert json.loads(response.content)["resourceType"] == "CapabilityStatement"


def test_patient_read_in_scope_returns_fr_core_patient_and_is_audited(
    world, chef_service, client_for
):
    usager = SejourFactory(unite=world.unite_a).usager
    response = client_for(chef_service).get(reverse("fhir:patient-read", args=[usager.pk]))
    assert response.status_code == 200
    resource = json.loads(response.content)
    assert resource["resourceType"] == "Patient"
    assert resource["name"][0]["family"] == usager.nom_naissance
    for action in (AuditAction.LECTURE, AuditAction.EXPORT):
        assert EvenementAudit.objects.filter(
            acteur=chef_service, action=action, usager=usager
        ).exists()


def test_patient_out_of_scope_is_404_and_traced(world, educateur_ailleurs, client_for):
    usager = SejourFactory(unite=world.unite_a).usager
    response = client_for(educateur_ailleurs).get(reverse("fhir:patient-read", args=[usager.pk]))
    assert response.status_code == 404
    assert json.loads(response.content)["resourceType"] == "OperationOutcome"
    assert EvenementAudit.objects.filter(
        acteur=educateur_ailleurs, action=AuditAction.REFUS
    ).exists()


def test_anonymous_gets_no_patient(world, client):
    usager = SejourFactory(unite=world.unite_a).usager
    assert client.get(reverse("fhir:patient-read", args=[usager.pk])).status_code in (401, 403)


def test_search_by_local_identifier_sees_only_the_scope(
    world, chef_service, educateur_ime, client_for
):
    usager = SejourFactory(unite=world.unite_a).usager
    url = reverse("fhir:patient-search") + f"?identifier={usager.identifiant_local}"
    found = json.loads(client_for(chef_service).get(url).content)
    assert found["total"] == 1
    hidden = json.loads(client_for(educateur_ime).get(url).content)
    assert hidden["total"] == 0


def test_search_without_identifier_is_a_bad_request(world, chef_service, client_for):
    response = client_for(chef_service).get(reverse("fhir:patient-search"))
    assert response.status_code == 400


def _qualifie(world):
    from django.utils import timezone

    from tests.interop import personas as P
    from usagers.models import IdentiteINS, StatutIdentite

    usager = SejourFactory(unite=world.unite_a).usager
    usager.statut_identite = StatutIdentite.QUALIFIEE
    usager.lieu_naissance_code = "75112"
    usager.save()
    nir = P.nir_avec_cle("2400575112077")
    IdentiteINS.objects.create(
        usager=usager,
        matricule=nir,
        oid="1.2.250.1.213.1.4.10",
        methode="insi_traits",
        recupere_le=timezone.now(),
    )
    return usager, f"urn:oid:1.2.250.1.213.1.4.10|{nir}"


def test_search_by_ins_goes_by_post_and_finds_a_qualified_identity(
    world, chef_service, educateur_ime, client_for
):
    usager, identifier = _qualifie(world)
    url = reverse("fhir:patient-search-post")
    found = json.loads(client_for(chef_service).post(url, {"identifier": identifier}).content)
    assert found["total"] == 1
    assert found["entry"][0]["resource"]["id"] == str(usager.pk)
    hidden = json.loads(client_for(educateur_ime).post(url, {"identifier": identifier}).content)
    assert hidden["total"] == 0


def test_search_by_ins_in_the_url_is_refused_before_any_lookup(world, chef_service, client_for):
    _, identifier = _qualifie(world)
    before = EvenementAudit.objects.count()
    response = client_for(chef_service).get(
        reverse("fhir:patient-search"), {"identifier": identifier}
    )
    assert response.status_code == 400
    assert "POST /fhir/Patient/_search" in json.loads(response.content)["issue"][0]["diagnostics"]
    assert EvenementAudit.objects.count() == before  # nothing was read


def test_an_unqualified_ins_is_not_searchable(world, chef_service, client_for):
    from usagers.models import StatutIdentite

    usager, identifier = _qualifie(world)
    usager.statut_identite = StatutIdentite.VALIDEE
    usager.save()
    found = json.loads(
        client_for(chef_service)
        .post(reverse("fhir:patient-search-post"), {"identifier": identifier})
        .content
    )
    assert found["total"] == 0
