from django.urls import path

from . import views

app_name = "usagers"

urlpatterns = [
    path("", views.usager_list, name="list"),
    path("recherche/", views.usager_recherche, name="recherche"),
    path("admission/", views.admission_identite, name="admission"),
    path("admission/sejour/", views.admission_sejour, name="admission-sejour"),
    path("<int:pk>/", views.usager_detail, name="detail"),
    path("<int:pk>/photo/", views.usager_photo, name="photo"),
    path("<int:pk>/identite/", views.usager_modifier, name="modifier"),
    path(
        "<int:pk>/admission/justificatif/",
        views.admission_justificatif,
        name="admission-justificatif",
    ),
    path("<int:pk>/admission/insi/", views.admission_insi, name="admission-insi"),
    path("<int:pk>/sejours/nouveau/", views.sejour_creer, name="sejour-creer"),
    path("<int:pk>/sejours/<int:sejour_pk>/sortie/", views.sejour_cloturer, name="sejour-cloturer"),
    path("<int:pk>/entourage/nouveau/", views.contact_editer, name="contact-creer"),
    path("<int:pk>/entourage/<int:contact_pk>/", views.contact_editer, name="contact-modifier"),
    path("<int:pk>/protection/nouvelle/", views.mesure_editer, name="mesure-creer"),
    path("<int:pk>/protection/<int:mesure_pk>/", views.mesure_editer, name="mesure-modifier"),
    path("<int:pk>/orientation/nouvelle/", views.decision_creer, name="decision-creer"),
    path("<int:pk>/evaluations/nouvelle/", views.evaluation_creer, name="evaluation-creer"),
    path("<int:pk>/fusion/", views.usager_fusionner, name="fusion"),
    path("<int:pk>/dlu/", views.dlu_detail, name="dlu"),
    path("<int:pk>/dlu/modifier/", views.dlu_modifier, name="dlu-modifier"),
]
