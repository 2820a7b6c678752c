"""API of the daily support: same policy, same services, French errors under their field."""

import datetime

from django.urls import reverse
from django.utils import timezone

from securite.models import AuditAction, EvenementAudit
from tests.factories import EvenementIndesirableFactory, TransmissionFactory
from usagers.quotidien.models import Evenement, Observation, Transmission


def test_write_then_read_transmissions_with_a_cursor(educateur, medecin, resident, client_for):
    client = client_for(educateur)
    url = reverse("quotidien-api:transmissions", args=[resident.pk])
    response = client.post(
        url,
        {"categorie": "educatif", "cible": "Sommeil", "donnees": "Nuit calme."},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["auteur"]["id"] == educateur.pk and created["cible"] == "Sommeil"
    TransmissionFactory(usager=resident, auteur=medecin, categorie="medical")
    for index in range(3):
        TransmissionFactory(
            usager=resident,
            auteur=medecin,
            ecrite_le=timezone.now() - datetime.timedelta(days=index + 1),
        )
    page = client.get(url, {"curseur": ""}).json()
    assert [r["categorie"] for r in page["resultats"]] == ["educatif"] * 4  # never medical
    assert page["suivant"] is None


def test_the_api_refuses_an_empty_target_in_french(educateur, resident, client_for):
    response = client_for(educateur).post(
        reverse("quotidien-api:transmissions", args=[resident.pk]),
        {"categorie": "educatif", "cible": "", "donnees": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "Indiquez la cible" in response.json()["cible"][0]
    assert not Transmission.objects.exists()


def test_the_api_answers_404_for_a_person_out_of_scope(educateur, enfant, client_for):
    response = client_for(educateur).post(
        reverse("quotidien-api:transmissions", args=[enfant.pk]),
        {"categorie": "educatif", "cible": "Repas", "donnees": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert EvenementAudit.objects.filter(acteur=educateur, action=AuditAction.REFUS).exists()


def test_a_complement_through_the_api_leaves_the_original_alone(educateur, resident, client_for):
    original = TransmissionFactory(usager=resident, auteur=educateur, donnees="Avant")
    client = client_for(educateur)
    url = reverse("quotidien-api:transmission-complements", args=[original.pk])
    assert (
        client.post(url, {"donnees": "Après"}, content_type="application/json").status_code == 201
    )
    detail = client.get(reverse("quotidien-api:transmission", args=[original.pk])).json()
    assert detail["donnees"] == "Avant"
    assert [c["donnees"] for c in detail["complements"]] == ["Après"]


def test_a_medical_note_is_404_for_an_educator(educateur, medecin, resident, client_for):
    note = TransmissionFactory(usager=resident, auteur=medecin, categorie="medical")
    response = client_for(educateur).get(reverse("quotidien-api:transmission", args=[note.pk]))
    assert response.status_code == 404


def test_observations_all_or_nothing_with_french_messages(infirmier, resident, client_for):
    client = client_for(infirmier)
    url = reverse("quotidien-api:observations", args=[resident.pk])
    payload = {
        "mesuree_le": timezone.now().isoformat(),
        "mesures": [{"type": "poids", "valeur": "0"}, {"type": "pouls", "valeur": "70"}],
    }
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["poids"] == [
        "Un poids de 0 kg est impossible : la valeur doit être comprise entre 1 et 350 kg. "
        "Vérifiez la saisie."
    ]
    assert not Observation.objects.exists()
    payload["mesures"][0]["valeur"] = "61,5"
    assert client.post(url, payload, content_type="application/json").status_code == 201
    series = client.get(url, {"type": "poids"}).json()
    assert [(o["type"], o["valeur"]) for o in series] == [("poids", "61.50")]


def test_absences_presences_and_totals(world, educateur, directeur, resident, client_for):
    client = client_for(educateur)
    today = timezone.localdate()
    response = client.post(
        reverse("quotidien-api:absences", args=[resident.pk]),
        {"debut": str(today), "fin": str(today), "motif": "hospitalisation"},
        content_type="application/json",
    )
    assert response.status_code == 201
    overlap = client.post(
        reverse("quotidien-api:absences", args=[resident.pk]),
        {"debut": str(today), "fin": str(today), "motif": "famille"},
        content_type="application/json",
    )
    assert overlap.status_code == 400
    assert "chevauche" in overlap.json()["non_field_errors"][0]
    presences = client.get(reverse("quotidien-api:presences", args=[resident.pk])).json()
    assert [(p["statut"], p["motif_absence"], p["origine"]) for p in presences] == [
        ("absent", "hospitalisation", "deduite")
    ]
    totals = client_for(directeur).get(
        reverse("quotidien-api:presence-totaux", args=[world.ehpad.pk])
    )
    assert totals.json()["presence"] == 0 and totals.json()["absences"] == {"hospitalisation": 1.0}


def test_events_are_created_and_seen_in_the_week_of_the_unit(
    world, educateur, resident, client_for
):
    client = client_for(educateur)
    response = client.post(
        reverse("quotidien-api:evenements"),
        {
            "unite": world.unite_a.pk,
            "titre": "Médiation animale",
            "nature": "activite",
            "prestation_serafin": "2.3.4.2",
            "debut": "2026-05-05T10:00:00+02:00",
            "fin": "2026-05-05T11:00:00+02:00",
            "usagers": [resident.pk],
            "recurrence": "hebdomadaire",
            "recurrence_fin": "2026-05-19",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert len(response.json()) == 3
    week = client.get(
        reverse("quotidien-api:semaine", args=[world.unite_a.pk]), {"semaine": "2026-05-06"}
    ).json()
    (personne,) = week["personnes"]
    assert [e["titre"] for jour in personne["jours"] for e in jour["evenements"]] == [
        "Médiation animale"
    ]
    bad = client.post(
        reverse("quotidien-api:evenements"),
        {
            "unite": world.unite_a.pk,
            "titre": "Sortie",
            "nature": "sortie",
            "debut": "2026-05-05T10:00:00+02:00",
            "fin": "2026-05-05T09:00:00+02:00",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["fin"] == ["La fin de l'événement doit être postérieure à son début."]
    assert Evenement.objects.count() == 3


def test_incidents_declared_and_followed_through_the_api(
    world, educateur, chef_service, resident, client_for
):
    response = client_for(educateur).post(
        reverse("quotidien-api:incidents"),
        {
            "etablissement": world.ehpad.pk,
            "usager": resident.pk,
            "survenu_le": timezone.now().isoformat(),
            "type": "fugue",
            "gravite": 4,
            "recit": "Sortie seule par le portail du jardin, retrouvée à 200 m.",
            "is_eigs": False,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    chef = client_for(chef_service)
    assert chef.get(reverse("quotidien-api:incidents")).json()[0]["id"] == pk
    step = chef.post(
        reverse("quotidien-api:incident-etapes", args=[pk]),
        {"etape": "analyse"},
        content_type="application/json",
    )
    assert step.json()["statut"] == "en_analyse"
    refused = client_for(educateur).post(
        reverse("quotidien-api:incident-etapes", args=[pk]),
        {"etape": "clore"},
        content_type="application/json",
    )
    assert refused.status_code == 403


def test_ma_journee_and_the_timeline_in_the_api(world, educateur, resident, client_for):
    TransmissionFactory(usager=resident, cible="Visite")
    EvenementIndesirableFactory(usager=resident, etablissement=world.ehpad, declarant=educateur)
    client = client_for(educateur)
    journee = client.get(reverse("quotidien-api:ma-journee")).json()
    assert journee["unites"][0]["presents"][0]["usager"]["id"] == resident.pk
    assert [t["cible"] for t in journee["transmissions"]] == ["Visite"]
    fil = client.get(reverse("quotidien-api:chronologie", args=[resident.pk])).json()
    assert {e["genre"] for e in fil["resultats"]} == {"transmission", "incident"}


def test_the_openapi_schema_lists_the_daily_support(world, educateur, client_for):
    schema = client_for(educateur).get(reverse("dui:api-schema")).content.decode()
    for operation in (
        "quotidien_chronologie",
        "quotidien_transmission_create",
        "quotidien_semaine",
    ):
        assert operation in schema
