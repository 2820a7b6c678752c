from django.apps import AppConfig


class AuthentificationConfig(AppConfig):
    name = "securite.authentification"
    label = "authentification"
    verbose_name = "Authentification"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the login and logout receivers
