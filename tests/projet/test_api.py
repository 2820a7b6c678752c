"""REST API of the support plan: access through the policy, bad input answered 400 with French
field errors and nothing saved."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from securite.models import AuditAction, EvenementAudit
from usagers.projet.models import Objectif, ProjetPersonnalise


@pytest.fixture
def api_for():
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


def test_create_a_plan_then_a_need_then_an_objective(api_for, educateur, resident):
    api = api_for(educateur)
    response = api.post(
        reverse("projet-api:list"),
        {
            "usager": resident.pk,
            "type_projet": "PPA",
            "titre": "Projet 2025",
            "date_debut": "2025-02-01",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    projet_id = response.json()["id"]
    assert response.json()["identifiant_tddui"].endswith(f"-PPER-{projet_id}")
    besoin = api.post(
        reverse("projet-api:besoins", args=[projet_id]), {"code": "1.3.3.1"}, format="json"
    )
    assert besoin.status_code == 201
    objectif = api.post(
        reverse("projet-api:objectifs", args=[projet_id]),
        {
            "besoin": besoin.json()["id"],
            "titre": "Aller à l'école trois matinées",
            "priorite": "haute",
        },
        format="json",
    )
    assert objectif.status_code == 201
    listed = api.get(reverse("projet-api:objectifs", args=[projet_id]))
    assert [o["titre"] for o in listed.json()] == ["Aller à l'école trois matinées"]


def test_objective_without_a_need_is_400_with_a_field_error(api_for, educateur, brouillon):
    response = api_for(educateur).post(
        reverse("projet-api:objectifs", args=[brouillon.pk]), {"titre": "Lire"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["besoin"] == [
        "Un objectif répond à un besoin : choisissez le besoin auquel il répond."
    ]
    assert Objectif.objects.filter(projet=brouillon).count() == 1


def test_unknown_serafin_code_is_400(api_for, educateur, brouillon):
    response = api_for(educateur).post(
        reverse("projet-api:besoins", args=[brouillon.pk]), {"code": "4.1"}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": ["Le code SERAFIN-PH « 4.1 » n'existe pas dans la nomenclature."]
    }


def test_validation_without_agreement_is_400(api_for, educateur, brouillon):
    api = api_for(educateur)
    url = reverse("projet-api:transition", args=[brouillon.pk])
    assert api.post(url, {"vers": "concertation"}, format="json").status_code == 200
    response = api.post(url, {"vers": "valide"}, format="json")
    assert response.status_code == 400
    assert "accords" in response.json()
    brouillon.refresh_from_db()
    assert brouillon.statut == "concertation"


def test_refused_transition_is_400(api_for, educateur, brouillon):
    response = api_for(educateur).post(
        reverse("projet-api:transition", args=[brouillon.pk]), {"vers": "clos"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["statut"] == ["Passage impossible de « Brouillon » à « Clos »."]


def test_second_active_plan_of_the_same_type_is_400(api_for, educateur, brouillon, resident):
    response = api_for(educateur).post(
        reverse("projet-api:list"),
        {"usager": resident.pk, "type_projet": "PPA", "titre": "Doublon"},
        format="json",
    )
    assert response.status_code == 400
    assert "type_projet" in response.json()


def test_evaluation_before_the_plan_starts_is_400(api_for, educateur, en_cours):
    objectif = en_cours.objectifs.get()
    api = api_for(educateur)
    url = reverse("projet-api:evaluations", args=[objectif.pk])
    response = api.post(url, {"date": "2024-12-01", "resultat": "atteint"}, format="json")
    assert response.status_code == 400
    assert "date" in response.json()
    response = api.post(url, {"date": "2025-05-01", "resultat": "atteint"}, format="json")
    assert response.status_code == 201


def test_agreements_and_validation_through_the_api(api_for, educateur, chef_service, brouillon):
    api = api_for(educateur)
    api.post(reverse("projet-api:transition", args=[brouillon.pk]), {"vers": "concertation"})
    today = datetime.date.today().isoformat()
    assert (
        api.post(
            reverse("projet-api:accords", args=[brouillon.pk]),
            {"partie": "usager", "forme": "oral", "date": today, "temoin": "M. Blanc"},
            format="json",
        ).status_code
        == 201
    )
    refused = api.post(
        reverse("projet-api:accords", args=[brouillon.pk]),
        {"partie": "structure", "forme": "validation", "date": today},
        format="json",
    )
    assert refused.status_code == 400 and "partie" in refused.json()
    assert (
        api_for(chef_service)
        .post(
            reverse("projet-api:accords", args=[brouillon.pk]),
            {"partie": "structure", "forme": "validation", "date": today},
            format="json",
        )
        .status_code
        == 201
    )
    response = api.post(reverse("projet-api:transition", args=[brouillon.pk]), {"vers": "valide"})
    assert response.status_code == 200 and response.json()["statut"] == "en_cours"


def test_reading_a_plan_is_audited_and_out_of_scope_is_404(
    api_for, educateur, educateur_ailleurs, brouillon, resident
):
    assert (
        api_for(educateur).get(reverse("projet-api:detail", args=[brouillon.pk])).status_code == 200
    )
    assert EvenementAudit.objects.filter(
        acteur=educateur, action=AuditAction.LECTURE, usager=resident
    ).exists()
    response = api_for(educateur_ailleurs).get(reverse("projet-api:detail", args=[brouillon.pk]))
    assert response.status_code == 404
    assert EvenementAudit.objects.filter(
        acteur=educateur_ailleurs, action=AuditAction.REFUS
    ).exists()


def test_a_reader_who_may_not_edit_gets_403(api_for, infirmier, brouillon):
    response = api_for(infirmier).post(
        reverse("projet-api:besoins", args=[brouillon.pk]), {"code": "1.1.3"}, format="json"
    )
    assert response.status_code == 403


def test_list_is_what_the_policy_allows(api_for, educateur, educateur_ime, brouillon, resident):
    ids = [p["id"] for p in api_for(educateur).get(reverse("projet-api:list")).json()["results"]]
    assert ids == [brouillon.pk]
    assert api_for(educateur_ime).get(reverse("projet-api:list")).json()["results"] == []
    filtered = api_for(educateur).get(reverse("projet-api:list"), {"usager": resident.pk})
    assert [p["id"] for p in filtered.json()["results"]] == [brouillon.pk]


def test_new_version_through_the_api(api_for, educateur, en_cours):
    response = api_for(educateur).post(reverse("projet-api:nouvelle-version", args=[en_cours.pk]))
    assert response.status_code == 201
    assert response.json()["version"] == 2
    assert response.json()["precedent"] == en_cours.pk


@pytest.mark.parametrize(
    ("q", "famille", "expected"),
    [
        ("developpement", None, "2.1"),  # "développement", accents ignored
        ("MOBILITE", "1", "1.2.1.3"),
        ("1.3.4", "1", "1.3.4"),
        ("logement vivre", "2", "2.3.2.1"),
    ],
)
def test_serafin_search_ignores_accents_and_case(api_for, educateur, q, famille, expected):
    params = {"q": q} | ({"famille": famille} if famille else {})
    response = api_for(educateur).get(reverse("projet-api:serafin"), params)
    assert expected in [c["code"] for c in response.json()]


def test_due_plans_api(api_for, educateur, en_cours):
    ProjetPersonnalise.objects.filter(pk=en_cours.pk).update(
        date_reevaluation=datetime.date(2025, 6, 1)
    )
    body = api_for(educateur).get(reverse("projet-api:echeances")).json()
    assert body["en_retard"] == 1 and body["projets"][0]["id"] == en_cours.pk


def test_the_openapi_schema_documents_the_plan_api(api_for, educateur):
    response = api_for(educateur).get(reverse("dui:api-schema"))
    assert b"/api/projets/{id}/objectifs/" in response.content


def test_due_plans_api_makes_a_constant_number_of_queries(
    api_for, educateur, chef_service, en_cours, world, django_assert_max_num_queries
):
    from tests.factories import SejourFactory

    from .helpers import projet_en_cours

    for _ in range(3):
        projet_en_cours(
            referent=educateur, chef=chef_service, usager=SejourFactory(unite=world.unite_a).usager
        )
    ProjetPersonnalise.objects.update(date_reevaluation=datetime.date(2025, 6, 1))
    with django_assert_max_num_queries(15):
        body = api_for(chef_service).get(reverse("projet-api:echeances"), {"vue": "tous"}).json()
    assert len(body["projets"]) == 4
