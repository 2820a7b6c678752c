from celery import shared_task

from .purge import authentification_purge as purge


@shared_task
def authentification_purge() -> dict[str, int]:
    """Daily retention of authentication records (thin: see purge.py)."""
    return purge()
