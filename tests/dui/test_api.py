"""The organisation API: JSON, field errors, 404 for what is out of scope."""

from django.test import Client
from django.urls import reverse
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token

from dui.models import Etablissement

LIST = "/api/etablissements/"


def test_api_requires_authentication(db):
    assert Client().get(LIST).status_code in (401, 403)


def test_list_shows_only_my_establishments(world, educateur, client_for):
    data = client_for(educateur).get(LIST).json()
    assert data["count"] == 1
    assert data["results"][0]["finess"] == world.ehpad.finess


def test_token_authentication_of_a_technical_account(world, admin_technique):
    token = Token.objects.create(user=admin_technique)
    response = Client().get(LIST, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_a_director_token_is_refused(world, directeur):
    """A person's account reaches the API through a session verified by the second factor."""
    token = Token.objects.create(user=directeur)
    response = Client().get(LIST, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 401


def test_create_returns_201(world, directeur, client_for):
    response = client_for(directeur).post(
        LIST,
        {
            "nom": "SESSAD Les Sources",
            "finess": "750712184",
            "categorie": "182",
            "capacites": [{"mode_accueil": "domicile", "places": 40}],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["categorie_libelle"] == "SESSAD"


def test_malformed_payload_gets_400_with_field_errors_and_saves_nothing(
    world, directeur, client_for
):
    before = Etablissement.objects.count()
    response = client_for(directeur).post(
        LIST,
        {
            "nom": "",
            "finess": "750712185",
            "categorie": "999",
            "code_postal": "7500",
            "capacites": [{"mode_accueil": "internat", "places": -1}],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"nom", "finess", "categorie", "code_postal", "capacites"}
    assert "clé de contrôle" in errors["finess"][0]
    assert Etablissement.objects.count() == before


def test_duplicate_finess_from_the_service_is_a_field_error(world, directeur, client_for):
    response = client_for(directeur).post(
        LIST,
        {"nom": "Doublon", "finess": world.ehpad.finess, "categorie": "500"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "finess" in response.json()


def test_not_json_is_a_clear_400(world, directeur, client_for):
    response = client_for(directeur).post(LIST, "{pas du json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_educator_cannot_create(world, educateur, client_for):
    response = client_for(educateur).post(
        LIST,
        {"nom": "X", "finess": "750712184", "categorie": "500"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_detail_of_another_organisme_is_404_like_a_missing_one(world, directeur, client_for):
    client = client_for(directeur)
    ok = client.get(f"{LIST}{world.ehpad.pk}/")
    assert ok.status_code == 200
    assert ok.json()["capacites"] == [{"mode_accueil": "internat", "places": 80}]
    other = client.get(f"{LIST}{world.autre_etablissement.pk}/")
    missing = client.get(f"{LIST}999999/")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()


def test_me_endpoint(world, infirmier, client_for):
    data = client_for(infirmier).get("/api/moi/").json()
    assert data["profession"] == "infirmier"
    assert data["type_compte"] == "professionnel"


def test_schema_is_a_valid_openapi_3_document(world, directeur, client_for):
    response = client_for(directeur).get(reverse("dui:api-schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)
    assert "/api/etablissements/" in schema["paths"]


def test_api_docs_page_uses_vendored_assets(world, directeur, client_for):
    response = client_for(directeur).get(reverse("dui:api-docs"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "cdn" not in content.lower()
    assert "swagger-ui" in content
