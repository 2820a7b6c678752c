"""Read-only administration of the outbox: rows change through the services (audited)."""

from django.contrib import admin
from django.http import HttpRequest

from .models import Envoi, OppositionEnvoi, TentativeEnvoi


class TentativeInline(admin.TabularInline):
    model = TentativeEnvoi
    extra = 0
    can_delete = False
    fields = (
        "numero",
        "debut",
        "duree_ms",
        "resultat",
        "code_reponse",
        "erreur",
        "task_id",
        "worker",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Envoi)
class EnvoiAdmin(admin.ModelAdmin):
    list_display = ("pk", "cible", "statut", "version", "nb_tentatives", "cree_le", "livre_le")
    list_filter = ("cible", "statut")
    exclude = ("contenu",)
    inlines = [TentativeInline]

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        return [f.name for f in Envoi._meta.fields if f.name != "contenu"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OppositionEnvoi)
class OppositionEnvoiAdmin(admin.ModelAdmin):
    list_display = ("pk", "cible", "date", "exprimee_par")
    list_filter = ("cible",)
    raw_id_fields = ("usager",)
