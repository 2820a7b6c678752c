"""Demo data of the daily support: three realistic weeks, built once."""

import time

from django.core.management import call_command
from django.utils import timezone

from dui.models import Organisme
from securite.models import Utilisateur
from usagers.quotidien.demo import quotidien_demo_build
from usagers.quotidien.models import (
    Evenement,
    EvenementIndesirable,
    Observation,
    Presence,
    Transmission,
)


def test_the_demo_association_gets_weeks_of_daily_life_once(db, client_for):
    call_command("seed_demo")
    counts = [
        Transmission.objects.count(),
        Observation.objects.count(),
        Evenement.objects.count(),
        EvenementIndesirable.objects.count(),
        Presence.objects.count(),
    ]
    assert counts[0] > 2000 and counts[1] > 500 and counts[2] > 50 and counts[3] == 3
    assert Presence.objects.filter(jour=timezone.localdate(), statut="absent").exists()
    started = time.monotonic()
    quotidien_demo_build(Organisme.objects.get(nom__startswith="Association"), timezone.localdate())
    assert time.monotonic() - started < 1  # idempotent: nothing rebuilt
    assert counts[0] == Transmission.objects.count()
    # The demo notes decrypt with the demo keys, and an educator never gets a medical one.
    educateur = Utilisateur.objects.get(username="educateur")
    infirmier = Utilisateur.objects.get(username="infirmier")
    home = client_for(infirmier).get("/")
    assert home.status_code == 200
    assert home.context["journee"].alertes  # the fever of this morning
    journee = client_for(educateur).get("/").context["journee"]
    assert journee.transmissions
    assert all(t.categorie != "medical" for t in journee.transmissions)
