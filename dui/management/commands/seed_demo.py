from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from dui import demo_data
from usagers.models import Usager


class Command(BaseCommand):
    help = (
        "Charge l'association de démonstration (idempotent). Avec --scale, construit en plus "
        "une association de 100 établissements et 20 000 usagers pour les mesures de charge."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", action="store_true", help="données de charge")
        parser.add_argument("--etablissements", type=int, default=100)
        parser.add_argument("--usagers", type=int, default=20_000)

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        started = timezone.now()
        organisme = demo_data.demo_build(today)
        self.stdout.write(
            f"Démonstration : {organisme.nom}, "
            f"{Usager.objects.filter(organisme=organisme).count()} usagers."
        )
        if options["scale"]:
            scale = demo_data.scale_build(
                today, etablissements=options["etablissements"], usagers=options["usagers"]
            )
            self.stdout.write(
                f"Charge : {scale.nom}, {scale.etablissements.count()} établissements, "
                f"{Usager.objects.filter(organisme=scale).count()} usagers."
            )
        elapsed = (timezone.now() - started).total_seconds()
        self.stdout.write(self.style.SUCCESS(f"Terminé en {elapsed:.1f} s."))
