"""System checks run by `manage.py check --deploy`."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def demo_mode_check(app_configs: Any, **kwargs: Any) -> list[Error]:
    """The demo switch shows demo credentials: it must never reach production."""
    errors = []
    if settings.DEMO_MODE:
        errors.append(
            Error(
                "DUI_DEMO_MODE est activé : les comptes de démonstration et leurs secrets "
                "seraient exposés.",
                hint="Retirez DUI_DEMO_MODE de l'environnement de production.",
                id="dui.E001",
            )
        )
    if settings.BENCH_VIEWS:
        errors.append(
            Error(
                "DUI_BENCH_VIEWS est activé : les vues de mesure ne doivent pas être servies "
                "en production.",
                id="dui.E002",
            )
        )
    if settings.CELERY_TASK_ALWAYS_EAGER:
        errors.append(
            Error(
                "CELERY_TASK_ALWAYS_EAGER est activé : les tâches ne passeraient pas par les "
                "workers.",
                id="dui.E003",
            )
        )
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        errors.append(
            Error(
                "La production exige PostgreSQL (DATABASE_URL=postgres://…).",
                id="dui.E004",
            )
        )
    if not settings.DUI_ENCRYPTION_KEYS:
        errors.append(
            Error(
                "Aucune clé de chiffrement au repos (DUI_ENCRYPTION_KEYS ou "
                "DUI_ENCRYPTION_KEYS_FILE).",
                id="dui.E005",
            )
        )
    return errors
