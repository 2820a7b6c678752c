"""Login → home → logout in headless Chromium, on a tablet-sized screen."""

from django.test import override_settings

from tests.factories import PASSWORD, SejourFactory

from .conftest import axe_check, screenshot


def test_educator_logs_in_sees_ma_journee_and_logs_out(page, world, educateur):
    sejour = SejourFactory(unite=world.unite_a)
    page.goto(page.base_url + "/")
    assert page.url.endswith("/connexion/?next=/")
    axe_check(page, "connexion")

    page.get_by_label("Identifiant").fill("educateur")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    page.get_by_role("heading", level=1, name="Ma journée").wait_for()
    assert page.get_by_text(sejour.usager.nom_affiche).is_visible()
    screenshot(page, "ma-journee-tablette")
    axe_check(page, "ma-journee")

    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("heading", level=1, name="Connexion").wait_for()
    page.goto(page.base_url + "/")
    assert "/connexion/" in page.url


def test_wrong_password_is_announced_in_french(page, world, educateur):
    page.goto(page.base_url + "/connexion/")
    page.get_by_label("Identifiant").fill("educateur")
    page.get_by_label("Mot de passe").fill("pas le bon mot de passe")
    page.get_by_role("button", name="Se connecter").click()
    alert = page.get_by_role("alert")
    assert "Identifiant ou mot de passe incorrect" in alert.inner_text()
    axe_check(page, "connexion-erreur")


def test_director_dashboard_is_accessible(page, world, directeur):
    page.goto(page.base_url + "/connexion/")
    page.get_by_label("Identifiant").fill("directeur")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", level=1, name="Tableau de bord").wait_for()
    assert page.get_by_role("table").get_by_text("EHPAD Les Tilleuls").is_visible()
    screenshot(page, "tableau-de-bord")
    axe_check(page, "tableau-de-bord")


@override_settings(DEMO_MODE=True)
def test_demo_login_page_lists_the_personas(page, world):
    page.goto(page.base_url + "/connexion/")
    assert page.get_by_role("table").get_by_text("chef.service").is_visible()
    axe_check(page, "connexion-demo")
