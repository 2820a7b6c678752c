"""API of the daily support: same policy, same services, French errors under their field."""

import datetime

from django.urls import reverse
from django.utils import timezone

from securite.models import AuditAction, EvenementAudit
from tests.factories import EvenementIndesirableFactory, SejourFactory, TransmissionFactory
from usagers.quotidien.models import AbsencePrevue, Evenement, Observation, Transmission


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


def _rendez_vous(world, auteur, usager, categorie, titre, heure=10):
    from usagers.quotidien import services

    debut = timezone.make_aware(datetime.datetime(2026, 5, 5, heure))
    (evenement,) = services.evenement_creer(
        acteur=auteur,
        etablissement=world.ehpad,
        unite=world.unite_a,
        titre=titre,
        nature="rendez_vous",
        categorie=categorie,
        lieu="Hôpital",
        debut=debut,
        fin=debut + datetime.timedelta(hours=1),
        usagers=[usager],
    )
    return evenement


def test_a_persons_agenda_shows_a_medical_appointment_as_busy_to_an_educator(
    world, educateur, medecin, resident, enfant, client_for
):
    atelier = _rendez_vous(world, educateur, resident, "educatif", "Atelier cuisine", 9)
    cardio = _rendez_vous(world, medecin, resident, "medical", "Cardiologue", 14)
    url = reverse("quotidien-api:agenda", args=[resident.pk])
    rows = client_for(educateur).get(url, {"du": "2026-05-04", "au": "2026-05-10"}).json()
    assert [(r["id"], r["titre"], r["lieu"]) for r in rows] == [
        (atelier.pk, "Atelier cuisine", "Hôpital"),
        (cardio.pk, "Occupé", ""),
    ]
    assert EvenementAudit.objects.filter(
        acteur=educateur, action=AuditAction.LECTURE, usager=resident, objet_type="quotidien.agenda"
    ).exists()
    rows = client_for(medecin).get(url, {"du": "2026-05-04", "au": "2026-05-10"}).json()
    assert [r["titre"] for r in rows] == ["Atelier cuisine", "Cardiologue"]
    # Outside the period: nothing; a period too long or upside down: a field error.
    assert client_for(medecin).get(url, {"du": "2026-05-06", "au": "2026-05-10"}).json() == []
    bad = client_for(medecin).get(url, {"du": "2026-05-10", "au": "2026-05-04"})
    assert bad.status_code == 400 and "précède" in bad.json()["au"][0]
    bad = client_for(medecin).get(url, {"du": "2026-01-01", "au": "2026-12-31"})
    assert bad.status_code == 400 and "au plus" in bad.json()["au"][0]
    # A person out of scope: 404 and a refusal.
    assert (
        client_for(educateur).get(reverse("quotidien-api:agenda", args=[enfant.pk])).status_code
        == 404
    )
    assert EvenementAudit.objects.filter(acteur=educateur, action=AuditAction.REFUS).exists()


def test_an_event_for_a_person_out_of_scope_reads_like_an_unknown_person(
    world, educateur, client_for
):
    from usagers.quotidien.models import Evenement

    ailleurs = SejourFactory(unite=world.unite_ime).usager  # not in the educator's unit
    response = client_for(educateur).post(
        reverse("quotidien-api:evenements"),
        {
            "unite": world.unite_a.pk,
            "titre": "Sortie au marché",
            "nature": "sortie",
            "debut": "2026-05-05T10:00:00+02:00",
            "fin": "2026-05-05T11:00:00+02:00",
            "usagers": [ailleurs.pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["usagers"] == ["Personne inconnue ou hors de votre périmètre."]
    assert not Evenement.objects.exists()


def test_one_event_through_the_api_is_busy_when_its_category_is_not_readable(
    world, educateur, medecin, resident, educateur_ime, client_for
):
    cardio = _rendez_vous(world, medecin, resident, "medical", "Cardiologue")
    url = reverse("quotidien-api:evenement", args=[cardio.pk])
    seen = client_for(educateur).get(url).json()
    assert (seen["titre"], seen["lieu"], seen["is_lisible"]) == ("Occupé", "", False)
    assert seen["usagers"] == [resident.pk]
    assert client_for(medecin).get(url).json()["titre"] == "Cardiologue"
    assert client_for(educateur_ime).get(url).status_code == 404
    assert EvenementAudit.objects.filter(acteur=educateur_ime, action=AuditAction.REFUS).exists()


def test_moving_an_event_through_the_api(world, educateur, medecin, resident, client_for):
    atelier = _rendez_vous(world, educateur, resident, "educatif", "Atelier cuisine")
    url = reverse("quotidien-api:evenement", args=[atelier.pk])
    bad = client_for(educateur).patch(
        url,
        {"debut": "2026-05-06T15:00:00+02:00", "fin": "2026-05-06T14:00:00+02:00"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["fin"] == ["La fin de l'événement doit être postérieure à son début."]
    moved = client_for(educateur).patch(
        url,
        {"debut": "2026-05-06T15:00:00+02:00", "fin": "2026-05-06T16:00:00+02:00"},
        content_type="application/json",
    )
    assert moved.status_code == 200, moved.json()
    assert [e["id"] for e in moved.json()] == [atelier.pk]
    atelier.refresh_from_db()
    assert timezone.localtime(atelier.debut).strftime("%d/%m %H:%M") == "06/05 15:00"
    # The educator may not move a medical appointment (she sees it "occupé").
    cardio = _rendez_vous(world, medecin, resident, "medical", "Cardiologue")
    refused = client_for(educateur).patch(
        reverse("quotidien-api:evenement", args=[cardio.pk]),
        {"debut": "2026-05-06T15:00:00+02:00", "fin": "2026-05-06T16:00:00+02:00"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "ne pouvez pas modifier" in refused.json()["non_field_errors"][0]


def test_planned_absences_are_changed_and_cancelled_through_the_api(
    educateur, educateur_ime, resident, client_for
):
    client = client_for(educateur)
    created = client.post(
        reverse("quotidien-api:absences", args=[resident.pk]),
        {"debut": "2026-08-03", "fin": "2026-08-14", "motif": "vacances"},
        content_type="application/json",
    ).json()
    url = reverse("quotidien-api:absence", args=[created["id"]])
    assert client.get(url).json()["motif"] == "vacances"
    bad = client.put(
        url,
        {"debut": "2026-08-14", "fin": "2026-08-03", "motif": "vacances"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "fin" in bad.json()
    changed = client.put(
        url,
        {"debut": "2026-08-03", "fin": "2026-08-21", "motif": "famille"},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["fin"], changed.json()["motif"]) == ("2026-08-21", "famille")
    assert client_for(educateur_ime).delete(url).status_code == 404
    assert client.delete(url).status_code == 204
    assert not AbsencePrevue.objects.exists()
    assert client.get(url).status_code == 404


def test_the_openapi_schema_lists_the_agenda_changes(world, educateur, client_for):
    schema = client_for(educateur).get(reverse("dui:api-schema")).content.decode()
    for operation in (
        "quotidien_agenda",
        "quotidien_evenement_detail",
        "quotidien_evenement_deplacer",
        "quotidien_absence_update",
        "quotidien_absence_cancel",
    ):
        assert operation in schema
