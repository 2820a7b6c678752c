"""The admin site is for technical administrators only (never for usager data), after both
factors of the login."""

from typing import Any
from urllib.parse import urlencode

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from securite.authentification.verified import is_verified


class DuiAdminSite(AdminSite):
    site_header = "Administration technique du DUI"
    site_title = "Administration DUI"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active
            and user.is_staff
            and getattr(user, "type_compte", "") == "technique"
            and is_verified(user)
        )

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """No second login form: the application's login (lockout, second factor) is the
        only way in; a logged-in account without the rights is refused."""
        if request.user.is_authenticated:
            raise PermissionDenied
        next_url = request.GET.get("next") or reverse("admin:index")
        query = urlencode({"next": next_url})
        return HttpResponseRedirect(f"{reverse('securite:login')}?{query}")


class DuiAdminConfig(AdminConfig):
    default_site = "securite.admin_site.DuiAdminSite"
