"""A doctor reads a received discharge letter and its PDF from the person's documents."""

from pathlib import Path

from django.conf import settings
from django.test import Client

from interop.documents import services
from tests.interop.test_documents import _pat_trois

from .conftest import axe_check, screenshot

EXAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference" / "cda" / "examples"


def _login(page, user) -> None:
    """Session cookie of a logged-in client: the journey starts on the documents page."""
    client = Client()
    try:  # the second factor, when the authentication module is installed
        from securite.authentification.testing import client_verify
    except ImportError:
        client.force_login(user)
    else:
        client_verify(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": page.base_url}]
    )


def test_doctor_opens_a_received_letter_and_reads_it(page, world, medecin):
    usager = _pat_trois(world)
    for name in ("LDL-SES_2022.01.xml", "DOC_NON_STRUCTURE_CDA-R2-N1.xml"):
        services.fichier_recu_integrer(
            contenu=(EXAMPLES / name).read_bytes(),
            nom_fichier=name,
            organisme=world.organisme,
            acteur=medecin,
        )
    _login(page, medecin)
    page.goto(f"{page.base_url}/usagers/{usager.pk}/documents/")
    page.get_by_role("heading", level=1, name="Documents reçus").wait_for()
    axe_check(page, "documents-recus")

    page.get_by_role("link", name="Lettre de liaison").first.click()
    page.get_by_role("heading", level=2).first.wait_for()
    screenshot(page, "document-recu")
    axe_check(page, "document-recu")

    page.goto(f"{page.base_url}/usagers/{usager.pk}/documents/")
    page.get_by_role("link", name="Compte rendu").first.click()
    link = page.get_by_role("link", name="Ouvrir le PDF")
    assert link.is_visible()
    response = page.request.get(page.base_url + link.get_attribute("href"))
    assert response.headers["content-type"] == "application/pdf"
