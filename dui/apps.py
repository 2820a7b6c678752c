from django.apps import AppConfig


class DuiConfig(AppConfig):
    name = "dui"
    verbose_name = "Organisation"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deploy checks)
