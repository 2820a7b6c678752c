from django.urls import path

from . import api

app_name = "projet-api"

urlpatterns = [
    path("", api.ProjetListApi.as_view(), name="list"),
    path("echeances/", api.EcheancesApi.as_view(), name="echeances"),
    path("serafin/", api.SerafinApi.as_view(), name="serafin"),
    path("<int:pk>/", api.ProjetDetailApi.as_view(), name="detail"),
    path("<int:pk>/statut/", api.ProjetTransitionApi.as_view(), name="transition"),
    path(
        "<int:pk>/nouvelle-version/",
        api.ProjetNouvelleVersionApi.as_view(),
        name="nouvelle-version",
    ),
    path("<int:pk>/besoins/", api.BesoinCreateApi.as_view(), name="besoins"),
    path("<int:pk>/objectifs/", api.ObjectifListApi.as_view(), name="objectifs"),
    path("<int:pk>/accords/", api.AccordCreateApi.as_view(), name="accords"),
    path("<int:pk>/bilans/", api.BilanCreateApi.as_view(), name="bilans"),
    path("objectifs/<int:pk>/evaluations/", api.EvaluationCreateApi.as_view(), name="evaluations"),
]
