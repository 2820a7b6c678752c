from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from usagers.quotidien import urls as quotidien_urls

from . import api, views

api_patterns: list[URLPattern | URLResolver] = [
    path("etablissements/", api.EtablissementListApi.as_view(), name="api-etablissement-list"),
    path(
        "etablissements/<int:pk>/",
        api.EtablissementDetailApi.as_view(),
        name="api-etablissement-detail",
    ),
    path("moi/", api.MoiApi.as_view(), name="api-moi"),
    path("usagers/", include("usagers.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="dui:api-schema"), name="api-docs"),
]

dui_patterns: list[URLPattern | URLResolver] = [
    path("", views.accueil, name="accueil"),
    path("etablissements/", views.etablissement_list, name="etablissement-list"),
    path("etablissements/nouveau/", views.etablissement_create, name="etablissement-create"),
    path("etablissements/<int:pk>/", views.etablissement_detail, name="etablissement"),
    path("sante/", views.sante, name="sante"),
    path("api/", include(api_patterns)),
]

urlpatterns = [
    path("", include((dui_patterns, "dui"))),
    path("", include("securite.urls")),
    path("acces/", include("securite.urls_acces")),
    path("quotidien/", include(quotidien_urls)),
    path("api/quotidien/", include((quotidien_urls.api_urlpatterns, "quotidien-api"))),
    path("usagers/", include("usagers.urls")),
    path("projets/", include("usagers.projet.urls")),
    path("api/projets/", include("usagers.projet.api_urls")),
    path("", include("interop.documents.urls")),
    path("", include("interop.urls")),
    path("fhir/", include("interop.fhir_api.urls")),
    path("admin/", admin.site.urls),
]

if settings.BENCH_VIEWS:
    # Baselines of `make bench` (dui/bench_views.py); `check --deploy` refuses this switch.
    from . import bench_views

    urlpatterns.append(path("bench/", include((bench_views.urlpatterns, "bench"))))
