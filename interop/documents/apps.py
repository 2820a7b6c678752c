from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "interop.documents"
    label = "documents"
    verbose_name = "Documents reçus"
