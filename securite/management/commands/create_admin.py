import getpass
from pathlib import Path
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from dui.models import Organisme
from securite.models import TypeCompte, Utilisateur


class Command(BaseCommand):
    help = (
        "Crée un administrateur technique (le seul type de compte admis sur le site "
        "d'administration). Le second facteur s'enrôle à la première connexion. "
        "`createsuperuser` crée un compte professionnel, que le site d'administration refuse."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--organisme",
            help="Identifiant (pk) de l'organisme administré ; sans lui, toute l'installation.",
        )
        parser.add_argument(
            "--password-file",
            help="Fichier contenant le mot de passe (sinon il est demandé deux fois).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"].strip()
        if Utilisateur.objects.filter(username=username).exists():
            raise CommandError(f"Le compte « {username} » existe déjà.")
        organisme = None
        if options["organisme"]:
            organisme = Organisme.objects.filter(pk=options["organisme"]).first()
            if organisme is None:
                raise CommandError(f"Organisme inconnu : {options['organisme']}.")
        user = Utilisateur(
            username=username,
            email=options["email"],
            organisme=organisme,
            type_compte=TypeCompte.TECHNIQUE,
            is_staff=True,
            is_superuser=True,
        )
        password = self._password(options["password_file"])
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user.set_password(password)
        with transaction.atomic():
            user.full_clean()
            user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Administrateur technique « {username} » créé. À la première connexion, "
                "il enrôle son second facteur (application TOTP ou clé d'accès)."
            )
        )

    def _password(self, path: str | None) -> str:
        if path:
            return Path(path).read_text(encoding="utf-8").strip()
        first = getpass.getpass("Mot de passe (16 caractères au moins) : ")
        if first != getpass.getpass("Mot de passe (à nouveau) : "):
            raise CommandError("Les deux saisies diffèrent.")
        return first
