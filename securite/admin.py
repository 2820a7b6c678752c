from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Professionnel, Utilisateur


class ProfessionnelInline(admin.StackedInline):
    model = Professionnel
    can_delete = False
    filter_horizontal = ("etablissements", "unites")


@admin.register(Utilisateur)
class UtilisateurAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "type_compte", "organisme", "is_active")
    list_filter = ("type_compte", "organisme", "is_active")
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Rattachement", {"fields": ("organisme", "type_compte")}),
    )
    inlines = (ProfessionnelInline,)
