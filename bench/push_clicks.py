"""The "clicks" of the push benchmark, in their own process (away from the peer's threads):
validate N documents at a steady rate, one transaction each, and print {uniqueId: time}.
Usage: push_clicks.py N RATE USAGER_ID ACTEUR_ID (environment of bench/push.py)."""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.db import transaction

    from interop.services import envoi_creer
    from securite.models import Utilisateur
    from tests.interop.peers.documents import cda_n1, nouvel_identifiant
    from usagers.models import Usager

    count, rate = int(sys.argv[1]), float(sys.argv[2])
    usager = Usager.objects.get(pk=int(sys.argv[3]))
    # As the web server loads the account of a request (securite UtilisateurBackend).
    acteur = Utilisateur.objects.select_related("professionnel").get(pk=int(sys.argv[4]))
    documents = [cda_n1(set_id=nouvel_identifiant()) for _ in range(count)]
    created: dict[str, float] = {}
    start = time.time()
    for position, (document, uid) in enumerate(documents):
        pause = start + position / rate - time.time()
        if pause > 0:
            time.sleep(pause)
        created[uid] = time.time()
        with transaction.atomic():
            envoi_creer(
                acteur=acteur,
                usager=usager,
                document_bytes=document,
                document_id=uid.rsplit(".", 1)[0],
                document_uid=uid,
                version=1,
                target="dmp",
                titre="Projet personnalisé",
            )
    print(json.dumps(created))


if __name__ == "__main__":
    main()
