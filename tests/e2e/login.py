"""Logging in through the real pages: password, then the code of a TOTP device."""

from typing import Any

from securite.authentification.second_factor import totp_code_now


def password_step(page: Any, username: str, password: str) -> None:
    page.goto(page.base_url + "/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def login_with_code(page: Any, username: str, password: str, key: str) -> None:
    """Both steps; `key` is the hex key of the account's TOTP device."""
    password_step(page, username, password)
    page.get_by_role("heading", level=1, name="Vérification en deux étapes").wait_for()
    page.get_by_label("Code de l'application ou code de secours").fill(totp_code_now(key))
    page.get_by_role("button", name="Valider le code").click()
