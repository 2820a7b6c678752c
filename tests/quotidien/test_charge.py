"""Scale data of the daily support: the bench persons, and years of notes loaded in bulk with
real encryption (the bench decrypts what it shows)."""

import datetime

import pytest
from django.db import connection

from dui import demo_data
from tests.factories import SejourFactory, UtilisateurFactory
from usagers.quotidien.charge import (
    BENCH_ECRITURE_PK,
    BENCH_LEGER_PK,
    BENCH_LOURD_PK,
    NOTES_LOURD,
    notes_scale_build,
    quotidien_scale_build,
)
from usagers.quotidien.models import Observation, Transmission

TODAY = datetime.date(2026, 6, 1)


@pytest.fixture
def scale(db):
    return demo_data.scale_build(TODAY, etablissements=8, usagers=240)


def test_the_bench_persons_are_built_once_with_their_notes(scale):
    assert Transmission.objects.filter(usager_id=BENCH_LOURD_PK).count() == NOTES_LOURD[0]
    assert Observation.objects.filter(usager_id=BENCH_LOURD_PK).count() == NOTES_LOURD[1]
    assert sum(NOTES_LOURD) > 10_000
    leger = Transmission.objects.filter(usager_id=BENCH_LEGER_PK).count()
    leger += Observation.objects.filter(usager_id=BENCH_LEGER_PK).count()
    assert leger == 100
    assert not Transmission.objects.filter(usager_id=BENCH_ECRITURE_PK).exists()
    before = Transmission.objects.count()
    quotidien_scale_build(scale, TODAY)
    assert Transmission.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_years_of_notes_are_loaded_encrypted_and_indexed(world):
    """Committed data (the loader's processes have their own connections)."""
    UtilisateurFactory(organisme=world.organisme, username="bench.educateur")
    for _ in range(30):
        SejourFactory(unite=world.unite_a)
    rapport = notes_scale_build(world.organisme, total=100_000, processus=2)
    assert rapport.transmissions == Transmission.objects.count()
    assert rapport.observations == Observation.objects.count()
    assert rapport.transmissions > 45_000 and rapport.observations > 45_000
    assert rapport.lourdes == 1  # 12,000 notes: at most a quarter of the transmissions
    assert Transmission.objects.values("usager").distinct().count() == 30
    with connection.cursor() as cursor:
        cursor.execute("SELECT donnees FROM quotidien_transmission ORDER BY id DESC LIMIT 1")
        (stored,) = cursor.fetchone()
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename IN "
            "('quotidien_transmission', 'quotidien_observation')"
        )
        indexes = {row[0] for row in cursor.fetchall()}
    assert stored.startswith("enc:v1:")
    latest = Transmission.objects.order_by("-id").first()
    assert latest.donnees.endswith(".") and " a " in f" {latest.donnees}"
    assert {"transmission_fil", "observation_fil", "observation_courbe"} <= indexes
    assert not Observation.objects.filter(type="temperature", is_anormale=True, valeur__lte=37.9)
