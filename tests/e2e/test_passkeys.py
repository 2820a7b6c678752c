"""Passkeys (WebAuthn) in Chromium with a virtual authenticator (DevTools protocol): created
at the first login, then used as the second factor of the next one."""

from typing import Any

from securite.authentification.models import LoginEvent, LoginEventKind, PasskeyDevice
from tests.factories import PASSWORD

from .conftest import axe_check, screenshot
from .login import password_step


def _virtual_authenticator(page: Any) -> tuple[Any, str]:
    """A platform authenticator that verifies the user (as a tablet's fingerprint would)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    result = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, result["authenticatorId"]


def test_passkey_created_at_enrolment_is_the_second_factor_of_the_next_login(
    page, world, educateur
):
    cdp, authenticator = _virtual_authenticator(page)
    password_step(page, "educateur", PASSWORD)
    page.get_by_role("heading", level=1, name="Activer la double authentification").wait_for()
    page.get_by_label("Nom de la clé").fill("Tablette du groupe")
    page.get_by_role("button", name="Créer une clé d'accès").click()

    page.get_by_role("heading", level=1, name="Vos codes de secours").wait_for()
    device = PasskeyDevice.objects.get(user=educateur)
    assert device.name == "Tablette du groupe"
    stored = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(stored["credentials"]) == 1
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    page.get_by_role("heading", level=1, name="Ma journée").wait_for()

    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("heading", level=1, name="Connexion").wait_for()
    password_step(page, "educateur", PASSWORD)
    page.get_by_role("heading", level=1, name="Vérification en deux étapes").wait_for()
    assert page.get_by_role("heading", level=2, name="Avec une clé d'accès").is_visible()
    screenshot(page, "verification-cle-acces")
    axe_check(page, "verification-cle-acces")
    page.get_by_role("button", name="Utiliser ma clé d'accès").click()

    page.get_by_role("heading", level=1, name="Ma journée").wait_for()
    device.refresh_from_db()
    assert device.last_used_at is not None
    assert LoginEvent.objects.filter(
        user=educateur, kind=LoginEventKind.LOGIN, detail="clé d'accès"
    ).exists()


def test_without_its_passkey_the_second_step_stays_closed(page, world, educateur):
    """The authenticator lost the account's key: the browser finds none, the page says so
    in French and the session stays at the second step."""
    cdp, authenticator = _virtual_authenticator(page)
    password_step(page, "educateur", PASSWORD)
    page.get_by_role("button", name="Créer une clé d'accès").click()
    page.get_by_role("heading", level=1, name="Vos codes de secours").wait_for()
    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_role("heading", level=1, name="Connexion").wait_for()

    # The account's key disappears from the authenticator; it keeps another, unknown one.
    cdp.send("WebAuthn.clearCredentials", {"authenticatorId": authenticator})
    PasskeyDevice.objects.filter(user=educateur).update(credential_id="AAAA")
    password_step(page, "educateur", PASSWORD)
    page.get_by_role("button", name="Utiliser ma clé d'accès").click()
    status = page.locator("[data-passkey-status]")
    status.get_by_text("La clé d'accès n'a pas répondu").wait_for()
    assert "/connexion/verification/" in page.url
