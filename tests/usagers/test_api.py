"""REST API of the usager record: admission, bad input (HTTP 400 with French field errors,
nothing saved), duplicates (409), policy (404), and the INS never leaving unqualified."""

import pytest
from rest_framework.test import APIClient

from securite.models import AuditAction, EvenementAudit
from tests.factories import IdentiteINSFactory, SejourFactory
from usagers.models import StatutIdentite, Usager

pytestmark = pytest.mark.django_db
BASE = "/api/usagers/"


@pytest.fixture
def api_for():
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


def _admission(world, **identite):
    return {
        "identite": {
            "nom_naissance": "Lefèbvre",
            "prenoms_naissance": "Chloé Anne",
            "date_naissance": "1938-02-03",
            "sexe": "F",
            "lieu_naissance_code": "69123",
            **identite,
        },
        "sejour": {
            "etablissement": world.ehpad.pk,
            "unite": world.unite_a.pk,
            "mode_accueil": "internat",
            "date_entree": "2026-01-05",
            "mode_entree": "8",
        },
    }


def test_admission_creates_the_record_and_answers_201_without_ins(world, secretaire, api_for):
    response = api_for(secretaire).post(BASE, _admission(world), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["statut_identite"] == "provisoire"
    assert body["ins"] is None
    assert body["sejours"][0]["etablissement"] == world.ehpad.pk


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date_naissance": "2999-01-01"}, "date_naissance"),
        ({"lieu_naissance_code": "99999"}, "lieu_naissance_code"),
        ({"sexe": "X"}, "sexe"),
        ({"date_naissance": "1938-02-31"}, "date_naissance"),
    ],
)
def test_bad_identity_input_is_a_400_with_a_french_message_per_field(
    world, secretaire, api_for, change, field
):
    response = api_for(secretaire).post(BASE, _admission(world, **change), format="json")
    assert response.status_code == 400
    errors = response.json()["identite"][field]
    assert errors and all(isinstance(e, str) for e in errors)
    assert not Usager.objects.exists()


def test_an_exit_planned_before_the_admission_is_a_400(world, secretaire, api_for):
    payload = _admission(world)
    payload["sejour"]["date_sortie_prevue"] = "2025-01-01"
    response = api_for(secretaire).post(BASE, payload, format="json")
    assert response.status_code == 400
    assert "date_sortie_prevue" in response.json()
    assert not Usager.objects.exists()


def test_a_duplicate_is_a_409_then_accepted_once_confirmed(world, secretaire, api_for):
    client = api_for(secretaire)
    first = client.post(BASE, _admission(world), format="json").json()
    response = client.post(BASE, _admission(world, nom_naissance="Lefebre"), format="json")
    assert response.status_code == 409
    assert response.json()["doublons"] == [first["identifiant_local"]]
    payload = {**_admission(world), "confirmer_doublon": True}
    assert client.post(BASE, payload, format="json").status_code == 201


def test_search_is_a_post_and_finds_by_name(world, secretaire, api_for):
    usager = SejourFactory(unite=world.unite_a).usager
    response = api_for(secretaire).post(f"{BASE}recherche/", {"texte": "helene"}, format="json")
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [usager.pk]
    assert api_for(secretaire).get(f"{BASE}recherche/").status_code == 405
    assert api_for(secretaire).post(f"{BASE}recherche/", {}, format="json").status_code == 400


def test_the_list_pages_with_a_cursor(world, secretaire, api_for):
    for _ in range(3):
        SejourFactory(unite=world.unite_a)
    body = api_for(secretaire).get(BASE).json()
    assert len(body["results"]) == 3 and body["suivant"] is None
    assert api_for(secretaire).get(f"{BASE}?presence=inconnu").status_code == 400


@pytest.mark.parametrize(
    "statut", [StatutIdentite.PROVISOIRE, StatutIdentite.RECUPEREE, StatutIdentite.VALIDEE]
)
def test_the_api_never_carries_an_unqualified_ins(world, secretaire, api_for, statut):
    usager = SejourFactory(unite=world.unite_a).usager
    usager.statut_identite = statut
    usager.save()
    ins = IdentiteINSFactory(usager=usager)
    client = api_for(secretaire)
    for response in (
        client.get(f"{BASE}{usager.pk}/"),
        client.get(BASE),
        client.post(f"{BASE}recherche/", {"texte": usager.identifiant_local}, format="json"),
    ):
        assert response.status_code == 200
        assert ins.matricule not in response.content.decode()


def test_the_api_carries_a_qualified_ins_with_its_oid(world, secretaire, api_for):
    usager = SejourFactory(unite=world.unite_a).usager
    usager.statut_identite = StatutIdentite.QUALIFIEE
    usager.save()
    ins = IdentiteINSFactory(usager=usager)
    body = api_for(secretaire).get(f"{BASE}{usager.pk}/").json()
    assert body["ins"] == {"matricule": ins.matricule, "oid": ins.oid}
    # The list and the search rows never carry it, qualified or not.
    assert ins.matricule not in api_for(secretaire).get(BASE).content.decode()


def test_reading_a_record_is_audited_and_out_of_scope_is_a_404_with_a_refusal(
    world, secretaire, educateur_ime, api_for
):
    usager = SejourFactory(unite=world.unite_a).usager
    assert api_for(secretaire).get(f"{BASE}{usager.pk}/").status_code == 200
    assert EvenementAudit.objects.filter(
        acteur=secretaire, usager=usager, action=AuditAction.LECTURE
    ).exists()
    assert api_for(educateur_ime).get(f"{BASE}{usager.pk}/").status_code == 404
    assert EvenementAudit.objects.filter(acteur=educateur_ime, action=AuditAction.REFUS).exists()


@pytest.mark.parametrize(
    ("suffix", "payload"),
    [
        ("justificatifs/", {"type": "CN", "numero": "X"}),
        ("insi/", {}),
        ("insi/retenir/", {"jeton": "x"}),
        ("sejours/", {}),
        ("entourage/", {"nom": "X", "lien": "SONC"}),
        ("protection/", {}),
        ("orientation/", {}),
        ("evaluations/", {}),
        ("fusion/", {"doublon": 1, "motif": "xx"}),
    ],
)
def test_every_write_endpoint_answers_404_out_of_scope(
    world, educateur_ime, api_for, suffix, payload
):
    usager = SejourFactory(unite=world.unite_a).usager
    response = api_for(educateur_ime).post(f"{BASE}{usager.pk}/{suffix}", payload, format="json")
    assert response.status_code == 404


def test_an_educator_reads_but_cannot_change_the_identity(world, educateur, api_for):
    usager = SejourFactory(unite=world.unite_a).usager
    client = api_for(educateur)
    assert client.get(f"{BASE}{usager.pk}/").status_code == 200
    assert (
        client.patch(f"{BASE}{usager.pk}/", {"nom_utilise": "X"}, format="json").status_code == 404
    )


def test_a_strict_trait_change_through_the_api_drops_a_qualified_identity(
    world, secretaire, api_for
):
    usager = SejourFactory(unite=world.unite_a).usager
    usager.statut_identite = StatutIdentite.QUALIFIEE
    usager.lieu_naissance_code = "69123"
    usager.save()
    IdentiteINSFactory(usager=usager)
    response = api_for(secretaire).patch(f"{BASE}{usager.pk}/", {"sexe": "M"}, format="json")
    assert response.status_code == 200
    assert response.json()["statut_identite"] == "provisoire"
    assert response.json()["ins"] is None


def test_document_check_validates_the_identity(world, secretaire, api_for):
    usager = SejourFactory(unite=world.unite_a).usager
    usager.lieu_naissance_code = "69123"
    usager.save()
    response = api_for(secretaire).post(
        f"{BASE}{usager.pk}/justificatifs/",
        {"type": "PA", "numero": "18AB12345", "valider": True},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["numero_masque"] == "•••• 2345"
    assert response.json()["statut_identite"] == "validee"


def test_a_document_that_cannot_validate_saves_nothing(world, secretaire, api_for):
    usager = SejourFactory(unite=world.unite_a).usager
    usager.lieu_naissance_code = "69123"
    usager.save()
    response = api_for(secretaire).post(
        f"{BASE}{usager.pk}/justificatifs/",
        {"type": "PC", "numero": "1", "valider": True},
        format="json",
    )
    assert response.status_code == 400
    assert "justificatif" in response.json()
    assert not usager.justificatifs.exists()


def test_insi_through_the_api_never_shows_the_matricule_and_retains_with_a_token(
    world, secretaire, api_for, insi_peer
):
    usager = SejourFactory(unite=world.unite_a).usager
    usager.nom_naissance, usager.prenoms_naissance = "DURAND", "HELENE"
    usager.premier_prenom_naissance = "HELENE"
    usager.save()
    client = api_for(secretaire)
    response = client.post(f"{BASE}{usager.pk}/insi/", {}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["code_cr"] == "00"
    matricule = insi_peer.registre.identites[0].matricule
    assert matricule not in response.content.decode()
    retained = client.post(
        f"{BASE}{usager.pk}/insi/retenir/", {"jeton": body["jeton"]}, format="json"
    )
    assert retained.status_code == 200
    assert retained.json()["statut_identite"] == "recuperee"
    assert retained.json()["ins"] is None
    forged = client.post(
        f"{BASE}{usager.pk}/insi/retenir/", {"jeton": body["jeton"][:-4] + "AAAA"}, format="json"
    )
    assert forged.status_code == 400


def test_insi_with_a_wrong_vitale_nir_key_is_a_400(world, secretaire, api_for, insi_peer):
    usager = SejourFactory(unite=world.unite_a).usager
    response = api_for(secretaire).post(
        f"{BASE}{usager.pk}/insi/", {"nir_ouvrant_droit": "269054958815781"}, format="json"
    )
    assert response.status_code == 400
    assert "clé" in response.json()["nir_ouvrant_droit"][0]


def test_insi_unreachable_is_a_502(world, secretaire, api_for, settings):
    settings.INSI_ENDPOINT = "http://127.0.0.1:9/insi"
    settings.INSI_TIMEOUT = 1
    usager = SejourFactory(unite=world.unite_a).usager
    assert (
        api_for(secretaire).post(f"{BASE}{usager.pk}/insi/", {}, format="json").status_code == 502
    )


def test_a_protection_measure_without_dates_is_a_400(world, chef_service, api_for):
    usager = SejourFactory(unite=world.unite_a).usager
    payload = {
        "type": "tutelle",
        "portee": "personne_et_biens",
        "mandataire_nom": "UDAF",
        "mandataire_type": "service",
    }
    response = api_for(chef_service).post(f"{BASE}{usager.pk}/protection/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["date_debut"] == ["La date de début de la mesure est obligatoire."]
    payload["date_debut"] = "2024-01-01"
    response = api_for(chef_service).post(f"{BASE}{usager.pk}/protection/", payload, format="json")
    assert response.status_code == 400 and "date_fin" in response.json()
    payload["date_fin"] = "2029-01-01"
    assert (
        api_for(chef_service)
        .post(f"{BASE}{usager.pk}/protection/", payload, format="json")
        .status_code
        == 201
    )


def test_stays_contacts_decisions_gir_and_merge_through_the_api(
    world, chef_service, medecin, api_for
):
    usager = SejourFactory(unite=world.unite_a).usager
    client = api_for(chef_service)
    overlap = client.post(
        f"{BASE}{usager.pk}/sejours/",
        {"etablissement": world.ehpad.pk, "mode_accueil": "internat", "date_entree": "2025-01-01"},
        format="json",
    )
    assert overlap.status_code == 400 and "date_entree" in overlap.json()
    sejour = usager.sejours.get()
    exit_ = client.post(
        f"{BASE}{usager.pk}/sejours/{sejour.pk}/sortie/",
        {"date_sortie": "2023-01-01", "mode_sortie": "8"},
        format="json",
    )
    assert exit_.status_code == 400 and "date_sortie" in exit_.json()
    assert (
        client.post(
            f"{BASE}{usager.pk}/entourage/", {"nom": "Durand", "lien": "DAUC"}, format="json"
        ).status_code
        == 201
    )
    assert (
        client.post(
            f"{BASE}{usager.pk}/orientation/",
            {
                "numero": "1/069",
                "mdph": "MDPH 69",
                "date_decision": "2024-01-01",
                "date_debut": "2024-02-01",
                "date_fin": "2029-01-31",
                "type_orientation": "mas",
            },
            format="json",
        ).status_code
        == 201
    )
    assert (
        api_for(medecin)
        .post(
            f"{BASE}{usager.pk}/evaluations/",
            {"date_evaluation": "2025-01-01", "gir": 3},
            format="json",
        )
        .status_code
        == 201
    )
    doublon = SejourFactory(unite=world.unite_a).usager
    merged = client.post(
        f"{BASE}{usager.pk}/fusion/",
        {"doublon": doublon.pk, "motif": "Même personne, vérifié"},
        format="json",
    )
    assert merged.status_code == 200
    assert len(merged.json()["sejours"]) == 2


def test_the_openapi_schema_documents_the_usager_operations(world, secretaire, api_for):
    from django.urls import include, path
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator(
        patterns=[path("api/usagers/", include("usagers.api_urls"))]
    ).get_schema(request=None, public=True)
    operations = {op["operationId"] for item in schema["paths"].values() for op in item.values()}
    assert {
        "usager_list",
        "usager_admettre",
        "usager_rechercher",
        "usager_detail",
        "usager_insi_rechercher",
        "usager_fusionner",
    } <= operations
    ins = schema["components"]["schemas"]["UsagerDetailOutput"]["properties"]["ins"]
    assert "qualifiée" in ins.get("description", "") or "allOf" in ins or "nullable" in str(ins)
