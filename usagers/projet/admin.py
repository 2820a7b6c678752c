"""Administration of the plan's reference data only: plans themselves are health data, edited
in the product through the access policy, never in the admin site."""

from django.contrib import admin

from .models import ConceptSerafin, DelaiReevaluation, Referentiel, TypeProjet


@admin.register(DelaiReevaluation)
class DelaiReevaluationAdmin(admin.ModelAdmin):
    list_display = ("type_projet", "categorie_etablissement", "mois")


@admin.register(Referentiel)
class ReferentielAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "charge_le")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(ConceptSerafin)
class ConceptSerafinAdmin(admin.ModelAdmin):
    list_display = ("code", "libelle", "famille", "actif")
    list_filter = ("famille", "actif")
    search_fields = ("code", "libelle")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(TypeProjet)
class TypeProjetAdmin(admin.ModelAdmin):
    list_display = ("code", "libelle", "actif")

    def has_add_permission(self, request: object) -> bool:
        return False
