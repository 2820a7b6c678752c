"""Helpers for tests and benchmarks that need a logged-in client without typing codes."""

from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def client_verify(client: Client, user: Any) -> Client:
    """Log the test client in as `user` with a session that passed both factors, the way a
    real second step leaves it (django-otp's device id in the session)."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Tests", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
