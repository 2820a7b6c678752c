from django.urls import path

from . import views

app_name = "fhir"

urlpatterns = [
    path("metadata", views.MetadataView.as_view(), name="metadata"),
    path("Patient", views.PatientSearchView.as_view(), name="patient-search"),
    path("Patient/_search", views.PatientSearchView.as_view(), name="patient-search-post"),
    path("Patient/<str:id>", views.PatientReadView.as_view(), name="patient-read"),
]
