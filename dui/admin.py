from django.contrib import admin

from .models import CapaciteAutorisee, Etablissement, Organisme, Unite


class CapaciteInline(admin.TabularInline):
    model = CapaciteAutorisee
    extra = 0


class UniteInline(admin.TabularInline):
    model = Unite
    extra = 0


@admin.register(Organisme)
class OrganismeAdmin(admin.ModelAdmin):
    list_display = ("nom", "finess_juridique")
    search_fields = ("nom",)


@admin.register(Etablissement)
class EtablissementAdmin(admin.ModelAdmin):
    list_display = ("nom", "finess", "categorie", "organisme", "is_active")
    list_filter = ("categorie", "organisme")
    search_fields = ("nom", "finess")
    inlines = (CapaciteInline, UniteInline)
