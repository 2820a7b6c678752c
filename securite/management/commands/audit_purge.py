from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from securite.audit import audit_purge


class Command(BaseCommand):
    help = (
        "Supprime les lignes d'audit plus anciennes que AUDIT_RETENTION_JOURS, en gardant la "
        "chaîne vérifiable."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.AUDIT_RETENTION_JOURS <= 0:
            self.stdout.write("Rétention illimitée : rien à purger.")
            return
        before = timezone.now() - timedelta(days=settings.AUDIT_RETENTION_JOURS)
        deleted = audit_purge(before=before)
        self.stdout.write(f"{deleted} ligne(s) purgée(s).")
