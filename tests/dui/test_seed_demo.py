import datetime

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from dui import demo_data
from dui.models import Etablissement
from dui.validators import finess_validate
from securite.authentification.second_factor import totp_code_now
from securite.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_totp_key
from securite.models import Utilisateur
from usagers.models import Sejour, Usager


def test_demo_data_is_realistic_and_idempotent(db):
    call_command("seed_demo")
    call_command("seed_demo")
    assert Etablissement.objects.count() == 3
    assert 180 <= Usager.objects.count() <= 220
    for etablissement in Etablissement.objects.all():
        finess_validate(etablissement.finess)
    assert Utilisateur.objects.filter(
        username__in=[a.username for a in DEMO_ACCOUNTS]
    ).count() == len(DEMO_ACCOUNTS)
    # Occupancy is plausible: people present never exceed authorised places.
    today = datetime.date.today()
    for etablissement in Etablissement.objects.prefetch_related("capacites"):
        places = sum(c.places for c in etablissement.capacites.all())
        presents = (
            Sejour.objects.filter(etablissement=etablissement, date_entree__lte=today)
            .exclude(date_sortie__lt=today)
            .count()
        )
        assert 0 < presents <= places


def test_every_demo_account_logs_in_with_the_printed_password_and_code(db):
    call_command("seed_demo")
    for account in DEMO_ACCOUNTS:
        client = Client()
        assert client.login(username=account.username, password=DEMO_PASSWORD), account.username
        code = totp_code_now(demo_totp_key(account.username))
        client.post(reverse("securite:verification"), {"code": code})
        assert client.get("/").status_code == 200, account.username


def test_scale_data_is_built_in_bulk_with_the_requested_size(db):
    # Plus the three bench persons of the daily support (usagers/quotidien/charge.py).
    from usagers.quotidien.charge import BENCH_PERSONNES

    organisme = demo_data.scale_build(datetime.date(2026, 6, 1), etablissements=10, usagers=500)
    assert organisme.etablissements.count() == 10
    assert Usager.objects.filter(organisme=organisme).count() == 500 + len(BENCH_PERSONNES)
    assert Sejour.objects.filter(usager__organisme=organisme).count() == 500 + len(BENCH_PERSONNES)
    again = demo_data.scale_build(datetime.date(2026, 6, 1), etablissements=10, usagers=500)
    assert again == organisme
    assert Usager.objects.filter(organisme=organisme).count() == 500 + len(BENCH_PERSONNES)
