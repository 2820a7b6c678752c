"""Periodic jobs of the organisation app."""

from celery import shared_task
from django.utils import timezone

from .models import WorkerHeartbeat


@shared_task(name="dui.tasks.worker_heartbeat", bind=True)
def worker_heartbeat(self) -> str:  # type: ignore[no-untyped-def]
    """Record that a worker is alive and consuming the queue (read by /sante/)."""
    hostname = self.request.hostname or "inconnu"
    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname, defaults={"seen_at": timezone.now()}
    )
    return hostname
