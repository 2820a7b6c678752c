"""Progressive lockout of failed logins, per username and per address: refused before the
password hash is computed, recorded, and silent about whether the account exists."""

from datetime import timedelta

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from securite.authentification.models import (
    LoginEvent,
    LoginEventKind,
    LoginThrottle,
    ThrottleScope,
)
from securite.authentification.second_factor import totp_code_now
from tests.factories import PASSWORD

LOGIN = reverse("securite:login")
VERIFICATION = reverse("securite:verification")
INVALID = "Identifiant ou mot de passe incorrect"
LOCKED = "Trop de tentatives infructueuses"


@pytest.fixture(autouse=True)
def policy(settings):
    settings.LOGIN_LOCK_THRESHOLD_ACCOUNT = 3
    settings.LOGIN_LOCK_THRESHOLD_IP = 5
    settings.LOGIN_LOCK_DELAYS = [60, 300, 900]
    settings.LOGIN_LOCK_MEMORY = 86400


@pytest.fixture
def hash_calls(monkeypatch) -> list[str]:
    """Every password hash computed (checked or made, as for an unknown username)."""
    calls: list[str] = []
    verify, encode = MD5PasswordHasher.verify, MD5PasswordHasher.encode

    def counting_verify(self, password, encoded):
        calls.append("verify")
        return verify(self, password, encoded)

    def counting_encode(self, password, salt):
        calls.append("encode")
        return encode(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "verify", counting_verify)
    monkeypatch.setattr(MD5PasswordHasher, "encode", counting_encode)
    return calls


def attempt(username: str, password: str, ip: str = "192.0.2.10"):
    return Client(REMOTE_ADDR=ip).post(LOGIN, {"username": username, "password": password})


def lock_expire() -> None:
    LoginThrottle.objects.update(locked_until=timezone.now() - timedelta(seconds=1))


def test_account_is_locked_after_repeated_failures_even_with_the_right_password(world, educateur):
    for _ in range(3):
        assert INVALID in attempt("educateur", "pas le bon mot de passe").content.decode()
    response = attempt("educateur", PASSWORD)
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    throttle = LoginThrottle.objects.get(scope=ThrottleScope.ACCOUNT)
    assert throttle.user == educateur
    assert 55 <= (throttle.locked_until - timezone.now()).total_seconds() <= 60


def test_locked_attempt_is_refused_before_the_password_hash_is_computed(
    world, educateur, hash_calls
):
    for _ in range(3):
        attempt("educateur", "pas le bon mot de passe")
    assert hash_calls, "a normal failure computes the hash"
    hash_calls.clear()
    attempt("educateur", PASSWORD)
    attempt("educateur", "encore un essai")
    assert hash_calls == []


def test_lock_ends_after_its_delay_and_the_next_lock_is_longer(world, educateur, settings):
    settings.LOGIN_LOCK_THRESHOLD_IP = 100
    for _ in range(3):
        attempt("educateur", "faux")
    lock_expire()
    assert attempt("educateur", PASSWORD).status_code == 302

    LoginThrottle.objects.all().delete()
    for _ in range(3):
        attempt("educateur", "faux")
    lock_expire()
    for _ in range(3):
        attempt("educateur", "faux")
    throttle = LoginThrottle.objects.get(scope=ThrottleScope.ACCOUNT)
    assert throttle.level == 2
    assert 295 <= (throttle.locked_until - timezone.now()).total_seconds() <= 300


def test_failures_are_forgotten_after_the_memory_window(world, educateur):
    attempt("educateur", "faux")
    attempt("educateur", "faux")
    LoginThrottle.objects.update(last_failure_at=timezone.now() - timedelta(days=2))
    attempt("educateur", "faux")
    assert LoginThrottle.objects.get(scope=ThrottleScope.ACCOUNT).failures == 1
    assert attempt("educateur", PASSWORD).status_code == 302


def test_unknown_username_gets_the_same_answers_as_an_existing_one(world, educateur):
    for _ in range(3):
        assert INVALID in attempt("personne", "faux").content.decode()
    assert LOCKED in attempt("personne", "faux").content.decode()
    assert LOCKED not in attempt("educateur", "faux", ip="192.0.2.99").content.decode()


def test_address_is_locked_across_usernames_and_other_addresses_are_not(
    world, educateur, directeur
):
    for index in range(5):
        attempt(f"inconnu{index}", "faux", ip="192.0.2.20")
    assert LOCKED in attempt("directeur", PASSWORD, ip="192.0.2.20").content.decode()
    assert attempt("directeur", PASSWORD, ip="192.0.2.21").status_code == 302
    assert LoginThrottle.objects.filter(
        scope=ThrottleScope.IP, key="192.0.2.20", locked_until__isnull=False
    ).exists()


def test_failures_locks_and_refusals_are_journaled_without_any_password(world, educateur):
    for _ in range(3):
        attempt("educateur", "Secret-tape-par-erreur")
    attempt("educateur", PASSWORD)
    attempt("Secret-dans-le-champ-identifiant", "x")
    kinds = list(LoginEvent.objects.values_list("kind", flat=True))
    assert kinds.count(LoginEventKind.PASSWORD_FAILURE) == 4
    assert kinds.count(LoginEventKind.LOCK) == 1
    assert kinds.count(LoginEventKind.REFUSED_LOCKED) == 1
    stored = [
        str(value)
        for row in LoginEvent.objects.values_list("detail", "ip_address")
        for value in row
    ] + [str(value) for row in LoginThrottle.objects.values_list("key") for value in row]
    for secret in ("Secret-tape-par-erreur", "Secret-dans-le-champ-identifiant", PASSWORD):
        assert not any(secret in value for value in stored)


def test_wrong_second_factor_codes_count_towards_the_lock(world, educateur, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = TOTPDevice.objects.create(user=educateur, name="Téléphone")
    client = Client(REMOTE_ADDR="192.0.2.30")
    client.post(LOGIN, {"username": "educateur", "password": PASSWORD})
    wrong = str((int(totp_code_now(device.key)) + 500_000) % 1_000_000).zfill(6)
    for _ in range(3):
        client.post(VERIFICATION, {"code": wrong})
    response = client.post(VERIFICATION, {"code": totp_code_now(device.key)})
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert client.get(reverse("dui:accueil")).status_code == 302


def test_a_complete_login_clears_the_failures_of_the_account(world, educateur):
    device = TOTPDevice.objects.create(user=educateur, name="Téléphone")
    attempt("educateur", "faux")
    attempt("educateur", "faux")
    client = Client(REMOTE_ADDR="192.0.2.40")
    client.post(LOGIN, {"username": "educateur", "password": PASSWORD})
    client.post(VERIFICATION, {"code": totp_code_now(device.key)})
    assert not LoginThrottle.objects.filter(scope=ThrottleScope.ACCOUNT).exists()
