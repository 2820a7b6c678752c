"""List and search pages (and their API) leave one reading per person displayed, in a
constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from securite.models import AuditAction, EvenementAudit
from tests.factories import SejourFactory

pytestmark = pytest.mark.django_db


def _readings(user, objet_type):
    return set(
        EvenementAudit.objects.filter(
            acteur=user, action=AuditAction.LECTURE, objet_type=objet_type
        ).values_list("usager_id", flat=True)
    )


@pytest.fixture
def api_for():
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


def test_the_list_page_records_a_reading_per_person_displayed(world, educateur, client_for):
    mine = {SejourFactory(unite=world.unite_a).usager.pk for _ in range(3)}
    SejourFactory(unite=world.unite_ime)  # out of the educator's scope
    response = client_for(educateur).get(reverse("usagers:list"))
    assert response.status_code == 200
    assert _readings(educateur, "usagers.liste") == mine
    row = EvenementAudit.objects.filter(objet_type="usagers.liste").first()
    assert row.categorie == "administratif"


def test_the_list_page_costs_the_same_queries_for_2_or_8_people(world, educateur, client_for):
    client = client_for(educateur)
    counts = []
    for extra in (2, 6):
        for _ in range(extra):
            SejourFactory(unite=world.unite_a)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("usagers:list"))
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_list_api_records_a_reading_per_person_listed(world, educateur, api_for):
    mine = {SejourFactory(unite=world.unite_a).usager.pk for _ in range(2)}
    SejourFactory(unite=world.unite_ime)
    assert api_for(educateur).get("/api/usagers/").status_code == 200
    assert _readings(educateur, "usagers.liste") == mine


def test_search_results_record_a_reading_per_person_found(world, secretaire, client_for, api_for):
    usager = SejourFactory(unite=world.unite_a).usager
    client_for(secretaire).post(reverse("usagers:recherche"), {"texte": "helene"})
    assert _readings(secretaire, "usagers.recherche.resultat") == {usager.pk}
    api_for(secretaire).post("/api/usagers/recherche/", {"texte": "helene"}, format="json")
    assert (
        EvenementAudit.objects.filter(
            acteur=secretaire, objet_type="usagers.recherche.resultat", usager=usager
        ).count()
        == 2
    )
