"""The plan editor journey in headless Chromium on a tablet: a référent writes a plan with the
person (their words, a need found with the SERAFIN-PH picker, an objective), concerts it,
records the person's agreement, validates it, evaluates the objective, then prints the
easy-to-read version; each page scanned by axe-core (WCAG 2.1 AA)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client
from django.utils import timezone

from usagers.projet import services
from usagers.projet.models import ProjetPersonnalise
from usagers.projet.referentiels import referentiels_charger

from .conftest import axe_check, screenshot


def _login(page, user) -> None:
    """Log in by a session cookie that passed both factors."""
    from securite.authentification.testing import client_verify

    client = client_verify(Client(), user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    host = urlsplit(page.base_url).hostname
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "domain": host, "path": "/"}]
    )


def test_a_referent_builds_validates_and_evaluates_a_plan(
    page, world, educateur, chef_service, resident
):
    # Browser tests run on a flushed database (transactional): reload the reference data that
    # the data migration loaded.
    referentiels_charger()
    _login(page, educateur)
    page.goto(f"{page.base_url}/projets/usager/{resident.pk}/")
    page.get_by_role("heading", level=1, name="Projets personnalisés").wait_for()
    page.get_by_role("link", name="Nouveau projet").click()

    # The frame of the plan.
    page.get_by_role("heading", level=1, name="Nouveau projet personnalisé").wait_for()
    page.get_by_label("Type de projet").select_option(
        label="Projet Personnalisé d'Accompagnement (PPA)"
    )
    page.get_by_label("Titre").fill("Projet d'accompagnement 2025")
    page.get_by_label("Début de mise en œuvre").fill("2025-01-15")
    page.get_by_label("La personne a participé à l'élaboration").select_option("oui")
    axe_check(page, "projet-creation")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", level=1, name="Projet d'accompagnement 2025").wait_for()

    # The person's words first.
    page.get_by_role("link", name="Écrire le projet de vie").click()
    page.get_by_label("Mon projet de vie, en une phrase").fill("Rester ici, près de ma fille")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("link", name="Ajouter une attente").click()
    page.get_by_label("Exprimée par").select_option("usager")
    page.get_by_label("Attente").fill("Je veux aller au marché le samedi.")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("« Je veux aller au marché le samedi. »").wait_for()

    # A need found with the picker: accents and case ignored, Enter picks the first match.
    page.get_by_role("link", name="Ajouter un besoin").click()
    search = page.get_by_label("Rechercher un code ou un mot")
    search.fill("MOBILITE")
    page.get_by_role("status").filter(has_text="correspond").wait_for()
    search.press("Enter")
    assert page.get_by_label("Besoin (nomenclature SERAFIN-PH)").input_value() == "1.2.1.3"
    axe_check(page, "projet-besoin-selecteur")
    screenshot(page, "projet-selecteur-serafin")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Besoins pour la mobilité").first.wait_for()

    # An objective without a need is refused, in French, next to the field.
    page.get_by_role("link", name="Ajouter un objectif").click()
    page.get_by_label("Titre (obligatoire)").fill("Aller au marché du samedi")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("alert").wait_for()
    assert page.get_by_text("Un objectif répond à un besoin").is_visible()
    axe_check(page, "projet-objectif-erreur")
    page.get_by_label("Besoin (obligatoire)").select_option(
        label="1.2.1.3 Besoins pour la mobilité"
    )
    page.get_by_label("En mots simples").fill("Je vais au marché le samedi.")
    page.get_by_label("Indicateur de réussite").fill("Trois sorties par mois")
    page.get_by_label("Haute").check()
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("heading", level=3, name="Aller au marché du samedi").wait_for()
    axe_check(page, "projet-editeur")
    screenshot(page, "projet-editeur-tablette")

    # Concertation, the person's oral agreement, the establishment's, then validation.
    page.get_by_role("button", name="Passer en concertation avec la personne").click()
    page.get_by_text("Pour valider le projet, il manque").wait_for()
    page.get_by_role("link", name="Recueillir un accord").click()
    page.get_by_label("Qui").select_option("usager")
    page.get_by_label("Accord oral noté devant un témoin").check()
    page.get_by_label("Témoin", exact=True).fill("Mme Roux, aide-soignante")
    axe_check(page, "projet-accord")
    page.get_by_role("button", name="Enregistrer").click()
    projet = ProjetPersonnalise.objects.get(usager=resident)
    services.accord_enregistrer(
        acteur=chef_service,
        projet=projet,
        partie="structure",
        forme="validation",
        date=timezone.localdate(),
    )
    page.reload()
    page.get_by_role("button", name="Valider le projet").click()
    page.get_by_text("Le projet est maintenant « en cours »").wait_for()

    # Evaluation of the objective.
    page.get_by_role("link", name="Évaluer l'objectif « Aller au marché du samedi »").click()
    page.get_by_label("Partiellement atteint").check()
    page.get_by_label("Commentaire").fill("Deux sorties en mai.")
    axe_check(page, "projet-evaluation")
    page.get_by_role("button", name="Enregistrer l'évaluation").click()
    page.get_by_text("Dernière évaluation : Partiellement atteint").wait_for()

    # The easy-to-read version, the person's words first.
    page.get_by_role("link", name="Version facile à lire").click()
    page.get_by_role("heading", level=1, name="Mon projet").wait_for()
    page.get_by_role("button", name="Imprimer").wait_for()
    assert page.get_by_text("Je vais au marché le samedi.").is_visible()
    axe_check(page, "projet-falc")
    screenshot(page, "projet-falc")

    # A new version, and its readable history.
    page.go_back()
    page.get_by_role("button", name="Créer la version 2").click()
    page.get_by_text("Version 2 créée à partir de la version 1").wait_for()
    page.get_by_role("link", name="Historique des versions").click()
    page.get_by_role("heading", name="Ce qui a changé depuis la version 1").wait_for()
    axe_check(page, "projet-historique")
