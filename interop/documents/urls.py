from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("usagers/<int:pk>/documents/", views.usager_documents, name="usager-documents"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/<int:pk>/pdf/", views.document_pdf, name="document-pdf"),
    path("documents/quarantaine/", views.quarantaine, name="quarantaine"),
    path("documents/rapprochements/", views.rapprochements, name="rapprochements"),
]
