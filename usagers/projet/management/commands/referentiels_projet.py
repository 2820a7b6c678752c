from typing import Any

from django.core.management.base import BaseCommand

from usagers.projet.referentiels import referentiels_charger


class Command(BaseCommand):
    help = (
        "Met à jour SERAFIN-PH et les types de projet (TRE_R390) à partir des fichiers de "
        "usagers/projet/data (idempotent ; un code retiré est désactivé, jamais supprimé)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for code, bilan in referentiels_charger().items():
            self.stdout.write(
                f"{code} : {bilan.ajoutes} ajoutés, {bilan.mis_a_jour} mis à jour, "
                f"{bilan.desactives} désactivés, {bilan.total_actifs} en vigueur."
            )
