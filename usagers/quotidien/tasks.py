"""Thin Celery tasks of the daily support: ids in, a service or a notification called."""

from celery import shared_task
from django.utils import timezone

from . import notifications


@shared_task(name="usagers.quotidien.tasks.incident_notifier", acks_late=True)
def incident_notifier(incident_id: int) -> int:
    """Tell the heads of service and directors that an adverse event was declared."""
    return notifications.incident_notifier(incident_id)


@shared_task(name="usagers.quotidien.tasks.eigs_relancer", acks_late=True)
def eigs_relancer() -> int:
    """Periodic (celery beat): send the EIGS reminders that are due (idempotent)."""
    from .services import eigs_relances_envoyer  # services import this module

    return eigs_relances_envoyer()


@shared_task(name="usagers.quotidien.tasks.presences_deriver", acks_late=True)
def presences_deriver() -> int:
    """Periodic (celery beat): store today's derived presence (idempotent)."""
    from .services import presences_deriver as deriver

    return deriver(jour=timezone.localdate())
