"""Thin Celery tasks of the securite app."""

from celery import shared_task

from . import notifications


@shared_task(name="securite.tasks.bris_glace_notifier", acks_late=True)
def bris_glace_notifier(acces_id: int) -> int:
    """Tell the heads of service that a break-the-glass access was opened."""
    return notifications.bris_glace_notifier(acces_id)
