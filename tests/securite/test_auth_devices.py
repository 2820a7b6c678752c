"""The account's second factors: adding one once verified, removing one (never the last),
renewing the recovery codes, refused passkey answers, and the demo and bench enrolments."""

import datetime

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from dui import demo_data
from securite.authentification import passkeys
from securite.authentification.models import LoginEvent, LoginEventKind, PasskeyDevice
from securite.authentification.second_factor import (
    recovery_codes_generate,
    recovery_codes_remaining,
    totp_code_now,
)
from securite.demo import DEMO_ACCOUNTS, demo_recovery_codes, demo_totp_key
from securite.models import Utilisateur
from tests.factories import PASSWORD

COMPTE = reverse("securite:compte")


def test_verified_account_adds_a_second_application(world, educateur, client_for):
    client = client_for(educateur)
    recovery_codes_generate(educateur)
    page = client.get(reverse("securite:enrolement"))
    assert "Ajouter un second facteur" in page.content.decode()
    pending = TOTPDevice.objects.get(user=educateur, confirmed=False)
    response = client.post(reverse("securite:enrolement"), {"code": totp_code_now(pending.key)})
    assert response["Location"] == COMPTE
    assert TOTPDevice.objects.filter(user=educateur, confirmed=True).count() == 2
    assert LoginEvent.objects.filter(user=educateur, kind=LoginEventKind.DEVICE_ADDED).exists()


def test_the_last_second_factor_cannot_be_removed(world, educateur, client_for):
    client = client_for(educateur)
    device = TOTPDevice.objects.get(user=educateur)
    client.post(reverse("securite:facteur-retirer", args=["application", device.pk]))
    assert TOTPDevice.objects.filter(pk=device.pk).exists()


def test_removing_a_factor_keeps_the_session_verified(world, educateur, client_for):
    client = client_for(educateur)
    used = TOTPDevice.objects.get(user=educateur)
    TOTPDevice.objects.create(user=educateur, name="Deuxième téléphone")
    client.post(reverse("securite:facteur-retirer", args=["application", used.pk]))
    assert not TOTPDevice.objects.filter(pk=used.pk).exists()
    assert client.get(reverse("dui:accueil")).status_code == 200
    assert LoginEvent.objects.filter(user=educateur, kind=LoginEventKind.DEVICE_REMOVED).exists()


def test_another_accounts_factor_is_404(world, educateur, directeur, client_for):
    other = TOTPDevice.objects.create(user=directeur, name="Téléphone")
    response = client_for(educateur).post(
        reverse("securite:facteur-retirer", args=["application", other.pk])
    )
    assert response.status_code == 404
    assert (
        client_for(educateur)
        .post(reverse("securite:facteur-retirer", args=["inconnu", other.pk]))
        .status_code
        == 404
    )


def test_recovery_codes_are_renewed_on_request(world, educateur, client_for):
    old = recovery_codes_generate(educateur)
    response = client_for(educateur).post(reverse("securite:codes-de-secours"))
    shown = [code.replace("-", "") for code in response.context["codes"]]
    assert len(shown) == 10
    assert not set(shown) & set(old)
    assert recovery_codes_remaining(educateur) == 10


def test_a_passkey_answer_without_the_matching_challenge_is_refused(world, educateur):
    TOTPDevice.objects.create(user=educateur, name="Téléphone")
    client = Client()
    client.post(reverse("securite:login"), {"username": "educateur", "password": PASSWORD})
    response = client.post(reverse("securite:cle-connexion"), {"credential": '{"id": "AAAA"}'})
    assert response["Location"] == reverse("securite:verification")
    assert client.get(reverse("dui:accueil")).status_code == 302
    assert LoginEvent.objects.filter(kind=LoginEventKind.SECOND_FACTOR_FAILURE).exists()


def test_passkey_options_name_the_relying_party_and_exclude_known_keys(
    world, educateur, client_for
):
    PasskeyDevice.objects.create(
        user=educateur, name="Clé", credential_id="AQID", public_key=b"\x01", sign_count=0
    )
    response = client_for(educateur).post(reverse("securite:cle-enregistrement-options"))
    options = response.json()
    assert options["rp"] == {"id": "testserver", "name": "DUI"}
    assert options["excludeCredentials"][0]["id"] == "AQID"
    assert options["authenticatorSelection"]["residentKey"] == "preferred"


def test_relying_party_can_be_set_by_settings(rf, settings):
    settings.WEBAUTHN_RP_ID = "dui.example.org"
    settings.WEBAUTHN_ORIGIN = "https://dui.example.org"
    request = rf.get("/")
    assert passkeys.relying_party_id(request) == "dui.example.org"
    assert passkeys.expected_origin(request) == "https://dui.example.org"


def test_demo_accounts_are_enrolled_with_their_published_key_and_codes(db):
    call_command("seed_demo")
    call_command("seed_demo")
    for account in DEMO_ACCOUNTS:
        user = Utilisateur.objects.get(username=account.username)
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        assert device.key == demo_totp_key(account.username)
        assert recovery_codes_remaining(user) == len(demo_recovery_codes(account.username))


def test_demo_second_step_shows_the_code_of_the_account(db, settings):
    settings.DEMO_MODE = True
    call_command("seed_demo")
    client = Client()
    client.post(
        reverse("securite:login"), {"username": "famille", "password": "Tilleuls-demo-2026"}
    )
    content = client.get(reverse("securite:verification")).content.decode()
    assert "Code du moment de ce compte" in content
    assert demo_recovery_codes("famille")[0] in content


def test_bench_accounts_are_enrolled_with_the_bench_key(db):
    demo_data.scale_build(datetime.date(2026, 6, 1), etablissements=2, usagers=10)
    for username in demo_data.BENCH_USERNAMES:
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        assert device.key == demo_data.BENCH_TOTP_SECRET
    TOTPDevice.objects.all().delete()
    demo_data.scale_build(datetime.date(2026, 6, 1), etablissements=2, usagers=10)
    assert TOTPDevice.objects.filter(key=demo_data.BENCH_TOTP_SECRET).count() == len(
        demo_data.BENCH_USERNAMES
    )


def test_bench_login_posts_the_password_then_the_current_code(db):
    demo_data.scale_build(datetime.date(2026, 6, 1), etablissements=2, usagers=10)
    client = Client()
    client.post(
        reverse("securite:login"),
        {"username": "bench.directeur", "password": demo_data.BENCH_PASSWORD},
    )
    client.post(
        reverse("securite:verification"),
        {"code": totp_code_now(demo_data.BENCH_TOTP_SECRET)},
    )
    assert client.get(reverse("dui:accueil")).status_code == 200
