from django.urls import path

from . import api

app_name = "usagers-api"

urlpatterns = [
    path("", api.UsagerListApi.as_view(), name="list"),
    path("recherche/", api.UsagerRechercheApi.as_view(), name="recherche"),
    path("<int:pk>/", api.UsagerDetailApi.as_view(), name="detail"),
    path("<int:pk>/justificatifs/", api.UsagerJustificatifApi.as_view(), name="justificatifs"),
    path("<int:pk>/insi/", api.UsagerInsiApi.as_view(), name="insi"),
    path("<int:pk>/insi/retenir/", api.UsagerInsiRetenirApi.as_view(), name="insi-retenir"),
    path("<int:pk>/sejours/", api.UsagerSejourApi.as_view(), name="sejours"),
    path(
        "<int:pk>/sejours/<int:sejour_pk>/sortie/",
        api.UsagerSejourSortieApi.as_view(),
        name="sejour-sortie",
    ),
    path("<int:pk>/entourage/", api.UsagerContactApi.as_view(), name="entourage"),
    path("<int:pk>/protection/", api.UsagerMesureApi.as_view(), name="protection"),
    path("<int:pk>/orientation/", api.UsagerDecisionApi.as_view(), name="orientation"),
    path("<int:pk>/evaluations/", api.UsagerEvaluationApi.as_view(), name="evaluations"),
    path("<int:pk>/fusion/", api.UsagerFusionApi.as_view(), name="fusion"),
    path("<int:pk>/dlu/", api.UsagerDluApi.as_view(), name="dlu"),
]
