"""Session lifetime (inactivity timeout, absolute lifetime) and the index of each account's
open sessions, which "log out everywhere" uses."""

import time
from datetime import timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest
from django.utils import timezone

from securite.reseau import client_ip

from .models import UserSession

STARTED_KEY = "auth_started_at"
ACTIVITY_KEY = "auth_activity_at"
NEXT_KEY = "auth_next"
# Activity is written at most once a minute: a session write on every request would cost a
# database write per page. A session may therefore end up to a minute early.
ACTIVITY_RESOLUTION = 60


def now_seconds() -> int:
    return int(time.time())


def session_start(request: HttpRequest, user: Any) -> None:
    """A login: stamp the session and index it under the account."""
    now = now_seconds()
    request.session[STARTED_KEY] = now
    request.session[ACTIVITY_KEY] = now
    session_index(request, user)


def session_index(request: HttpRequest, user: Any) -> None:
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip_address": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )


def session_rotate(request: HttpRequest, user: Any) -> None:
    """A new session key, same data (privilege change: the second factor was passed)."""
    old_key = request.session.session_key
    request.session.cycle_key()
    UserSession.objects.filter(session_key=old_key).delete()
    session_index(request, user)


def session_expiry(session: SessionBase, now: int) -> str:
    """Why an authenticated session has ended ("inactivité", "durée maximale"), or ""."""
    started = session.get(STARTED_KEY)
    activity = session.get(ACTIVITY_KEY)
    if not isinstance(started, int) or not isinstance(activity, int):
        # Not opened by this application's login: no lifetime to trust.
        return "session sans horodatage"
    if now - started > settings.SESSION_ABSOLUTE_LIFETIME:
        return "durée maximale"
    if now - activity > settings.SESSION_IDLE_TIMEOUT:
        return "inactivité"
    return ""


def session_touch(session: SessionBase, now: int) -> None:
    if now - int(session.get(ACTIVITY_KEY, 0)) >= ACTIVITY_RESOLUTION:
        session[ACTIVITY_KEY] = now


def sessions_end(user: Any, *, keep: str | None = None) -> int:
    """End every open session of the account (but `keep`, the current one, if given).

    Returns how many were ended."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = UserSession.objects.filter(user=user)
    if keep:
        sessions = sessions.exclude(session_key=keep)
    keys = list(sessions.values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def sessions_purge() -> int:
    """Forget index rows of sessions past their absolute lifetime (they cannot be alive)."""
    horizon = timezone.now() - timedelta(seconds=settings.SESSION_ABSOLUTE_LIFETIME)
    deleted, _ = UserSession.objects.filter(created_at__lt=horizon).delete()
    return deleted
