from typing import Any

from django.core.management.base import BaseCommand, CommandError

from securite.audit import audit_verify
from securite.models import EvenementAudit


class Command(BaseCommand):
    help = "Vérifie la chaîne d'audit : détecte toute ligne modifiée, supprimée ou déplacée."

    def handle(self, *args: Any, **options: Any) -> None:
        breaks = list(audit_verify())
        total = EvenementAudit.objects.count()
        for item in breaks:
            self.stderr.write(f"Ligne {item.row_id} : {item.reason}.")
        if breaks:
            raise CommandError(
                f"Chaîne d'audit rompue : {len(breaks)} anomalie(s) sur {total} lignes."
            )
        self.stdout.write(self.style.SUCCESS(f"Chaîne d'audit intègre ({total} lignes)."))
