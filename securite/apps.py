from django.apps import AppConfig


class SecuriteConfig(AppConfig):
    name = "securite"
    verbose_name = "Sécurité"
