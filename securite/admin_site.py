"""The admin site is for technical administrators only (never for usager data), after both
factors of the login."""

from typing import Any
from urllib.parse import urlencode

from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
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


class OrganismeScopedAdmin(ModelAdmin):  # type: ignore[type-arg]
    """A technical administrator attached to an organisme sees and edits only that
    organisme's rows; one without an organisme administers the whole installation.

    `organisme_lookups`: the paths from the model to its organisme id; a row is shown when
    one of them matches (an audit row: its actor's or its usager's organisme)."""

    organisme_lookups: tuple[str, ...] = ("organisme_id",)

    @staticmethod
    def admin_organisme_id(request: HttpRequest) -> int | None:
        organisme_id: int | None = getattr(request.user, "organisme_id", None)
        return organisme_id

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        organisme_id = self.admin_organisme_id(request)
        if organisme_id is None:
            return queryset
        condition = Q()
        for lookup in self.organisme_lookups:
            condition |= Q(**{lookup: organisme_id})
        return queryset.filter(condition).distinct()

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        organisme_id = self.admin_organisme_id(request)
        if organisme_id is not None and db_field.name == "organisme":
            # Its own organisme only, and never none: a row without an organisme (an
            # installation-wide account) is outside its reach.
            kwargs["queryset"] = db_field.related_model.objects.filter(pk=organisme_id)
            kwargs["required"] = True
            kwargs["empty_label"] = None
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
