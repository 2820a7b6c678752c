"""The two login steps: password, then second factor (TOTP, recovery code), the mandatory
enrolment, the gate on unverified sessions (pages, API, admin), and the demo page."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from securite.admin_site import DuiAdminSite
from securite.authentification.models import LoginEvent, LoginEventKind, UserSession
from securite.authentification.second_factor import (
    recovery_codes_generate,
    recovery_codes_remaining,
    totp_code_now,
)
from securite.demo import demo_totp_key
from tests.factories import PASSWORD, UtilisateurFactory

LOGIN = reverse("securite:login")
VERIFICATION = reverse("securite:verification")
ENROLEMENT = reverse("securite:enrolement")
HOME = reverse("dui:accueil")
TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "securite"


def password_step(client: Client, username: str = "educateur", password: str = PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def wrong_code(key: str) -> str:
    """A code far from the current one (the previous and next steps are accepted too)."""
    return str((int(totp_code_now(key)) + 500_000) % 1_000_000).zfill(6)


@pytest.fixture
def application(educateur) -> TOTPDevice:
    return TOTPDevice.objects.create(user=educateur, name="Téléphone")


def test_password_step_leads_to_the_second_step_not_home(world, educateur, application):
    client = Client()
    response = password_step(client)
    assert response.status_code == 302
    assert response["Location"] == VERIFICATION
    home = client.get(HOME)
    assert home.status_code == 302
    assert home["Location"].startswith(VERIFICATION)


def test_right_totp_code_completes_the_login(world, educateur, application):
    client = Client()
    password_step(client)
    response = client.post(VERIFICATION, {"code": totp_code_now(application.key)})
    assert response["Location"] == HOME
    assert client.get(HOME).status_code == 200
    assert LoginEvent.objects.filter(user=educateur, kind=LoginEventKind.LOGIN).exists()


def test_next_page_is_kept_across_both_steps(world, educateur, application):
    client = Client()
    target = reverse("dui:etablissement-list")
    client.post(f"{LOGIN}?next={target}", {"username": "educateur", "password": PASSWORD})
    response = client.post(VERIFICATION, {"code": totp_code_now(application.key)})
    assert response["Location"] == target


def test_wrong_totp_code_is_refused_in_french_and_journaled(world, educateur, application):
    client = Client()
    password_step(client)
    response = client.post(VERIFICATION, {"code": wrong_code(application.key)})
    assert response.status_code == 200
    assert "Code incorrect ou déjà utilisé" in response.content.decode()
    assert client.get(HOME).status_code == 302
    assert LoginEvent.objects.filter(
        user=educateur, kind=LoginEventKind.SECOND_FACTOR_FAILURE
    ).exists()


def test_replayed_totp_code_is_refused(world, educateur, application):
    code = totp_code_now(application.key)
    first = Client()
    password_step(first)
    first.post(VERIFICATION, {"code": code})
    assert first.get(HOME).status_code == 200

    second = Client()
    password_step(second)
    response = second.post(VERIFICATION, {"code": code})
    assert "Code incorrect ou déjà utilisé" in response.content.decode()
    assert second.get(HOME).status_code == 302


def test_recovery_code_works_once_only(world, educateur, application):
    recovery_codes_generate(educateur, ["abcd2345", "efgh6789"])
    first = Client()
    password_step(first)
    response = first.post(VERIFICATION, {"code": "ABCD-2345"})
    assert response["Location"] == HOME
    assert recovery_codes_remaining(educateur) == 1
    assert LoginEvent.objects.filter(
        user=educateur, kind=LoginEventKind.RECOVERY_CODE_USED
    ).exists()

    second = Client()
    password_step(second)
    response = second.post(VERIFICATION, {"code": "abcd2345"})
    assert "Code incorrect ou déjà utilisé" in response.content.decode()
    assert second.get(HOME).status_code == 302


def test_account_without_second_factor_must_enrol_before_anything_else(world, educateur, settings):
    # django-otp also delays a retry after a wrong code (1 s, then 2, 4…): off here.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    client = Client()
    password_step(client)
    assert client.get(VERIFICATION)["Location"] == ENROLEMENT
    assert client.get(reverse("dui:etablissement-list"))["Location"].startswith(VERIFICATION)

    page = client.get(ENROLEMENT)
    content = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in content
    device = TOTPDevice.objects.get(user=educateur, confirmed=False)
    assert client.get(ENROLEMENT).content.decode().count(page.context["secret"]) == 1, (
        "reloading the page keeps the key being enrolled"
    )

    wrong = client.post(ENROLEMENT, {"code": wrong_code(device.key)})
    assert "Code incorrect" in wrong.content.decode()
    response = client.post(ENROLEMENT, {"code": totp_code_now(device.key)})
    assert response["Location"] == reverse("securite:codes-de-secours")
    codes = client.get(response["Location"])
    assert len(codes.context["codes"]) == 10
    assert client.get(HOME).status_code == 200
    assert TOTPDevice.objects.get(user=educateur).confirmed
    assert recovery_codes_remaining(educateur) == 10
    assert client.get(reverse("securite:codes-de-secours")).status_code == 302, (
        "the codes are shown once"
    )


def test_password_alone_cannot_add_a_factor_to_an_enrolled_account(world, educateur, application):
    client = Client()
    password_step(client)
    assert client.get(ENROLEMENT)["Location"] == VERIFICATION
    assert client.post(reverse("securite:cle-enregistrement-options")).status_code == 403
    assert TOTPDevice.objects.filter(user=educateur).count() == 1


def test_unverified_session_is_blocked_from_pages_and_api_but_not_token_clients(world, educateur):
    client = Client()
    client.force_login(educateur)
    page = client.get(reverse("dui:etablissement-list"))
    assert page.status_code == 302
    assert page["Location"].startswith(VERIFICATION)
    api = client.get(reverse("dui:api-moi"))
    assert api.status_code == 403
    assert "second facteur" in api.json()["detail"]

    technique = UtilisateurFactory(organisme=world.organisme, type_compte="technique")
    token = Token.objects.create(user=technique)
    machine = Client().get(reverse("dui:api-moi"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert machine.status_code == 200


def test_a_professional_token_is_refused_it_would_bypass_the_second_factor(world, educateur):
    token = Token.objects.create(user=educateur)
    response = Client().get(reverse("dui:api-moi"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 401
    assert "comptes techniques" in response.json()["detail"]


def test_verified_session_reaches_the_api(world, educateur, client_for):
    assert client_for(educateur).get(reverse("dui:api-moi")).status_code == 200


def test_login_page_sends_a_verified_visitor_home(world, educateur, client_for):
    assert client_for(educateur).get(LOGIN)["Location"] == HOME


def test_second_step_gives_the_session_a_new_key(world, educateur, application):
    client = Client()
    password_step(client)
    before = client.session.session_key
    client.post(VERIFICATION, {"code": totp_code_now(application.key)})
    after = client.session.session_key
    assert after != before
    assert list(UserSession.objects.filter(user=educateur).values_list("session_key", flat=True))
    assert UserSession.objects.filter(session_key=after).exists()
    assert not UserSession.objects.filter(session_key=before).exists()


def test_admin_site_requires_the_second_factor(world, admin_technique, client_for, rf):
    unverified = Client()
    unverified.force_login(admin_technique)
    response = unverified.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFICATION)

    request = rf.get("/admin/")
    request.user = admin_technique
    admin_technique.is_verified = lambda: False
    assert not DuiAdminSite().has_permission(request)
    admin_technique.is_verified = lambda: True
    assert DuiAdminSite().has_permission(request)

    assert client_for(admin_technique).get("/admin/").status_code == 200


def test_admin_has_no_login_form_of_its_own(world, directeur, client_for):
    anonymous = Client().get("/admin/login/?next=/admin/")
    assert anonymous["Location"] == f"{LOGIN}?next=%2Fadmin%2F"
    assert client_for(directeur).get("/admin/login/?next=/admin/").status_code == 403


def test_demo_login_page_shows_the_code_of_each_demo_account(db, settings):
    settings.DEMO_MODE = True
    before = totp_code_now(demo_totp_key("educateur"))
    content = Client().get(LOGIN).content.decode()
    after = totp_code_now(demo_totp_key("educateur"))
    assert f"<code>{before}</code>" in content or f"<code>{after}</code>" in content


def test_codes_are_never_shown_outside_demo_mode(db):
    content = Client().get(LOGIN).content.decode()
    assert totp_code_now(demo_totp_key("educateur")) not in content
    assert "Code du moment" not in content


def test_second_step_page_carries_the_strict_policy(world, educateur, application):
    client = Client()
    password_step(client)
    response = client.get(VERIFICATION)
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize("template", sorted(p.name for p in TEMPLATES.glob("*.html")))
def test_authentication_pages_have_no_inline_script(template):
    content = (TEMPLATES / template).read_text(encoding="utf-8")
    for tag in re.findall(r"<script\b[^>]*>", content):
        assert "src=" in tag, f"{template}: script en ligne interdit par la CSP"
    assert not re.search(r"\son[a-z]+=", content), f"{template}: gestionnaire en ligne"
