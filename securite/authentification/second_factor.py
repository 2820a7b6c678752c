"""The second factor: TOTP applications and recovery codes (django-otp devices), and the
verification of a session once a factor (TOTP, recovery code, passkey, Pro Santé Connect)
has been passed."""

import base64
from base64 import b32encode
from typing import Any

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import lockout, sessions
from .journal import event_record
from .models import LoginEventKind, PasskeyDevice

TOTP_DEVICE_NAME = "Application d'authentification"
RECOVERY_DEVICE_NAME = "Codes de secours"
RECOVERY_CODE_COUNT = 10


def has_second_factor(user: Any) -> bool:
    """An account can pass the second step: a confirmed TOTP application or passkey.

    Recovery codes alone do not count: they are the way back, not a factor to live on."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or PasskeyDevice.objects.filter(user=user, confirmed=True).exists()
    )


def code_normalize(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


# ---------------------------------------------------------------------------
# TOTP applications
# ---------------------------------------------------------------------------
def totp_device_start(user: Any, *, name: str = TOTP_DEVICE_NAME) -> TOTPDevice:
    """A new, unconfirmed TOTP device with a random key (earlier unconfirmed ones go)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=name[:64], confirmed=False)


def totp_device_pending(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()


def totp_device_confirm(device: TOTPDevice, code: str) -> bool:
    """Confirm an enrolment with the first code the application shows."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not locked.verify_token(code_normalize(code)):
            return False
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
    device.refresh_from_db()
    return True


def totp_device_set(user: Any, *, key: str, name: str = TOTP_DEVICE_NAME) -> TOTPDevice:
    """A confirmed TOTP device with a fixed key (demo and benchmark accounts), kept as is
    when it already has that key."""
    device = TOTPDevice.objects.filter(user=user, name=name, confirmed=True).first()
    if device is not None and device.key == key:
        return device
    TOTPDevice.objects.filter(user=user, name=name).delete()
    return TOTPDevice.objects.create(user=user, name=name, key=key, confirmed=True)


def totp_secret_display(device: TOTPDevice) -> str:
    """The key in base32, by groups of four, for manual entry in the application."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def totp_qr_code(device: TOTPDevice) -> str:
    """The otpauth:// enrolment URL as an SVG QR code, in a data: URI (no script, CSP-safe)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg: bytes = image.to_string(encoding="utf-8")
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def totp_code_now(hex_key: str) -> str:
    """The current code of a key (demo page, bench, tests)."""
    return str(totp(bytes.fromhex(hex_key))).zfill(6)


# ---------------------------------------------------------------------------
# Recovery codes
# ---------------------------------------------------------------------------
def recovery_codes_generate(user: Any, codes: list[str] | None = None) -> list[str]:
    """Replace the account's recovery codes by new ones (each works once) and return them."""
    codes = codes or [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
        StaticToken.objects.bulk_create(
            [StaticToken(device=device, token=code_normalize(code)) for code in codes]
        )
    return codes


def recovery_codes_remaining(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def recovery_code_display(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code


# ---------------------------------------------------------------------------
# Verification
# ---------------------------------------------------------------------------
def code_verify(user: Any, code: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts a typed code: six digits go to the TOTP applications, anything
    else to the recovery codes (so a typo in one never throttles the other).

    django-otp refuses a code already used (TOTP: same or earlier time step; recovery code:
    deleted when used) and throttles each device after failures."""
    normalized = code_normalize(code)
    model: type[TOTPDevice] | type[StaticDevice]
    model = TOTPDevice if normalized.isdigit() and len(normalized) == 6 else StaticDevice
    with transaction.atomic():
        devices = model.objects.filter(user=user, confirmed=True).select_for_update()
        for device in devices:
            if device.verify_token(normalized):
                return device
    return None


def session_verify(request: HttpRequest, device: Any, *, method: str) -> None:
    """The second factor is passed: mark the session (django-otp), give it a new key, forget
    the account's failures, and journal the login."""
    user = request.user
    otp_login(request, device)
    sessions.session_rotate(request, user)
    lockout.account_unlock(user.get_username())
    event_record(kind=LoginEventKind.LOGIN, request=request, user=user, detail=method)
    if isinstance(device, StaticDevice):
        event_record(
            kind=LoginEventKind.RECOVERY_CODE_USED,
            request=request,
            user=user,
            detail=f"{recovery_codes_remaining(user)} code(s) restant(s)",
        )
