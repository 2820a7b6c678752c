"""Login (password, then second factor) → home → logout in headless Chromium, on a
tablet-sized screen, with an accessibility scan of each page."""

import base64

from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from securite.authentification.second_factor import totp_code_now
from tests.factories import PASSWORD, SejourFactory

from .conftest import axe_check, screenshot
from .login import login_with_code, password_step


def test_educator_logs_in_with_a_code_sees_ma_journee_and_logs_out(page, world, educateur):
    device = TOTPDevice.objects.create(user=educateur, name="Téléphone")
    sejour = SejourFactory(unite=world.unite_a)
    page.goto(page.base_url + "/")
    assert page.url.endswith("/connexion/?next=/")
    axe_check(page, "connexion")

    page.get_by_label("Identifiant").fill("educateur")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    page.get_by_role("heading", level=1, name="Vérification en deux étapes").wait_for()
    screenshot(page, "verification-tablette")
    axe_check(page, "verification")
    page.get_by_label("Code de l'application ou code de secours").fill(totp_code_now(device.key))
    page.get_by_role("button", name="Valider le code").click()

    page.get_by_role("heading", level=1, name="Ma journée").wait_for()
    assert page.get_by_text(sejour.usager.nom_affiche).is_visible()
    screenshot(page, "ma-journee-tablette")
    axe_check(page, "ma-journee")

    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("heading", level=1, name="Connexion").wait_for()
    page.goto(page.base_url + "/")
    assert "/connexion/" in page.url


def test_first_login_enrols_an_authenticator_app_then_shows_recovery_codes(page, world, educateur):
    password_step(page, "educateur", PASSWORD)
    page.get_by_role("heading", level=1, name="Activer la double authentification").wait_for()
    assert page.get_by_role("img", name="Code QR").is_visible()
    screenshot(page, "enrolement-tablette")
    axe_check(page, "enrolement")

    # What the phone application does with the QR code: read the base32 key.
    secret = page.locator("#cle-totp").inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()
    page.get_by_label("Code affiché par l'application").fill(totp_code_now(key))
    page.get_by_role("button", name="Activer l'application").click()

    page.get_by_role("heading", level=1, name="Vos codes de secours").wait_for()
    assert page.locator("ol code").count() == 10
    axe_check(page, "codes-de-secours")
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    page.get_by_role("heading", level=1, name="Ma journée").wait_for()


def test_wrong_password_is_announced_in_french(page, world, educateur):
    password_step(page, "educateur", "pas le bon mot de passe")
    alert = page.get_by_role("alert")
    assert "Identifiant ou mot de passe incorrect" in alert.inner_text()
    axe_check(page, "connexion-erreur")


def test_wrong_code_is_announced_in_french(page, world, educateur):
    device = TOTPDevice.objects.create(user=educateur, name="Téléphone")
    password_step(page, "educateur", PASSWORD)
    wrong = str((int(totp_code_now(device.key)) + 500_000) % 1_000_000).zfill(6)
    page.get_by_label("Code de l'application ou code de secours").fill(wrong)
    page.get_by_role("button", name="Valider le code").click()
    assert "Code incorrect ou déjà utilisé" in page.get_by_role("alert").inner_text()
    axe_check(page, "verification-erreur")


def test_director_dashboard_and_security_page_are_accessible(page, world, directeur):
    device = TOTPDevice.objects.create(user=directeur, name="Téléphone")
    login_with_code(page, "directeur", PASSWORD, device.key)
    page.get_by_role("heading", level=1, name="Tableau de bord").wait_for()
    assert page.get_by_role("table").get_by_text("EHPAD Les Tilleuls").is_visible()
    screenshot(page, "tableau-de-bord")
    axe_check(page, "tableau-de-bord")

    page.goto(page.base_url + "/compte/securite/")
    page.get_by_role("heading", level=1, name="Sécurité du compte").wait_for()
    axe_check(page, "securite-du-compte")
    page.get_by_role("button", name="Se déconnecter partout").click()
    page.get_by_role("heading", level=1, name="Connexion").wait_for()
    assert "Toutes vos sessions ont été fermées" in page.content()


@override_settings(DEMO_MODE=True)
def test_demo_login_page_lists_the_personas_with_their_code(page, world):
    page.goto(page.base_url + "/connexion/")
    table = page.get_by_role("table")
    assert table.get_by_text("chef.service").is_visible()
    assert table.get_by_role("columnheader", name="Code du moment").is_visible()
    axe_check(page, "connexion-demo")


def test_forgotten_password_pages_are_accessible(page, db):
    page.goto(page.base_url + "/connexion/")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    page.get_by_role("heading", level=1, name="Mot de passe oublié").wait_for()
    axe_check(page, "mot-de-passe-oublie")
    page.get_by_label("Courriel").fill("personne@example.org")
    page.get_by_role("button", name="Recevoir le lien").click()
    page.get_by_role("heading", level=1, name="Vérifiez votre messagerie").wait_for()
    axe_check(page, "mot-de-passe-envoye")
