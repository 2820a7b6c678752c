"""The admin site is for technical administrators only (never for usager data)."""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class DuiAdminSite(AdminSite):
    site_header = "Administration technique du DUI"
    site_title = "Administration DUI"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active and user.is_staff and getattr(user, "type_compte", "") == "technique"
        )


class DuiAdminConfig(AdminConfig):
    default_site = "securite.admin_site.DuiAdminSite"
