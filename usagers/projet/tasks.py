"""Periodic work of the support plan (thin: the services do the work)."""

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task
def projets_demarrer() -> int:
    """Start the validated plans whose start date has come (idempotent: a started plan is no
    longer "validé")."""
    return services.projets_demarrer(timezone.localdate())
