from django.conf import settings
from django.urls import path

from . import views

app_name = "projet"

urlpatterns = [
    path("", views.echeances, name="echeances"),
    path("usager/<int:usager_pk>/", views.usager_projets, name="usager"),
    path("usager/<int:usager_pk>/nouveau/", views.projet_creer, name="creer"),
    path("<int:pk>/", views.projet_detail, name="detail"),
    path("<int:pk>/modifier/", views.projet_modifier, name="modifier"),
    path("<int:pk>/projet-de-vie/", views.projet_de_vie, name="projet-de-vie"),
    path("<int:pk>/ajouter/<slug:element>/", views.element_ajouter, name="ajouter"),
    path(
        "<int:pk>/supprimer/<slug:element>/<int:element_pk>/",
        views.element_supprimer,
        name="supprimer",
    ),
    path(
        "<int:pk>/objectifs/<int:objectif_pk>/modifier/",
        views.objectif_modifier,
        name="objectif-modifier",
    ),
    path(
        "<int:pk>/objectifs/<int:objectif_pk>/evaluer/",
        views.evaluation_ajouter,
        name="evaluer",
    ),
    path("<int:pk>/statut/", views.projet_transition, name="transition"),
    path("<int:pk>/nouvelle-version/", views.projet_nouvelle_version, name="nouvelle-version"),
    path("<int:pk>/historique/", views.projet_historique, name="historique"),
    path("<int:pk>/facile-a-lire/", views.projet_facile, name="falc"),
    path("<int:pk>/pdf/", views.projet_pdf_telecharger, name="pdf"),
    path(
        "<int:pk>/accords/<int:accord_pk>/document/",
        views.accord_document,
        name="accord-document",
    ),
]

if settings.BENCH_VIEWS:
    # Baselines of `make bench` (bench_views.py); `check --deploy` refuses this switch.
    from . import bench_views

    urlpatterns += [
        path("bench/projet/<int:pk>/", bench_views.projet, name="bench-projet"),
        path("bench/echeances/", bench_views.echeances, name="bench-echeances"),
    ]
