"""Every login stamps and indexes its session; every logout forgets the index row."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest

from . import sessions
from .models import UserSession


@receiver(user_logged_in, dispatch_uid="authentification_session_start")
def session_started(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        sessions.session_start(request, user)


@receiver(user_logged_out, dispatch_uid="authentification_session_end")
def session_ended(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session") and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
