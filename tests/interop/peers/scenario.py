"""Run inside a separate process against another database (the private PostgreSQL of the
fault tests): `python -m tests.interop.peers.scenario creer N USAGER_ID ACTEUR_ID` validates
N documents (one transaction each, like N plans validated) and prints their ids as JSON."""

import json
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.db import transaction

    from interop.models import Cible
    from interop.services import envoi_creer
    from securite.models import Utilisateur
    from usagers.models import Usager

    from .documents import cda_n1, nouvel_identifiant

    _, command, count, usager_id, acteur_id = sys.argv
    assert command == "creer"
    usager = Usager.objects.get(pk=int(usager_id))
    acteur = Utilisateur.objects.get(pk=int(acteur_id))
    created = []
    for _ in range(int(count)):
        set_id = nouvel_identifiant()
        document, uid = cda_n1(set_id=set_id)
        with transaction.atomic():
            envoi = envoi_creer(
                acteur=acteur,
                usager=usager,
                document_bytes=document,
                document_id=set_id,
                document_uid=uid,
                version=1,
                target=Cible.DMP,
                titre="Projet personnalisé d'accompagnement",
            )
        created.append({"id": envoi.pk, "uid": uid})
    print(json.dumps(created))


if __name__ == "__main__":
    main()
