"""Passkeys and security keys (WebAuthn, FIDO2: the "substantiel" level of the PGSSI-S), with
py_webauthn. The browser side is static/js/passkeys.js.

Each ceremony has two requests: the options (a fresh challenge kept in the session), then the
browser's answer, verified against that challenge, the relying party id and the origin.
"""

import json
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from .models import PasskeyDevice

CHALLENGE_KEY = "webauthn_challenge"
PASSKEY_DEFAULT_NAME = "Clé d'accès"


class PasskeyError(Exception):
    """The browser's answer was refused; the message is for the person, in French."""


def relying_party_id(request: HttpRequest) -> str:
    return str(settings.WEBAUTHN_RP_ID) or request.get_host().rsplit(":", 1)[0]


def expected_origin(request: HttpRequest) -> str:
    return str(settings.WEBAUTHN_ORIGIN) or f"{request.scheme}://{request.get_host()}"


def _descriptors(user: Any) -> list[PublicKeyCredentialDescriptor]:
    descriptors = []
    for device in PasskeyDevice.objects.filter(user=user, confirmed=True):
        transports = []
        for value in device.transports:
            try:
                transports.append(AuthenticatorTransport(value))
            except ValueError:
                continue
        descriptors.append(
            PublicKeyCredentialDescriptor(
                id=base64url_to_bytes(device.credential_id), transports=transports or None
            )
        )
    return descriptors


def _challenge_take(request: HttpRequest) -> bytes:
    challenge = request.session.pop(CHALLENGE_KEY, None)
    if not isinstance(challenge, str):
        raise PasskeyError("La demande a expiré : recommencez.")
    return base64url_to_bytes(challenge)


def _credential_id(credential_json: str) -> str:
    try:
        raw = json.loads(credential_json)["id"]
        return bytes_to_base64url(base64url_to_bytes(str(raw)))
    except (ValueError, KeyError, TypeError) as error:
        raise PasskeyError("Réponse de la clé illisible : recommencez.") from error


def registration_options(request: HttpRequest, user: Any) -> str:
    """Options of navigator.credentials.create(), as JSON; the challenge stays in the session."""
    options = generate_registration_options(
        rp_id=relying_party_id(request),
        rp_name=settings.SITE_NAME,
        user_id=str(user.pk).encode(),
        user_name=user.get_username(),
        user_display_name=str(user),
        exclude_credentials=_descriptors(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    request.session[CHALLENGE_KEY] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def registration_verify(
    request: HttpRequest, user: Any, credential_json: str, name: str
) -> PasskeyDevice:
    """Verify the answer of navigator.credentials.create() and store the new passkey."""
    challenge = _challenge_take(request)
    try:
        verified = verify_registration_response(
            credential=credential_json,
            expected_challenge=challenge,
            expected_rp_id=relying_party_id(request),
            expected_origin=expected_origin(request),
        )
    except WebAuthnException as error:
        raise PasskeyError("La clé n'a pas pu être enregistrée : recommencez.") from error
    transports = json.loads(credential_json).get("response", {}).get("transports") or []
    credential_id = bytes_to_base64url(verified.credential_id)
    if PasskeyDevice.objects.filter(credential_id=credential_id).exists():
        raise PasskeyError("Cette clé est déjà enregistrée.")
    return PasskeyDevice.objects.create(
        user=user,
        name=(name.strip() or PASSKEY_DEFAULT_NAME)[:64],
        confirmed=True,
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=[str(value) for value in transports if isinstance(value, str)],
    )


def authentication_options(request: HttpRequest, user: Any) -> str:
    """Options of navigator.credentials.get() for the account's passkeys, as JSON."""
    options = generate_authentication_options(
        rp_id=relying_party_id(request),
        allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    request.session[CHALLENGE_KEY] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def authentication_verify(request: HttpRequest, user: Any, credential_json: str) -> PasskeyDevice:
    """Verify the answer of navigator.credentials.get() against the account's passkey.

    The signature counter must grow when the authenticator keeps one: a counter that goes
    back betrays a cloned key."""
    challenge = _challenge_take(request)
    credential_id = _credential_id(credential_json)
    with transaction.atomic():
        device = (
            PasskeyDevice.objects.select_for_update()
            .filter(user=user, confirmed=True, credential_id=credential_id)
            .first()
        )
        if device is None:
            raise PasskeyError("Cette clé n'est pas enregistrée pour ce compte.")
        try:
            verified = verify_authentication_response(
                credential=credential_json,
                expected_challenge=challenge,
                expected_rp_id=relying_party_id(request),
                expected_origin=expected_origin(request),
                credential_public_key=bytes(device.public_key),
                credential_current_sign_count=device.sign_count,
            )
        except WebAuthnException as error:
            raise PasskeyError("La clé n'a pas été reconnue : recommencez.") from error
        device.sign_count = verified.new_sign_count
        device.set_last_used_timestamp(commit=False)
        device.save(update_fields=["sign_count", "last_used_at"])
    return device
