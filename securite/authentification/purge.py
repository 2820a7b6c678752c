"""Retention of authentication records."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import LoginEvent, LoginThrottle
from .sessions import sessions_purge


def authentification_purge() -> dict[str, int]:
    """Delete journal rows past LOGIN_JOURNAL_RETENTION_JOURS, throttles whose failures are
    forgotten and whose lock is over, and index rows of sessions past their lifetime."""
    now = timezone.now()
    journal, _ = LoginEvent.objects.filter(
        created_at__lt=now - timedelta(days=settings.LOGIN_JOURNAL_RETENTION_JOURS)
    ).delete()
    throttles, _ = (
        LoginThrottle.objects.filter(
            last_failure_at__lt=now - timedelta(seconds=settings.LOGIN_LOCK_MEMORY)
        )
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .delete()
    )
    return {"journal": journal, "verrous": throttles, "sessions": sessions_purge()}
