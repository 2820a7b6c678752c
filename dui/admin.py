from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from securite.admin_site import OrganismeScopedAdmin

from .models import CapaciteAutorisee, Etablissement, Organisme, Unite


class CapaciteInline(admin.TabularInline):
    model = CapaciteAutorisee
    extra = 0


class UniteInline(admin.TabularInline):
    model = Unite
    extra = 0


@admin.register(Organisme)
class OrganismeAdmin(OrganismeScopedAdmin):
    organisme_lookups = ("pk",)

    list_display = ("nom", "finess_juridique")
    search_fields = ("nom",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Creating organismes is for the installation-wide administrator."""
        if self.admin_organisme_id(request) is not None:
            return False
        return super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self.admin_organisme_id(request) is not None:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Etablissement)
class EtablissementAdmin(OrganismeScopedAdmin):
    list_display = ("nom", "finess", "categorie", "organisme", "is_active")
    list_filter = ("categorie", ("organisme", admin.RelatedOnlyFieldListFilter))
    search_fields = ("nom", "finess")
    inlines = (CapaciteInline, UniteInline)
