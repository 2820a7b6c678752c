"""Password policy (PGSSI-S 2026: length, passphrases, common and similar passwords, longer
for administrators) and reset by e-mail with a single-use link."""

import re

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from securite.authentification.lockout import account_key
from securite.authentification.models import LoginThrottle, ThrottleScope, UserSession
from securite.authentification.second_factor import totp_code_now
from tests.factories import UtilisateurFactory

PASSPHRASE = "cheval agrafe pile correcte"


def messages(password: str, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return list(error.messages)
    return []


def test_a_passphrase_of_twelve_characters_or_more_is_accepted(world, educateur):
    assert messages(PASSPHRASE, educateur) == []
    assert messages("lilas-mardi7", educateur) == []


def test_short_passwords_are_refused_in_french(world, educateur):
    assert messages("Court-2026!", educateur) == [
        "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères."
    ]


def test_common_numeric_and_similar_passwords_are_refused(world, educateur):
    assert "Ce mot de passe est trop courant." in messages("1qaz2wsx3edc", educateur)
    assert "Ce mot de passe est entièrement numérique." in messages("202620262026", educateur)
    educateur.email = "camille.martin@example.org"
    assert any("trop semblable" in m for m in messages("camille.martin@example", educateur))


@pytest.mark.parametrize(
    "attributes",
    [{"type_compte": "technique", "is_staff": True}, {"is_staff": True}, {"is_superuser": True}],
)
def test_administrators_need_sixteen_characters(world, attributes):
    admin = UtilisateurFactory(organisme=world.organisme, username="root", **attributes)
    refused = messages("lilas-mardi-714", admin)
    assert any("au moins 16 caractères" in m for m in refused)
    assert messages("lilas mardi bleu 714", admin) == []


def test_no_rule_forces_a_periodic_change(settings):
    names = [validator["NAME"] for validator in settings.AUTH_PASSWORD_VALIDATORS]
    assert not any("expir" in name.lower() or "age" in name.lower() for name in names)


def _reset_link(client: Client, email: str) -> str:
    client.post(reverse("securite:mot-de-passe-oublie"), {"email": email})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "nouveau mot de passe" in message.subject
    match = re.search(r"https?://testserver(/\S+)", message.body)
    assert match, message.body
    return match[1]


def test_reset_link_works_once_and_only_once(world, educateur, client_for):
    educateur.email = "educateur@example.org"
    educateur.save()
    TOTPDevice.objects.create(user=educateur, name="Téléphone")
    open_session = client_for(educateur)
    LoginThrottle.objects.create(
        scope=ThrottleScope.ACCOUNT,
        key=account_key("educateur"),
        failures=2,
        last_failure_at="2026-01-01T00:00:00Z",
    )

    client = Client()
    link = _reset_link(client, "educateur@example.org")
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_password_url, {"new_password1": PASSPHRASE, "new_password2": PASSPHRASE}
    )
    assert response["Location"] == reverse("securite:mot-de-passe-termine")

    educateur.refresh_from_db()
    assert educateur.check_password(PASSPHRASE)
    assert not LoginThrottle.objects.exists(), "the reset unlocks the account"
    assert not UserSession.objects.filter(user=educateur).exists()
    assert open_session.get(reverse("dui:accueil")).status_code == 302

    again = Client().get(link, follow=True)
    assert not again.context["validlink"]
    assert "Ce lien n'est plus valable" in again.content.decode()


def test_reset_does_not_skip_the_second_factor(world, educateur):
    educateur.email = "educateur@example.org"
    educateur.save()
    device = TOTPDevice.objects.create(user=educateur, name="Téléphone")
    client = Client()
    link = _reset_link(client, "educateur@example.org")
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": PASSPHRASE, "new_password2": PASSPHRASE})
    assert client.get(reverse("dui:accueil")).status_code == 302
    client.post(reverse("securite:login"), {"username": "educateur", "password": PASSPHRASE})
    assert client.get(reverse("dui:accueil")).status_code == 302
    client.post(reverse("securite:verification"), {"code": totp_code_now(device.key)})
    assert client.get(reverse("dui:accueil")).status_code == 200


def test_reset_page_answers_the_same_for_an_unknown_address(db):
    response = Client().post(
        reverse("securite:mot-de-passe-oublie"), {"email": "inconnu@example.org"}
    )
    assert response["Location"] == reverse("securite:mot-de-passe-envoye")
    assert mail.outbox == []


def test_reset_refuses_a_weak_new_password(world, educateur):
    educateur.email = "educateur@example.org"
    educateur.save()
    client = Client()
    link = _reset_link(client, "educateur@example.org")
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(
        set_password_url, {"new_password1": "azertyuiop", "new_password2": "azertyuiop"}
    )
    assert response.status_code == 200
    assert "trop court" in response.content.decode()
