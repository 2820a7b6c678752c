"""Thin Celery tasks of the securite app."""

import logging

from celery import shared_task

from . import notifications
from .audit import audit_head

# Its own logger, to ship to a store the database administrator cannot rewrite (syslog…).
anchor_logger = logging.getLogger("dui.audit.ancre")


@shared_task(name="securite.tasks.bris_glace_notifier", acks_late=True)
def bris_glace_notifier(acces_id: int) -> int:
    """Tell the heads of service that a break-the-glass access was opened."""
    return notifications.bris_glace_notifier(acces_id)


@shared_task(name="securite.tasks.audit_anchor", acks_late=True)
def audit_anchor() -> str:
    """Write the head of the audit chain (id and hash: no personal data) to the log; check it
    later with `manage.py audit_verify --ancre ID:EMPREINTE`."""
    head = audit_head()
    if head is None:
        return ""
    line = f"{head[0]}:{head[1]}"
    anchor_logger.info("Tête du journal d'audit : %s", line)
    return line
