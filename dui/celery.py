"""The Celery application: workers push documents and run periodic jobs."""

import os
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dui.settings")

app = Celery("dui")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# The policy cache token of each running task (prefork: one at a time per process).
_jetons: dict[Any, Any] = {}


def _eager(sender: Any) -> bool:
    """An eager task runs inside its caller's connection, transaction and request."""
    request = getattr(sender, "request", None)
    return request is not None and bool(getattr(request, "is_eager", False))


@task_prerun.connect
@task_postrun.connect
def connexions_verifier(sender: Any = None, **kwargs: Any) -> None:
    """Around each task, what Django does around each request: close a database connection
    that is too old, broken or left in a transaction, keep the others (the workers reuse
    their connections: settings.CELERY_DB_REUSE_MAX)."""
    if _eager(sender):
        return
    from django.db import close_old_connections

    close_old_connections()


@task_prerun.connect
def cache_politique_ouvrir(sender: Any = None, **kwargs: Any) -> None:
    """A task is one unit of work, like a request: the facts of the access policy it asks
    for several times (the matrix row, the user's scope) are read once
    (securite/cache_requete.py)."""
    if _eager(sender):
        return
    from securite import cache_requete

    _jetons[kwargs.get("task_id")] = cache_requete.ouvrir()


@task_postrun.connect
def cache_politique_fermer(sender: Any = None, **kwargs: Any) -> None:
    jeton = _jetons.pop(kwargs.get("task_id"), None)
    if jeton is not None:
        from securite import cache_requete

        cache_requete.fermer(jeton)
