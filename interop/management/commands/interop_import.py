"""Integrate a received CDA document or HL7 v2 message, as the MSSanté or hospital feed
would: matched to the person, put in the review queue, or quarantined with the reason.

    python manage.py interop_import FILE --utilisateur LOGIN
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from interop.documents.selectors import is_identitovigilance
from interop.documents.services import fichier_recu_integrer
from securite.models import Utilisateur


class Command(BaseCommand):
    help = "Intègre un document CDA ou un message HL7 v2 reçu."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("fichier")
        parser.add_argument("--utilisateur", required=True, help="identifiant de l'opérateur")

    def handle(self, *args: Any, **options: Any) -> None:
        user = Utilisateur.objects.filter(username=options["utilisateur"], is_active=True).first()
        if user is None:
            raise CommandError(f"Utilisateur « {options['utilisateur']} » inconnu ou inactif.")
        if not is_identitovigilance(user) or user.organisme is None:
            raise CommandError(
                "Cet utilisateur ne peut pas intégrer de documents reçus (rôles : secrétariat, "
                "médecin, chef de service, direction)."
            )
        path = Path(options["fichier"])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        resultat = fichier_recu_integrer(
            contenu=path.read_bytes(), nom_fichier=path.name, organisme=user.organisme, acteur=user
        )
        if resultat.statut == "quarantaine":
            raise CommandError(f"{resultat.message} (conservé en quarantaine)")
        self.stdout.write(resultat.message)
