"""Pages (namespace "quotidien", under /quotidien/) and API (namespace "quotidien-api", under
/api/quotidien/) of the daily support."""

from django.conf import settings
from django.urls import URLPattern, path

from . import api, views

app_name = "quotidien"

urlpatterns: list[URLPattern] = [
    path("releve/", views.releve, name="releve"),
    path("usagers/<int:pk>/", views.usager_fil, name="fil"),
    path(
        "usagers/<int:pk>/transmissions/nouvelle/",
        views.transmission_nouvelle,
        name="transmission-nouvelle",
    ),
    path(
        "transmissions/<int:pk>/complement/",
        views.transmission_complement,
        name="transmission-complement",
    ),
    path("usagers/<int:pk>/constantes/", views.observations, name="observations"),
    path(
        "usagers/<int:pk>/constantes/saisie/",
        views.observations_saisie,
        name="observations-saisie",
    ),
    path("usagers/<int:pk>/absences/nouvelle/", views.absence_nouvelle, name="absence-nouvelle"),
    path("absences/<int:pk>/", views.absence_modifier, name="absence"),
    path("usagers/<int:pk>/presence/", views.presence_saisie, name="presence"),
    path("unites/<int:pk>/semaine/", views.agenda_semaine, name="semaine"),
    path("unites/<int:pk>/evenements/nouveau/", views.evenement_nouveau, name="evenement-nouveau"),
    path("evenements/<int:pk>/", views.evenement_detail, name="evenement"),
    path("evenements/<int:pk>/deplacer/", views.evenement_deplacer, name="evenement-deplacer"),
    path("incidents/", views.incident_list, name="incidents"),
    path("incidents/nouveau/", views.incident_nouveau, name="incident-nouveau"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident"),
    path(
        "incidents/<int:pk>/signalement/",
        views.incident_signalement,
        name="incident-signalement",
    ),
]

if settings.BENCH_VIEWS:
    # Baselines of `make bench` (bench_views.py); `check --deploy` refuses this switch.
    from . import bench_views

    urlpatterns += [
        path("bench/fil/<int:pk>/", bench_views.fil, name="bench-fil"),
        path("bench/ma-journee/", bench_views.ma_journee, name="bench-ma-journee"),
    ]

api_urlpatterns: list[URLPattern] = [
    path("ma-journee/", api.MaJourneeApi.as_view(), name="ma-journee"),
    path("usagers/<int:pk>/chronologie/", api.ChronologieApi.as_view(), name="chronologie"),
    path(
        "usagers/<int:pk>/transmissions/", api.TransmissionListApi.as_view(), name="transmissions"
    ),
    path("transmissions/<int:pk>/", api.TransmissionDetailApi.as_view(), name="transmission"),
    path(
        "transmissions/<int:pk>/complements/",
        api.ComplementApi.as_view(),
        name="transmission-complements",
    ),
    path("usagers/<int:pk>/observations/", api.ObservationApi.as_view(), name="observations"),
    path("usagers/<int:pk>/absences/", api.AbsenceApi.as_view(), name="absences"),
    path("absences/<int:pk>/", api.AbsenceDetailApi.as_view(), name="absence"),
    path("usagers/<int:pk>/agenda/", api.AgendaApi.as_view(), name="agenda"),
    path("usagers/<int:pk>/presences/", api.PresenceApi.as_view(), name="presences"),
    path("unites/<int:pk>/semaine/", api.SemaineApi.as_view(), name="semaine"),
    path(
        "etablissements/<int:pk>/presences/",
        api.PresenceTotauxApi.as_view(),
        name="presence-totaux",
    ),
    path("evenements/", api.EvenementListApi.as_view(), name="evenements"),
    path("evenements/<int:pk>/", api.EvenementDetailApi.as_view(), name="evenement"),
    path("incidents/", api.IncidentListApi.as_view(), name="incidents"),
    path("incidents/<int:pk>/", api.IncidentDetailApi.as_view(), name="incident"),
    path("incidents/<int:pk>/etapes/", api.IncidentEtapeApi.as_view(), name="incident-etapes"),
]
