from django.urls import path

from . import views

app_name = "envois"
urlpatterns = [
    path("usagers/<int:usager_pk>/documents-partages/", views.usager_envois, name="usager"),
    path("interop/envois/", views.file_envois, name="file"),
    path("interop/envois/<int:pk>/relancer/", views.envoi_relancer, name="relancer"),
    path("interop/envois/<int:pk>/annuler/", views.envoi_annuler, name="annuler"),
]
