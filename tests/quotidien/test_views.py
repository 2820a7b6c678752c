"""Pages of the daily support: one tap from "ma journée" to a transmission, French errors with
nothing saved, 404 out of scope, readings in the audit, and query budgets that do not grow with
the people or the notes."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from securite.models import AuditAction, EvenementAudit, Opposition
from tests.factories import (
    EvenementIndesirableFactory,
    ObservationFactory,
    SejourFactory,
    TransmissionFactory,
)
from usagers.quotidien.models import AbsencePrevue, Evenement, Observation, Presence, Transmission

# Queries of "ma journée" whatever the number of people and notes: session, user and profile,
# units, stays, the matrix and the objections, absences, entries, agenda (people, unit),
# handover mark, notes, alerts (observations, plans due), and the readings appended to the
# audit chain.
MA_JOURNEE_REQUETES = 23
# Queries of a person's timeline whatever the number of notes: session, user, scope, matrix,
# objections, incident scope, the records merged into this one, the union, one per kind on the
# page (with the complements), the upcoming agenda, the reading in the audit.
CHRONOLOGIE_REQUETES = 26


def _post_transmission(client, usager, **data):
    values = {
        "cible": "Humeur",
        "categorie": "educatif",
        "donnees": "Souriante au réveil, a parlé de sa petite-fille.",
        "actions": "",
        "resultats": "",
    }
    values.update(data)
    return client.post(reverse("quotidien:transmission-nouvelle", args=[usager.pk]), values)


def test_one_tap_from_ma_journee_to_a_transmission_and_back(educateur, resident, client_for):
    client = client_for(educateur)
    home = client.get(reverse("dui:accueil")).content.decode()
    url = reverse("quotidien:transmission-nouvelle", args=[resident.pk])
    assert f'href="{url}?retour=/"' in home
    form = client.get(url + "?retour=/")
    assert form.status_code == 200
    assert 'name="retour" value="/"' in form.content.decode()
    response = _post_transmission(client, resident, retour="/")
    assert response.status_code == 302 and response["Location"] == "/"
    transmission = Transmission.objects.get()
    assert (transmission.auteur, transmission.usager) == (educateur, resident)
    home = client.get("/").content.decode()
    assert "Transmission enregistrée pour" in home
    assert "Souriante au réveil" in home  # in the handover list


def test_the_return_address_must_stay_on_the_site(educateur, resident, client_for):
    response = _post_transmission(client_for(educateur), resident, retour="https://evil.example/")
    assert response["Location"] == reverse("quotidien:fil", args=[resident.pk])


def test_an_empty_target_is_refused_in_french_and_nothing_is_saved(educateur, resident, client_for):
    response = _post_transmission(client_for(educateur), resident, cible="  ")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Rien n&#x27;a été enregistré" in content or "Rien n'a été enregistré" in content
    assert "Indiquez la cible de la transmission" in content
    assert not Transmission.objects.exists()


def test_the_form_offers_only_the_categories_one_may_write(educateur, resident, client_for):
    content = (
        client_for(educateur)
        .get(reverse("quotidien:transmission-nouvelle", args=[resident.pk]))
        .content.decode()
    )
    options = re.findall(
        r'<option value="(\w+)"', content.split('name="categorie"')[1].split("</select>")[0]
    )
    assert options == ["educatif"]


def test_a_person_out_of_scope_is_404_and_leaves_a_refusal(educateur, enfant, client_for):
    for name in ("quotidien:fil", "quotidien:transmission-nouvelle", "quotidien:observations"):
        assert client_for(educateur).get(reverse(name, args=[enfant.pk])).status_code == 404
    assert EvenementAudit.objects.filter(acteur=educateur, action=AuditAction.REFUS).count() == 3


def test_the_timeline_page_shows_what_the_user_may_read_and_records_the_reading(
    educateur, medecin, resident, client_for
):
    TransmissionFactory(usager=resident, auteur=medecin, categorie="medical", cible="Diagnostic")
    TransmissionFactory(usager=resident, auteur=medecin, categorie="soins", cible="Pansement")
    content = (
        client_for(educateur).get(reverse("quotidien:fil", args=[resident.pk])).content.decode()
    )
    assert "Pansement" in content and "Diagnostic" not in content
    row = EvenementAudit.objects.get(acteur=educateur, objet_type="quotidien.chronologie")
    assert row.usager_id == resident.pk and "medical" not in row.champs


def test_the_timeline_paginates_with_an_opaque_cursor(medecin, resident, client_for):
    for index in range(55):
        TransmissionFactory(
            usager=resident,
            auteur=medecin,
            cible=f"Note {index}",
            ecrite_le=timezone.now() - datetime.timedelta(minutes=index),
        )
    client = client_for(medecin)
    first = client.get(reverse("quotidien:fil", args=[resident.pk]))
    assert len(first.context["page"].elements) == 50
    (link,) = re.findall(r'href="\?(apres=[^"]+)">Plus anciens', first.content.decode())
    second = client.get(reverse("quotidien:fil", args=[resident.pk]) + "?" + link)
    assert [e.objet.cible for e in second.context["page"].elements] == [
        f"Note {i}" for i in range(50, 55)
    ]
    assert "Revenir aux plus récents" in second.content.decode()


def test_a_correction_page_shows_the_original_and_adds_a_complement(
    educateur, resident, client_for
):
    original = TransmissionFactory(usager=resident, auteur=educateur, donnees="Texte d'origine")
    client = client_for(educateur)
    url = reverse("quotidien:transmission-complement", args=[original.pk])
    assert "Texte d&#x27;origine" in client.get(url).content.decode()
    response = client.post(url, {"donnees": "Précision : c'était au goûter."})
    assert response.status_code == 302
    original.refresh_from_db()
    assert original.donnees == "Texte d'origine"
    assert original.addenda.get().donnees == "Précision : c'était au goûter."
    timeline = client.get(reverse("quotidien:fil", args=[resident.pk])).content.decode()
    assert "Précision : c&#x27;était au goûter." in timeline


def test_measurements_page_refuses_an_impossible_temperature_and_saves_nothing(
    infirmier, resident, client_for
):
    client = client_for(infirmier)
    url = reverse("quotidien:observations-saisie", args=[resident.pk])
    mesuree_le = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"mesuree_le": mesuree_le, "temperature": "60", "pouls": "80"})
    content = response.content.decode()
    assert "Une température de 60 °C est impossible" in content
    assert not Observation.objects.exists()
    response = client.post(url, {"mesuree_le": mesuree_le, "temperature": "38,7", "pouls": "80"})
    assert response.status_code == 302
    assert Observation.objects.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "À surveiller : Température 38,7 °C" in page
    assert "<svg" in page and 'class="courbe__point courbe__point--anormal"' in page


def test_pages_keep_the_strict_content_security_policy(
    world, chef_service, medecin, resident, client_for
):
    """No inline script or style: the CSP (script-src 'self', style-src 'self') holds."""
    ObservationFactory(usager=resident, auteur=medecin)
    incident = EvenementIndesirableFactory(usager=resident, etablissement=world.ehpad)
    client = client_for(chef_service)
    urls = [
        reverse("dui:accueil"),
        reverse("quotidien:fil", args=[resident.pk]),
        reverse("quotidien:observations", args=[resident.pk]),
        reverse("quotidien:observations-saisie", args=[resident.pk]),
        reverse("quotidien:transmission-nouvelle", args=[resident.pk]),
        reverse("quotidien:presence", args=[resident.pk]),
        reverse("quotidien:absence-nouvelle", args=[resident.pk]),
        reverse("quotidien:semaine", args=[world.unite_a.pk]),
        reverse("quotidien:evenement-nouveau", args=[world.unite_a.pk]),
        reverse("quotidien:incidents"),
        reverse("quotidien:incident-nouveau"),
        reverse("quotidien:incident", args=[incident.pk]),
        reverse("quotidien:incident-signalement", args=[incident.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert " style=" not in content and "<style" not in content, url
        assert not re.search(r"<script(?![^>]*\bsrc=)", content), url
        assert "script-src 'self'" in response["Content-Security-Policy"]


def test_a_planned_absence_and_a_presence_from_the_pages(educateur, resident, client_for):
    client = client_for(educateur)
    today = timezone.localdate()
    response = client.post(
        reverse("quotidien:absence-nouvelle", args=[resident.pk]),
        {
            "debut": today.isoformat(),
            "debut_demi_journee": "matin",
            "fin": (today + datetime.timedelta(days=2)).isoformat(),
            "fin_demi_journee": "apres_midi",
            "motif": "famille",
        },
    )
    assert response.status_code == 302
    assert AbsencePrevue.objects.get().motif == "famille"
    assert Presence.objects.get(usager=resident, jour=today).statut == "absent"
    response = client.post(
        reverse("quotidien:presence", args=[resident.pk]),
        {"jour": today.isoformat(), "periode": "matin", "statut": "present"},
    )
    assert response.status_code == 302
    rows = dict(Presence.objects.filter(jour=today).values_list("periode", "statut"))
    assert rows == {"matin": "present", "apres_midi": "absent"}


def test_planning_an_event_from_the_week_of_the_unit(world, educateur, resident, client_for):
    client = client_for(educateur)
    url = reverse("quotidien:evenement-nouveau", args=[world.unite_a.pk])
    data = {
        "titre": "Piscine",
        "nature": "activite",
        "categorie": "educatif",
        "debut": "2026-05-06T14:00",
        "fin": "2026-05-06T13:00",
        "transport": "etablissement",
        "usagers": [resident.pk],
    }
    response = client.post(url, data)
    assert (
        "La fin de l&#x27;événement doit être postérieure à son début." in response.content.decode()
    )
    assert not Evenement.objects.exists()
    data["fin"] = "2026-05-06T16:00"
    response = client.post(url, data)
    assert response.status_code == 302 and "semaine=2026-05-06" in response["Location"]
    week = client.get(response["Location"]).content.decode()
    assert "Piscine" in week
    evenement = Evenement.objects.get()
    detail = client.get(reverse("quotidien:evenement", args=[evenement.pk]))
    assert detail.status_code == 200
    client.post(reverse("quotidien:evenement", args=[evenement.pk]), {"statut": "realise"})
    evenement.refresh_from_db()
    assert evenement.statut == "realise"


def test_declaring_and_following_an_incident_from_the_pages(
    world, educateur, chef_service, resident, client_for
):
    response = client_for(educateur).post(
        reverse("quotidien:incident-nouveau") + f"?usager={resident.pk}",
        {
            "usager": resident.pk,
            "etablissement": world.ehpad.pk,
            "survenu_le": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "type": "chute",
            "gravite": "3",
            "lieu": "Salle à manger",
            "recit": "Glissade en se levant de table.",
        },
    )
    assert response.status_code == 302
    incident_url = response["Location"]
    chef = client_for(chef_service)
    assert "Glissade" in chef.get(incident_url).content.decode()
    response = chef.post(incident_url, {"etape": "signalement", "nature": "4"})
    assert response.status_code == 302
    printed = chef.get(incident_url + "signalement/").content.decode()
    assert "☒</span> Erreur ou défaut de soin ou de surveillance" in printed
    assert resident.nom_naissance not in printed  # initials and age only
    # The educator may read her declaration but not follow it.
    assert client_for(educateur).post(incident_url, {"etape": "analyse"}).status_code == 403


def test_ma_journee_query_count_does_not_grow_with_people_or_notes(
    world, educateur, medecin, client_for, django_assert_max_num_queries
):
    client = client_for(educateur)

    def fill(count):
        for _ in range(count):
            usager = SejourFactory(unite=world.unite_a).usager
            TransmissionFactory(usager=usager, auteur=medecin, categorie="soins")
            ObservationFactory(usager=usager, auteur=medecin, is_anormale=True, motif_anomalie="x")

    fill(2)
    with django_assert_max_num_queries(MA_JOURNEE_REQUETES) as few:
        client.get(reverse("dui:accueil"))
    fill(25)
    with django_assert_max_num_queries(MA_JOURNEE_REQUETES) as many:
        response = client.get(reverse("dui:accueil"))
    assert len(response.context["journee"].transmissions) == 27
    assert len(many.captured_queries) == len(few.captured_queries)


def test_timeline_query_count_does_not_grow_with_notes(
    world, medecin, chef_service, resident, client_for, django_assert_max_num_queries
):
    client = client_for(chef_service)
    EvenementIndesirableFactory(usager=resident, etablissement=world.ehpad)

    def fill(count):
        for _ in range(count):
            original = TransmissionFactory(usager=resident, auteur=medecin, categorie="soins")
            TransmissionFactory(
                usager=resident, auteur=medecin, categorie="soins", complete=original
            )
            ObservationFactory(usager=resident, auteur=medecin)

    fill(2)
    url = reverse("quotidien:fil", args=[resident.pk])
    with django_assert_max_num_queries(CHRONOLOGIE_REQUETES) as few:
        client.get(url)
    fill(40)
    with django_assert_max_num_queries(CHRONOLOGIE_REQUETES) as many:
        response = client.get(url)
    assert len(response.context["page"].elements) == 50
    # One query per kind present on the page: the incident fell off the first page.
    assert len(many.captured_queries) <= len(few.captured_queries)


@pytest.mark.parametrize("persona", ["infirmier", "medecin"])
def test_field_professionals_get_ma_journee_as_home(request, persona, client_for):
    user = request.getfixturevalue(persona)
    assert "<h1>Ma journée</h1>" in client_for(user).get("/").content.decode()


def test_the_correction_link_shows_only_on_notes_one_may_write(
    educateur, infirmier, resident, client_for
):
    TransmissionFactory(usager=resident, auteur=infirmier, categorie="soins", cible="Pansement")
    mine = TransmissionFactory(usager=resident, auteur=educateur, categorie="educatif")
    content = client_for(educateur).get(reverse("quotidien:fil", args=[resident.pk])).content
    links = re.findall(r"/quotidien/transmissions/(\d+)/complement/", content.decode())
    assert links == [str(mine.pk)]


def test_the_form_refused_to_whoever_may_write_nothing_leaves_a_refusal(
    educateur, resident, client_for
):
    """The educator writes only the educative category; once the person objects to it, the
    form answers 404 like an absent record, and the refusal is in the audit."""
    Opposition.objects.create(
        usager=resident,
        categorie="educatif",
        profession="educateur",
        exprimee_par="La résidente",
        date=datetime.date(2026, 1, 5),
    )
    url = reverse("quotidien:transmission-nouvelle", args=[resident.pk])
    response = client_for(educateur).get(url)
    assert response.status_code == 404
    assert EvenementAudit.objects.filter(
        acteur=educateur, action=AuditAction.REFUS, objet_id=str(resident.pk)
    ).exists()


def test_moving_an_event_from_its_page(world, educateur, resident, client_for):
    from usagers.quotidien import services

    debut = timezone.make_aware(datetime.datetime(2026, 5, 6, 14))
    (evenement,) = services.evenement_creer(
        acteur=educateur,
        etablissement=world.ehpad,
        unite=world.unite_a,
        titre="Piscine",
        nature="activite",
        debut=debut,
        fin=debut + datetime.timedelta(hours=2),
        usagers=[resident],
    )
    client = client_for(educateur)
    detail = client.get(reverse("quotidien:evenement", args=[evenement.pk])).content.decode()
    url = reverse("quotidien:evenement-deplacer", args=[evenement.pk])
    assert f'href="{url}"' in detail
    form = client.get(url).content.decode()
    assert 'value="2026-05-06T14:00"' in form
    response = client.post(url, {"debut": "2026-05-07T14:00", "fin": "2026-05-07T13:00"})
    assert (
        "La fin de l&#x27;événement doit être postérieure à son début." in response.content.decode()
    )
    response = client.post(url, {"debut": "2026-05-07T10:00", "fin": "2026-05-07T12:00"})
    assert response.status_code == 302
    evenement.refresh_from_db()
    assert timezone.localtime(evenement.debut).strftime("%d/%m %H:%M") == "07/05 10:00"


def test_changing_then_cancelling_a_planned_absence_from_the_pages(educateur, resident, client_for):
    client = client_for(educateur)
    today = timezone.localdate()
    debut, fin, plus_tard = (today + datetime.timedelta(days=n) for n in (10, 20, 27))
    client.post(
        reverse("quotidien:absence-nouvelle", args=[resident.pk]),
        {
            "debut": debut.isoformat(),
            "debut_demi_journee": "matin",
            "fin": fin.isoformat(),
            "fin_demi_journee": "apres_midi",
            "motif": "vacances",
        },
    )
    absence = AbsencePrevue.objects.get()
    url = reverse("quotidien:absence", args=[absence.pk])
    listing = client.get(reverse("quotidien:absence-nouvelle", args=[resident.pk])).content
    assert f'href="{url}"' in listing.decode()
    data = {
        "debut": fin.isoformat(),
        "debut_demi_journee": "matin",
        "fin": debut.isoformat(),
        "fin_demi_journee": "apres_midi",
        "motif": "vacances",
    }
    response = client.post(url, data)
    assert "ne peut pas finir avant de commencer" in response.content.decode()
    data.update(debut=debut.isoformat(), fin=plus_tard.isoformat(), motif="famille")
    assert client.post(url, data).status_code == 302
    absence.refresh_from_db()
    assert (absence.fin, absence.motif) == (plus_tard, "famille")
    assert client.post(url, {"annuler_absence": "1"}).status_code == 302
    assert not AbsencePrevue.objects.exists()
    assert EvenementAudit.objects.filter(
        acteur=educateur, action=AuditAction.SUPPRESSION, usager=resident
    ).exists()
