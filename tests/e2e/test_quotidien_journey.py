"""The daily support on a tablet: from "ma journée", write a transmission for a person in one
tap, read it in the handover and in the person's timeline, check the curves and the week of the
unit — with an accessibility scan (axe-core, WCAG 2.1 AA) of each page."""

import datetime

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, ObservationFactory, TransmissionFactory

from .conftest import axe_check, screenshot
from .login import login_with_code


def test_educator_writes_a_transmission_from_ma_journee_on_a_tablet(
    page, world, educateur, infirmier, resident
):
    device = TOTPDevice.objects.create(user=educateur, name="Tablette")
    TransmissionFactory(
        usager=resident,
        auteur=infirmier,
        categorie="soins",
        cible="Douleur",
        donnees="Se plaint du genou droit au lever.",
        ecrite_le=timezone.now() - datetime.timedelta(hours=2),
    )
    for days, valeur in ((20, "36.9"), (6, "37.2"), (0, "38.6")):
        ObservationFactory(
            usager=resident,
            auteur=infirmier,
            valeur=valeur,
            is_anormale=valeur == "38.6",
            motif_anomalie="Température 38,6 °C, au-dessus de 37,9 °C" if valeur == "38.6" else "",
            mesuree_le=timezone.now() - datetime.timedelta(days=days, hours=1),
        )
    nom = f"{resident.nom_affiche} {resident.prenom_affiche}"

    login_with_code(page, "educateur", PASSWORD, device.key)
    page.get_by_role("heading", level=1, name="Ma journée").wait_for()
    assert page.get_by_text("1 transmission non lue").is_visible()
    assert page.get_by_role("heading", name="Alertes").is_visible()
    axe_check(page, "quotidien-ma-journee")

    # One tap: the person's button opens the form.
    page.get_by_role("link", name=f"Écrire une transmission pour {nom}").click()
    page.get_by_role("heading", level=1, name=f"Transmission pour {nom}").wait_for()
    axe_check(page, "quotidien-transmission-formulaire")

    # An empty target is refused in French and nothing is saved.
    page.get_by_label("Données").fill("Souriante au réveil, a parlé de sa petite-fille.")
    page.get_by_role("button", name="Enregistrer la transmission").click()
    assert "Rien n'a été enregistré" in page.get_by_role("alert").inner_text()
    assert page.get_by_text("Indiquez la cible de la transmission").is_visible()
    axe_check(page, "quotidien-transmission-erreur")

    page.get_by_label("Cible").fill("Humeur")
    page.get_by_label("Actions").fill("Proposé d'appeler sa fille après le goûter.")
    page.get_by_label("Transmission importante").check()
    page.get_by_role("button", name="Enregistrer la transmission").click()

    page.get_by_role("heading", level=1, name="Ma journée").wait_for()
    assert page.get_by_text(f"Transmission enregistrée pour {nom}").is_visible()
    handover = page.get_by_role("region", name="Transmissions depuis ma dernière relève")
    assert handover.get_by_text("Souriante au réveil").is_visible()
    screenshot(page, "quotidien-ma-journee-tablette")

    page.get_by_role("button", name="J'ai pris connaissance des transmissions").click()
    page.get_by_text("Transmissions marquées comme lues.").wait_for()
    assert page.get_by_text("1 transmission non lue").count() == 0

    page.get_by_role("link", name=f"Fil de {nom}").click()
    page.get_by_role("heading", level=1, name=f"Fil de {nom}").wait_for()
    timeline = page.get_by_role("list", name="Fil de la personne, du plus récent au plus ancien")
    assert timeline.get_by_text("Souriante au réveil").is_visible()
    assert timeline.get_by_text("Se plaint du genou droit").is_visible()
    screenshot(page, "quotidien-fil-tablette")
    axe_check(page, "quotidien-fil")

    page.get_by_role("navigation", name="Dossier de la personne").get_by_role(
        "link", name="Constantes"
    ).click()
    page.get_by_role("heading", level=1, name=f"Constantes de {nom}").wait_for()
    assert page.get_by_role("img", name="Température").is_visible()
    screenshot(page, "quotidien-constantes-tablette")
    axe_check(page, "quotidien-constantes")

    page.goto(page.base_url + f"/quotidien/unites/{world.unite_a.pk}/semaine/")
    page.get_by_role("heading", level=1).wait_for()
    assert page.get_by_role("table").get_by_text(nom).is_visible()
    axe_check(page, "quotidien-semaine")
