"""The login journal (LoginEvent) and the client address of a request."""

import logging

from django.http import HttpRequest

from .models import LoginEvent

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest | None) -> str | None:
    """REMOTE_ADDR, as for the audit trail: behind a proxy the proxy sets it right
    (gunicorn --forwarded-allow-ips); X-Forwarded-For is client-controlled, never trusted."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def event_record(
    *, kind: str, request: HttpRequest | None, user: object = None, detail: str = ""
) -> LoginEvent:
    """Append one row to the login journal (and the log). Never a password nor a code."""
    user_id = getattr(user, "pk", None)
    ip = client_ip(request)
    logger.info("Authentification : %s, compte %s, adresse %s %s", kind, user_id, ip, detail)
    return LoginEvent.objects.create(kind=kind, user_id=user_id, ip_address=ip, detail=detail[:200])
