from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.http import HttpRequest

from .admin_site import OrganismeScopedAdmin
from .audit import audit_record
from .models import AuditAction, EvenementAudit, Professionnel, RegleAcces, Utilisateur


class ProfessionnelInline(admin.StackedInline):
    model = Professionnel
    can_delete = False
    filter_horizontal = ("etablissements", "unites")


@admin.register(Utilisateur)
class UtilisateurAdmin(OrganismeScopedAdmin, UserAdmin):  # type: ignore[misc]
    list_display = ("username", "first_name", "last_name", "type_compte", "organisme", "is_active")
    list_filter = ("type_compte", ("organisme", admin.RelatedOnlyFieldListFilter), "is_active")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Rattachement", {"fields": ("organisme", "type_compte")}),
    )
    inlines = (ProfessionnelInline,)


@admin.register(RegleAcces)
class RegleAccesAdmin(OrganismeScopedAdmin):
    """Adjustments of the role x category matrix, per organisme (audited)."""

    list_display = ("organisme", "profession", "categorie", "peut_lire", "peut_ecrire")
    list_filter = (("organisme", admin.RelatedOnlyFieldListFilter), "profession", "categorie")

    def save_model(self, request: HttpRequest, obj: RegleAcces, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                acteur=request.user if isinstance(request.user, Utilisateur) else None,
                action=AuditAction.ADMINISTRATION,
                objet=obj,
                champs=form.changed_data,
                request=request,
            )


@admin.register(EvenementAudit)
class EvenementAuditAdmin(OrganismeScopedAdmin):
    """Read-only: the audit trail is append-only. An organisme's administrator sees the rows
    of its accounts and of its usagers."""

    organisme_lookups = ("acteur__organisme_id", "usager__organisme_id")

    list_display = ("horodatage", "acteur_libelle", "action", "objet_type", "is_bris_glace")
    list_filter = ("action", "is_bris_glace")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
