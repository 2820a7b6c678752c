"""SQL queries per request of each bench page, counted in-process with Django's test client.

Run by bench/run.py with the bench environment (DJANGO_SETTINGS_MODULE, DATABASE_URL of the
bench database, ...). Prints one JSON object: figures only, never a row of data.
"""

import json
import sys

import django
from pages import PAGES


def main() -> None:
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from dui.demo_data import BENCH_PASSWORD, SCALE_ORGANISME
    from dui.models import Etablissement
    from securite.authentification.testing import client_verify
    from securite.models import Utilisateur
    from usagers.models import Usager

    # Lets the test client's "testserver" host through ALLOWED_HOSTS.
    setup_test_environment()
    clients: dict[str | None, Client] = {None: Client()}
    queries: dict[str, int] = {}
    for page in PAGES:
        if page.username not in clients:
            user = Utilisateur.objects.filter(username=page.username).first()
            if user is None or not user.check_password(BENCH_PASSWORD):
                sys.exit(f"Connexion impossible pour {page.username} : lancez seed_demo --scale.")
            clients[page.username] = client_verify(Client(), user)
        client = clients[page.username]

        # The first request loads templates and caches; the second one is the steady state.
        def call(page=page, client=client):  # type: ignore[no-untyped-def]
            if page.form:
                return client.post(page.url, dict(page.form))
            return client.get(page.url)

        call()
        with CaptureQueriesContext(connection) as captured:
            response = call()
        if response.status_code != 200:
            sys.exit(f"{page.name} : {page.method} {page.url} a répondu {response.status_code}.")
        queries[page.name] = len(captured)
    dataset = {
        "etablissements": Etablissement.objects.filter(organisme__nom=SCALE_ORGANISME).count(),
        "usagers": Usager.objects.filter(organisme__nom=SCALE_ORGANISME).count(),
    }
    print(json.dumps({"queries": queries, "dataset": dataset}))


if __name__ == "__main__":
    main()
