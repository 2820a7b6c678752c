"""The client address: X-Forwarded-For is believed only from a trusted proxy, read from the
right, so a client cannot pick its address to escape the lockout or forge the audit."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.urls import reverse

from securite.audit import audit_record
from securite.authentification.models import LoginThrottle, ThrottleScope
from securite.models import AuditAction
from securite.reseau import client_ip


def _request(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_header(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_a_spoofed_header_from_an_untrusted_peer_is_ignored(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_forwarded_client_is_used(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(_request("10.0.0.5", "198.51.100.1")) == "198.51.100.1"


def test_a_client_cannot_prepend_a_forged_address_behind_a_trusted_proxy(settings):
    """The client sends "X-Forwarded-For: 192.0.2.66"; the proxy appends the real address."""
    settings.TRUSTED_PROXIES = ["10.0.0.5", "10.0.1.0/24"]
    request = _request("10.0.0.5", "192.0.2.66, 198.51.100.1, 10.0.1.7")
    assert client_ip(request) == "198.51.100.1"


def test_a_malformed_header_falls_back_to_the_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    assert client_ip(_request("10.0.0.5", "pas-une-adresse")) == "10.0.0.5"
    assert client_ip(_request("10.0.0.5", "")) == "10.0.0.5"


def test_ipv6_proxies_and_clients(settings):
    settings.TRUSTED_PROXIES = ["2001:db8::/32"]
    assert client_ip(_request("2001:db8::1", "2001:db9::42")) == "2001:db9::42"


def test_an_invalid_trusted_proxy_setting_is_a_configuration_error(settings):
    settings.TRUSTED_PROXIES = ["pas-un-reseau"]
    with pytest.raises(ImproperlyConfigured):
        client_ip(_request("10.0.0.5"))


def test_the_audit_records_the_forwarded_client_behind_a_trusted_proxy(
    settings, world, educateur, resident
):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    row = audit_record(
        acteur=educateur,
        action=AuditAction.LECTURE,
        usager=resident,
        request=_request("10.0.0.5", "198.51.100.1"),
    )
    assert row.adresse_ip == "198.51.100.1"
    row = audit_record(
        acteur=educateur,
        action=AuditAction.LECTURE,
        usager=resident,
        request=_request("203.0.113.9", "198.51.100.1"),
    )
    assert row.adresse_ip == "203.0.113.9"


def _fail_login(remote, forwarded, username):
    client = Client(REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    client.post(
        reverse("securite:login"), {"username": username, "password": "mauvais-mot-de-passe"}
    )


def _throttled_ips():
    return set(LoginThrottle.objects.filter(scope=ThrottleScope.IP).values_list("key", flat=True))


@pytest.mark.django_db
def test_lockout_counts_per_client_behind_a_trusted_proxy(settings):
    """Two clients behind the same balancer are two addresses for the lockout."""
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    _fail_login("10.0.0.5", "198.51.100.1", "alice")
    _fail_login("10.0.0.5", "198.51.100.2", "bob")
    assert _throttled_ips() == {"198.51.100.1", "198.51.100.2"}


@pytest.mark.django_db
def test_lockout_ignores_a_spoofed_header_from_an_untrusted_peer(settings):
    """A client rotating X-Forwarded-For itself stays one address for the lockout."""
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    _fail_login("203.0.113.9", "198.51.100.1", "alice")
    _fail_login("203.0.113.9", "198.51.100.2", "bob")
    assert _throttled_ips() == {"203.0.113.9"}
