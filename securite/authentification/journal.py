"""The login journal (LoginEvent)."""

import logging

from django.http import HttpRequest

from securite.reseau import client_ip

from .models import LoginEvent

logger = logging.getLogger(__name__)


def event_record(
    *, kind: str, request: HttpRequest | None, user: object = None, detail: str = ""
) -> LoginEvent:
    """Append one row to the login journal (and the log). Never a password nor a code."""
    user_id = getattr(user, "pk", None)
    ip = client_ip(request)
    logger.info("Authentification : %s, compte %s, adresse %s %s", kind, user_id, ip, detail)
    return LoginEvent.objects.create(kind=kind, user_id=user_id, ip_address=ip, detail=detail[:200])
