"""Admission journey in headless Chromium: identity, stay, identity document, INSi (a real
local SOAP peer), then the record page; each step scanned by axe-core (WCAG 2.1 AA)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client

from usagers.models import StatutIdentite, Usager

from .conftest import axe_check, screenshot


def _login(page, user) -> None:
    """Log in by a session cookie that passed both factors (the auth engineer's helper)."""
    from securite.authentification.testing import client_verify

    client = client_verify(Client(), user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    host = urlsplit(page.base_url).hostname
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "domain": host, "path": "/"}]
    )


def test_a_secretary_admits_a_resident_up_to_a_qualified_identity(
    page, world, secretaire, insi_peer
):
    _login(page, secretaire)
    page.goto(page.base_url + "/usagers/")
    page.get_by_role("heading", level=1, name="Personnes accompagnées").wait_for()
    axe_check(page, "usagers-liste")
    page.get_by_role("link", name="Admettre une personne").click()

    # 1. Identity
    page.get_by_role("heading", name="Étape 1 sur 4 : Identité").wait_for()
    page.get_by_label("Nom de naissance").fill("Durand")
    page.get_by_label("Prénoms de naissance").fill("Hélène Marie Louise")
    page.get_by_label("Date de naissance").fill("1940-05-17")
    page.get_by_label("Féminin").check()
    page.get_by_label("Lieu de naissance (code INSEE)").fill("69123")
    axe_check(page, "admission-identite")
    page.get_by_role("button", name="Continuer").click()

    # 2. Stay
    page.get_by_role("heading", name="Étape 2 sur 4 : Séjour").wait_for()
    page.get_by_label("Établissement").select_option(label=world.ehpad.nom)
    page.get_by_label("Unité").select_option(label=f"{world.ehpad.nom} — {world.unite_a.nom}")
    page.get_by_label("Mode d'accueil").select_option("internat")
    page.get_by_label("Mode d'entrée").select_option("8")
    axe_check(page, "admission-sejour")
    page.get_by_role("button", name="Créer le dossier et continuer").click()

    # 3. Identity document
    page.get_by_role("heading", name="Étape 3 sur 4 : Pièce d'identité").wait_for()
    page.get_by_label("Pièce présentée").select_option("CN")
    page.get_by_label("Numéro du document").fill("X4RTBPFW46")
    axe_check(page, "admission-justificatif")
    page.get_by_role("button", name="Enregistrer la pièce").click()

    # 4. INSi
    page.get_by_role("heading", name="Étape 4 sur 4 : Téléservice INSi").wait_for()
    page.get_by_role("button", name="Interroger INSi avec les traits du dossier").click()
    page.get_by_role("table", name="Traits du dossier et traits INSi").wait_for()
    screenshot(page, "admission-insi")
    axe_check(page, "admission-insi")
    page.get_by_role("button", name="Retenir l'identité INSi").click()

    # The record
    page.get_by_role("heading", level=1, name="DURAND HELENE").wait_for()
    assert page.get_by_text("Identité qualifiée").first.is_visible()
    usager = Usager.objects.get()
    assert usager.statut_identite == StatutIdentite.QUALIFIEE
    assert page.get_by_text(usager.ins.matricule).is_visible()
    screenshot(page, "usager-fiche")
    axe_check(page, "usager-fiche")


def test_search_by_name_is_accessible_and_keeps_the_name_out_of_the_url(page, world, secretaire):
    from tests.factories import SejourFactory

    SejourFactory(unite=world.unite_a)
    _login(page, secretaire)
    page.goto(page.base_url + "/usagers/")
    page.get_by_label("Nom, prénom, n° de dossier ou matricule INS").fill("helene")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("heading", level=1, name="Résultats de la recherche").wait_for()
    assert "helene" not in page.url.lower()
    axe_check(page, "usagers-recherche")
