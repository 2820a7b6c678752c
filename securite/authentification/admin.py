"""Technical administration: the login journal (read-only), the locks (delete one to unlock
an account or an address), passkeys and PSC links (delete one to make a person enrol again).

TOTP applications and recovery codes are in django-otp's own admin pages."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from securite.admin_site import OrganismeScopedAdmin

from .models import LoginEvent, LoginThrottle, PasskeyDevice, ProSanteConnectDevice, UserSession


class ReadOnlyAdmin(OrganismeScopedAdmin):
    """Rows of the accounts of the administrator's organisme (all for an installation-wide
    administrator; an address lock, tied to no account, is installation-wide)."""

    organisme_lookups = ("user__organisme_id",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LoginEvent)
class LoginEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "user", "ip_address", "detail")
    list_filter = ("kind",)
    search_fields = ("user__username", "ip_address")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LoginThrottle)
class LoginThrottleAdmin(ReadOnlyAdmin):
    list_display = ("scope", "user", "failures", "level", "locked_until", "last_failure_at")
    list_filter = ("scope",)
    search_fields = ("user__username", "key")


@admin.register(UserSession)
class UserSessionAdmin(ReadOnlyAdmin):
    list_display = ("user", "created_at", "ip_address", "user_agent")
    search_fields = ("user__username",)


@admin.register(PasskeyDevice)
class PasskeyDeviceAdmin(ReadOnlyAdmin):
    list_display = ("user", "name", "created_at", "last_used_at")
    search_fields = ("user__username",)
    exclude = ("public_key",)


@admin.register(ProSanteConnectDevice)
class ProSanteConnectDeviceAdmin(ReadOnlyAdmin):
    list_display = ("user", "subject", "created_at", "last_used_at")
    search_fields = ("user__username", "subject")
