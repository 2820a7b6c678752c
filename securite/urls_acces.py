from django.urls import path

from . import views_acces

app_name = "acces"

urlpatterns = [
    path("bris-de-glace/", views_acces.bris_de_glace, name="bris-de-glace"),
    path("usagers/<int:pk>/consultations/", views_acces.consultations, name="consultations"),
]
