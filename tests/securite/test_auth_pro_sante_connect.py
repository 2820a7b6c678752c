"""Pro Santé Connect without a provider: RPPS mapping, the backend, the switch.

The whole authorization-code flow against a real OpenID provider is in
tests/e2e/test_pro_sante_connect.py."""

import pytest
from django.contrib.auth import authenticate
from django.test import Client
from django.urls import reverse

from securite.authentification.pro_sante_connect import rpps_from_claims

RPPS = "10000000009"


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        ({"SubjectNameID": "8" + RPPS}, RPPS),
        ({"SubjectNameID": RPPS}, RPPS),
        ({"SubjectNameID": "ANS20231122132732"}, None),
        ({"SubjectNameID": "0123456789"}, None),
        ({"SubjectNameID": ""}, None),
        ({"preferred_username": "8" + RPPS}, None),
        ({}, None),
    ],
)
def test_rpps_is_read_from_the_subject_name_id(claims, expected):
    assert rpps_from_claims(claims) == expected


def test_claim_name_is_configurable(settings):
    settings.PSC_RPPS_CLAIM = "preferred_username"
    assert rpps_from_claims({"preferred_username": "8" + RPPS}) == RPPS


def test_backend_maps_the_rpps_to_an_active_professional_account(world, medecin):
    medecin.professionnel.rpps = RPPS
    medecin.professionnel.save()
    assert authenticate(None, psc_claims={"SubjectNameID": "8" + RPPS}) == medecin
    medecin.is_active = False
    medecin.save()
    assert authenticate(None, psc_claims={"SubjectNameID": "8" + RPPS}) is None


def test_backend_never_creates_an_account_for_an_unknown_rpps(world, medecin):
    from securite.models import Utilisateur

    count = Utilisateur.objects.count()
    assert authenticate(None, psc_claims={"SubjectNameID": "8" + RPPS}) is None
    assert Utilisateur.objects.count() == count


def test_password_backend_ignores_psc_claims_and_psc_backend_ignores_passwords(world, educateur):
    assert authenticate(None, psc_claims={"SubjectNameID": "educateur"}) is None
    assert authenticate(None, username="educateur", password="Mot-de-passe-de-test-2026")


def test_pro_sante_connect_is_off_without_a_client_id(db):
    assert Client().get(reverse("securite:psc")).status_code == 404
    assert Client().get(reverse("securite:psc-retour")).status_code == 404
    assert "Pro Santé Connect" not in Client().get(reverse("securite:login")).content.decode()


def test_unreachable_provider_gives_a_french_page(db, settings):
    settings.PSC_CLIENT_ID = "dui"
    settings.PSC_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    settings.PSC_TIMEOUT = 2
    response = Client().get(reverse("securite:psc"))
    assert response.status_code == 502
    assert "Pro Santé Connect ne répond pas" in response.content.decode()


def test_callback_without_a_started_login_is_refused(db, settings):
    settings.PSC_CLIENT_ID = "dui"
    settings.PSC_AUTHORIZATION_URL = "http://127.0.0.1:9/auth"
    settings.PSC_TOKEN_URL = "http://127.0.0.1:9/token"
    response = Client().get(reverse("securite:psc-retour"), {"code": "x", "state": "forged"})
    assert response.status_code == 403
    assert "n'a pas abouti" in response.content.decode()
