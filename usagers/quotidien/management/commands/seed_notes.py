import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from dui.demo_data import SCALE_ORGANISME
from dui.models import Organisme
from usagers.quotidien.charge import notes_scale_build


class Command(BaseCommand):
    help = (
        "Charge des années de transmissions (chiffrées) et d'observations pour l'association "
        "de charge (`seed_demo --scale` d'abord). Idempotent : ne refait rien si les notes sont "
        "déjà là. PostgreSQL seulement. Exemple : `manage.py seed_notes --notes 20000000`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--notes", type=int, default=20_000_000, help="transmissions + observations"
        )
        parser.add_argument("--processus", type=int, default=os.cpu_count() or 2)

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("seed_notes charge PostgreSQL (COPY, generate_series).")
        organisme = Organisme.objects.filter(nom=SCALE_ORGANISME).first()
        if organisme is None:
            raise CommandError("Lancez d'abord `manage.py seed_demo --scale`.")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT COALESCE(SUM(reltuples), 0)::bigint FROM pg_class "
                "WHERE relname IN ('quotidien_transmission', 'quotidien_observation')"
            )
            (present,) = cursor.fetchone()
        if present >= options["notes"] * 0.9:
            self.stdout.write(f"Notes déjà présentes (environ {present:,}) : rien à faire.")
            return
        rapport = notes_scale_build(
            organisme,
            total=options["notes"],
            processus=options["processus"],
            log=lambda message: self.stdout.write(message),
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{rapport.transmissions:,} transmissions et {rapport.observations:,} observations "
                f"en {rapport.secondes:.0f} s ; {rapport.octets / 2**30:.1f} Gio sur disque "
                f"(tables et index) ; {rapport.lourdes} personnes à plus de 10 000 notes."
            )
        )
