"""Two gates in front of every view.

- SessionLifetimeMiddleware ends a session idle for SESSION_IDLE_TIMEOUT seconds, or older
  than SESSION_ABSOLUTE_LIFETIME, and says so on the login page.
- SecondFactorRequiredMiddleware lets an account that passed only its password reach the
  second step, the enrolment and the logout, nothing else: pages redirect to the second
  step, the API answers 403. Views open at that stage are marked `verification_exempt`.

The API's token authentication (machine clients, `Authorization: Token …`) carries no
session and is not concerned; a browser session reaches the API only once verified.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.urls import reverse
from rest_framework.views import APIView

from . import sessions
from .journal import event_record
from .models import LoginEventKind
from .verified import is_verified

ViewFunc = Callable[..., HttpResponseBase]


def verification_exempt(view: ViewFunc) -> ViewFunc:
    """Mark a view reachable before the second factor (login steps, logout, password reset)."""
    view.verification_exempt = True  # type: ignore[attr-defined]
    return view


class SessionLifetimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.session.get(SESSION_KEY) is not None:
            now = sessions.now_seconds()
            reason = sessions.session_expiry(request.session, now)
            if reason:
                user = request.user
                logout(request)
                event_record(
                    kind=LoginEventKind.SESSION_EXPIRED, request=request, user=user, detail=reason
                )
                messages.info(
                    request,
                    "Votre session a pris fin (inactivité ou durée maximale atteinte) : "
                    "reconnectez-vous.",
                )
            else:
                sessions.session_touch(request.session, now)
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Any,
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        if getattr(view_func, "verification_exempt", False):
            return None
        user = request.user
        if not user.is_authenticated or is_verified(user):
            return None
        view_class = getattr(view_func, "cls", None)
        if isinstance(view_class, type) and issubclass(view_class, APIView):
            return JsonResponse(
                {"detail": "Connexion inachevée : le second facteur n'a pas été vérifié."},
                status=403,
            )
        return redirect_to_login(
            request.get_full_path(), login_url=reverse("securite:verification")
        )
