"""Pro Santé Connect against a real OpenID Connect provider started on the loopback
(panva's oidc-provider, run by node from tests/e2e/psc_provider.mjs): the browser goes to
the provider, logs in, comes back; the DUI exchanges the code, checks the ID token, reads
the userinfo document and maps the RPPS to the account."""

import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from securite.authentification.models import (
    LoginEvent,
    LoginEventKind,
    ProSanteConnectDevice,
)

from .conftest import axe_check, screenshot

PROVIDER = Path(__file__).resolve().parent / "psc_provider.mjs"
ROOT = Path(__file__).resolve().parents[2]
RPPS = "10000001239"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def psc_provider(live_server: Any, settings: Any) -> Iterator[str]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node introuvable : il lance le fournisseur OpenID de test")
    port = _free_port()
    redirect_uri = live_server.url + reverse("securite:psc-retour")
    process = subprocess.Popen(
        [node, str(PROVIDER), str(port), redirect_uri],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if line.strip() != "ready":
            process.kill()
            pytest.fail(f"fournisseur OpenID non démarré : {process.stderr.read()}")
        issuer = f"http://127.0.0.1:{port}"
        settings.PSC_CLIENT_ID = "dui"
        settings.PSC_CLIENT_SECRET = "secret-de-test"
        settings.PSC_DISCOVERY_URL = issuer + "/.well-known/openid-configuration"
        yield issuer
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _login_at_the_provider(page: Any, subject_name_id: str) -> None:
    page.goto(page.base_url + "/connexion/")
    page.get_by_role("link", name="Se connecter avec Pro Santé Connect").click()
    # The provider's own development login page (the e-CPS step of the real PSC).
    page.locator("input[name=login]").fill(subject_name_id)
    page.locator("input[name=password]").fill("e-CPS")
    page.locator("button[type=submit]").click()


def test_professional_logs_in_with_pro_sante_connect_by_rpps(page, world, medecin, psc_provider):
    medecin.professionnel.rpps = RPPS
    medecin.professionnel.save()
    _login_at_the_provider(page, "8" + RPPS)

    page.get_by_role("heading", level=1, name="Ma journée").wait_for()
    assert page.url == page.base_url + "/"
    device = ProSanteConnectDevice.objects.get(user=medecin)
    assert device.subject == "8" + RPPS
    assert LoginEvent.objects.filter(
        user=medecin, kind=LoginEventKind.LOGIN, detail="Pro Santé Connect"
    ).exists()
    # No second step: the e-CPS is two factors in itself.
    page.goto(page.base_url + "/compte/securite/")
    page.get_by_role("heading", level=1, name="Sécurité du compte").wait_for()


def test_unknown_rpps_is_refused_in_french_and_no_account_is_created(
    page, world, medecin, psc_provider
):
    from securite.models import Utilisateur

    count = Utilisateur.objects.count()
    _login_at_the_provider(page, "8" + RPPS)

    page.get_by_role("heading", level=1, name="Connexion Pro Santé Connect refusée").wait_for()
    assert "aucun compte actif du DUI" in page.get_by_role("alert").inner_text()
    screenshot(page, "psc-refus")
    axe_check(page, "psc-refus")
    assert Utilisateur.objects.count() == count
    assert LoginEvent.objects.filter(
        kind=LoginEventKind.PSC_REFUSED, detail="RPPS inconnu"
    ).exists()
    page.goto(page.base_url + "/")
    assert "/connexion/" in page.url
