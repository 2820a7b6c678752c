from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from securite.rotation import rotate_all


class Command(BaseCommand):
    help = (
        "Rechiffre avec la clé active toutes les valeurs chiffrées sous une autre clé, par lots, "
        "sans arrêter le service."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        for label, count in rotate_all(batch_size=options["batch_size"]):
            self.stdout.write(f"{label} : {count} valeur(s) rechiffrée(s).")
        self.stdout.write(self.style.SUCCESS("Rotation terminée."))
