from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from securite.audit import audit_verify
from securite.models import EvenementAudit


class Command(BaseCommand):
    help = "Vérifie la chaîne d'audit : détecte toute ligne modifiée, supprimée ou déplacée."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--ancre",
            action="append",
            default=[],
            metavar="ID:EMPREINTE",
            help="Tête du journal relevée hors de la base (journal « dui.audit.ancre ») ; "
            "répétable. Détecte la suppression des dernières lignes.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchors = []
        for value in options["ancre"]:
            ident, _, digest = value.partition(":")
            if not ident.isdigit() or len(digest) != 64:
                raise CommandError(f"Ancre mal formée : « {value} » (attendu ID:EMPREINTE).")
            anchors.append((int(ident), digest))
        breaks = list(audit_verify(anchors=anchors))
        total = EvenementAudit.objects.count()
        for item in breaks:
            self.stderr.write(f"Ligne {item.row_id} : {item.reason}.")
        if breaks:
            raise CommandError(
                f"Chaîne d'audit rompue : {len(breaks)} anomalie(s) sur {total} lignes."
            )
        self.stdout.write(self.style.SUCCESS(f"Chaîne d'audit intègre ({total} lignes)."))
