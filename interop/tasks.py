"""Thin Celery tasks of the outbox: they take ids and call a service; each can run twice
without delivering twice (interop.services.envoi_executer claims the row under a lock)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(
    name="interop.tasks.envoi_executer",
    bind=True,
    acks_late=True,
    # The database is down at the start of the task: try again through the broker; the
    # sweeper is the net if the broker is down too.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=20,
)
def envoi_executer(self, envoi_id: int) -> str:  # type: ignore[no-untyped-def]
    """Deliver one document version (DMP or MSSanté)."""
    return services.envoi_executer(
        envoi_id, task_id=self.request.id or "", worker=self.request.hostname or ""
    )


@shared_task(name="interop.tasks.envois_relancer", acks_late=True)
def envois_relancer() -> int:
    """The sweeper: queue again what a broker or worker failure left behind, and the retries
    that fell due."""
    return services.envois_relancer()


@shared_task(name="interop.tasks.mss_boite_relever", acks_late=True)
def mss_boite_relever() -> int:
    """Read the MSSanté application mailbox and hand the documents to the received flow."""
    return services.mss_boite_relever()
