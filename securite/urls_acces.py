from django.urls import path

from . import views_acces, views_partage

app_name = "acces"

urlpatterns = [
    path("bris-de-glace/", views_acces.bris_de_glace, name="bris-de-glace"),
    path("usagers/<int:pk>/consultations/", views_acces.consultations, name="consultations"),
    path(
        "usagers/<int:pk>/acces-exceptionnels/<int:acces_pk>/revu/",
        views_acces.acces_exceptionnel_revu,
        name="acces-exceptionnel-revu",
    ),
    path("usagers/<int:pk>/equipe/", views_partage.equipe, name="equipe"),
    path("usagers/<int:pk>/equipe/ajouter/", views_partage.equipe_ajouter, name="equipe-ajouter"),
    path(
        "usagers/<int:pk>/equipe/<int:membre_pk>/fin/",
        views_partage.equipe_terminer,
        name="equipe-terminer",
    ),
    path(
        "usagers/<int:pk>/oppositions/ajouter/",
        views_partage.opposition_ajouter,
        name="opposition-ajouter",
    ),
    path(
        "usagers/<int:pk>/oppositions/<int:opposition_pk>/retrait/",
        views_partage.opposition_retirer,
        name="opposition-retirer",
    ),
    path("matrice/", views_partage.matrice, name="matrice"),
    path("matrice/retablir/", views_partage.matrice_retablir, name="matrice-retablir"),
]
