"""Pro Santé Connect (PSC): the national OpenID Connect provider of health professionals
(e-CPS, CPS card), with Authlib's Django client.

Reference: Pro Santé Connect, documentation technique (ANS): authorization code flow, scopes
"openid scope_all", acr_values "eidas1"; the userinfo document carries the national
identifier of the professional in `SubjectNameID` (idNat_PS: "8" followed by the RPPS
number for RPPS holders).

A PSC login is two factors in itself (e-CPS: the phone and its PIN; CPS: the card and its
PIN): the session is verified at once. The RPPS maps to `Professionnel.rpps`; an unknown
RPPS is refused, and no account is ever created from PSC.
"""

import functools
import logging
from typing import Any

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from joserfc.errors import JoseError

from securite.models import TypeCompte, Utilisateur

from .models import ProSanteConnectDevice

logger = logging.getLogger(__name__)


class ProSanteConnectError(Exception):
    """The exchange with PSC failed (refused, expired, unreachable, invalid token)."""


def is_enabled() -> bool:
    return bool(settings.PSC_CLIENT_ID)


@functools.lru_cache(maxsize=4)
def _client_for(config: tuple[tuple[str, Any], ...]) -> DjangoOAuth2App:
    """One client per configuration: it keeps the discovery document and the keys."""
    options = dict(config)
    client_kwargs = {
        "scope": options.pop("scope"),
        "code_challenge_method": "S256",
        "token_endpoint_auth_method": options.pop("token_endpoint_auth_method"),
        "default_timeout": options.pop("timeout"),
    }
    registry = OAuth()
    client: DjangoOAuth2App = registry.register(
        name="pro_sante_connect",
        client_kwargs=client_kwargs,
        **{key: value for key, value in options.items() if value},
    )
    return client


def client() -> DjangoOAuth2App:
    return _client_for(
        (
            ("client_id", settings.PSC_CLIENT_ID),
            ("client_secret", settings.PSC_CLIENT_SECRET),
            ("server_metadata_url", settings.PSC_DISCOVERY_URL),
            ("issuer", settings.PSC_ISSUER),
            ("authorize_url", settings.PSC_AUTHORIZATION_URL),
            ("access_token_url", settings.PSC_TOKEN_URL),
            ("userinfo_endpoint", settings.PSC_USERINFO_URL),
            ("jwks_uri", settings.PSC_JWKS_URL),
            ("scope", settings.PSC_SCOPES),
            ("token_endpoint_auth_method", settings.PSC_TOKEN_AUTH_METHOD),
            ("timeout", settings.PSC_TIMEOUT),
        )
    )


def authorization_redirect(request: HttpRequest) -> HttpResponse:
    """Send the browser to PSC; state, nonce and PKCE verifier stay in the session."""
    redirect_uri = request.build_absolute_uri(reverse("securite:psc-retour"))
    extra = {"acr_values": settings.PSC_ACR_VALUES} if settings.PSC_ACR_VALUES else {}
    try:
        response: HttpResponse = client().authorize_redirect(request, redirect_uri, **extra)
    except (AuthlibBaseError, requests.RequestException, RuntimeError, ValueError) as error:
        logger.warning("Pro Santé Connect injoignable : %s", type(error).__name__)
        raise ProSanteConnectError("PSC injoignable") from error
    return response


def claims_fetch(request: HttpRequest) -> dict[str, Any]:
    """Back from PSC: exchange the code (checking state, PKCE, the ID token's signature,
    issuer, audience and nonce), then read the userinfo document."""
    psc = client()
    try:
        token = psc.authorize_access_token(request)
        userinfo = psc.userinfo(token=token)
    except (
        AuthlibBaseError,
        JoseError,
        requests.RequestException,
        KeyError,
        ValueError,
    ) as error:
        logger.warning("Échange Pro Santé Connect refusé : %s", type(error).__name__)
        raise ProSanteConnectError("échange refusé") from error
    return dict(userinfo)


def rpps_from_claims(claims: dict[str, Any]) -> str | None:
    """The RPPS number in the configured claim: idNat_PS ("8" + 11 digits) or the bare
    11-digit RPPS. Any other identifier (ADELI-based, test identifiers) gives None."""
    value = str(claims.get(settings.PSC_RPPS_CLAIM) or "").strip()
    if len(value) == 12 and value.startswith("8") and value[1:].isdigit():
        return value[1:]
    if len(value) == 11 and value.isdigit():
        return value
    return None


def psc_device_link(user: Utilisateur, claims: dict[str, Any]) -> ProSanteConnectDevice:
    """The account's PSC device (created at the first PSC login), stamped as used now."""
    subject = str(claims.get(settings.PSC_RPPS_CLAIM) or "")[:64]
    device, _ = ProSanteConnectDevice.objects.update_or_create(
        user=user,
        defaults={
            "name": "Pro Santé Connect (e-CPS)",
            "confirmed": True,
            "subject": subject,
            "last_used_at": timezone.now(),
        },
    )
    return device


class ProSanteConnectBackend(BaseBackend):
    """Authenticates the holder of the RPPS found in PSC's claims: an active professional
    account of the DUI. Never creates an account."""

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, psc_claims: dict[str, Any] | None = None, **kwargs: Any
    ) -> Utilisateur | None:
        if psc_claims is None:
            return None
        rpps = rpps_from_claims(psc_claims)
        if rpps is None:
            return None
        return Utilisateur.objects.filter(
            professionnel__rpps=rpps,
            type_compte=TypeCompte.PROFESSIONNEL,
            is_active=True,
        ).first()

    def get_user(self, user_id: int) -> Utilisateur | None:
        return (
            Utilisateur.objects.select_related("professionnel")
            .filter(pk=user_id, is_active=True)
            .first()
        )
