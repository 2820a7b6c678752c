"""Pages of the usager record: list, POST search, record page, wizard, edit forms."""

import datetime

import pytest
from django.urls import reverse

from securite.models import AuditAction, EvenementAudit
from tests.factories import ContactFactory, IdentiteINSFactory, SejourFactory
from usagers.models import StatutIdentite, Usager

pytestmark = pytest.mark.django_db


def test_the_list_shows_present_people_with_their_status(world, secretaire, client_for):
    usager = SejourFactory(unite=world.unite_a).usager
    response = client_for(secretaire).get(reverse("usagers:list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert usager.nom_affiche in content and "Identité provisoire" in content


def test_search_by_name_is_a_post_and_the_name_never_appears_in_a_url(
    world, secretaire, client_for
):
    usager = SejourFactory(unite=world.unite_a).usager
    client = client_for(secretaire)
    response = client.post(reverse("usagers:recherche"), {"texte": "HELENE"})
    assert response.status_code == 200
    assert usager.get_absolute_url() in response.content.decode()
    assert client.get(reverse("usagers:recherche")).status_code == 405
    row = EvenementAudit.objects.get(objet_type="usagers.recherche")
    assert row.champs == ["nom"] and "HELENE" not in str(row.motif)


def test_an_empty_search_explains_what_to_type(world, secretaire, client_for):
    response = client_for(secretaire).post(reverse("usagers:recherche"), {})
    assert "Saisissez un nom" in response.content.decode()


def test_the_record_page_shows_identity_stays_and_hides_an_unqualified_ins(
    world, secretaire, client_for
):
    usager = SejourFactory(unite=world.unite_a).usager
    usager.statut_identite = StatutIdentite.RECUPEREE
    usager.save()
    ins = IdentiteINSFactory(usager=usager)
    content = client_for(secretaire).get(usager.get_absolute_url()).content.decode()
    assert "Identité récupérée" in content
    assert ins.matricule not in content
    assert world.ehpad.nom in content
    assert "Entourage" not in content  # the secretary has no social category


def test_the_record_page_shows_a_qualified_ins_and_the_social_parts_to_the_head_of_service(
    world, chef_service, client_for
):
    usager = SejourFactory(unite=world.unite_a).usager
    usager.statut_identite = StatutIdentite.QUALIFIEE
    usager.save()
    ins = IdentiteINSFactory(usager=usager)
    ContactFactory(usager=usager, nom="Garnier")
    content = client_for(chef_service).get(usager.get_absolute_url()).content.decode()
    assert ins.matricule in content and "GARNIER" in content


def test_the_admission_wizard_runs_from_identity_to_insi(world, secretaire, client_for, insi_peer):
    client = client_for(secretaire)
    identite = {
        "identite-nom_naissance": "Durand",
        "identite-prenoms_naissance": "Hélène Marie Louise",
        "identite-date_naissance": "1940-05-17",
        "identite-precision_date_naissance": "jour",
        "identite-sexe": "F",
        "identite-lieu_naissance_code": "69123",
    }
    step2 = client.post(reverse("usagers:admission"), identite)
    assert "Étape 2 sur 4" in step2.content.decode()
    created = client.post(
        reverse("usagers:admission-sejour"),
        {
            **identite,
            "sejour-etablissement": world.ehpad.pk,
            "sejour-unite": world.unite_a.pk,
            "sejour-mode_accueil": "internat",
            "sejour-date_entree": "2026-01-05",
            "sejour-mode_entree": "8",
        },
    )
    usager = Usager.objects.get()
    assert created.url == reverse("usagers:admission-justificatif", args=[usager.pk])
    step4 = client.post(created.url, {"type": "CN", "numero": "X4RTBPFW46", "valider": "on"})
    assert step4.url == reverse("usagers:admission-insi", args=[usager.pk])
    answer = client.post(step4.url, {"action": "interroger", "mode": "traits"})
    content = answer.content.decode()
    assert "Une identité trouvée" in content
    assert insi_peer.registre.identites[0].matricule not in content
    jeton = answer.context["jeton"]
    done = client.post(step4.url, {"action": "retenir", "jeton": jeton})
    assert done.url == usager.get_absolute_url()
    usager.refresh_from_db()
    assert usager.statut_identite == StatutIdentite.QUALIFIEE
    page = client.get(usager.get_absolute_url()).content.decode()
    assert usager.ins.matricule in page


def test_the_wizard_warns_of_a_duplicate_and_goes_on_once_confirmed(world, secretaire, client_for):
    existing = SejourFactory(unite=world.unite_a).usager
    client = client_for(secretaire)
    identite = {
        "identite-nom_naissance": existing.nom_naissance,
        "identite-prenoms_naissance": "Hélène",
        "identite-date_naissance": existing.date_naissance.isoformat(),
        "identite-precision_date_naissance": "jour",
        "identite-sexe": "F",
    }
    warned = client.post(reverse("usagers:admission"), identite).content.decode()
    assert "Doublon possible" in warned and existing.identifiant_local in warned
    step2 = client.post(reverse("usagers:admission"), {**identite, "confirmer_doublon": "1"})
    assert "Étape 2 sur 4" in step2.content.decode()


def test_the_wizard_reports_bad_input_per_field(world, secretaire, client_for):
    response = client_for(secretaire).post(
        reverse("usagers:admission"),
        {
            "identite-nom_naissance": "X",
            "identite-prenoms_naissance": "Y",
            "identite-date_naissance": "2999-01-01",
            "identite-sexe": "F",
            "identite-precision_date_naissance": "jour",
            "identite-lieu_naissance_code": "12",
        },
    )
    content = response.content.decode()
    assert "ne peut pas être dans le futur" in content
    assert "code officiel géographique" in content
    assert not Usager.objects.exists()


def test_the_insi_step_says_when_insi_is_not_configured(world, secretaire, client_for, settings):
    settings.INSI_ENDPOINT = ""
    usager = SejourFactory(unite=world.unite_a).usager
    content = (
        client_for(secretaire).get(reverse("usagers:admission-insi", args=[usager.pk])).content
    )
    assert "n'est pas configuré" in content.decode()


def test_an_insi_answer_01_is_explained(world, secretaire, client_for, insi_peer):
    usager = SejourFactory(unite=world.unite_a).usager
    response = client_for(secretaire).post(
        reverse("usagers:admission-insi", args=[usager.pk]),
        {"action": "interroger", "mode": "traits"},
    )
    assert "Aucune identité trouvée" in response.content.decode()


def test_a_forged_insi_token_is_refused(world, secretaire, client_for, insi_peer):
    usager = SejourFactory(unite=world.unite_a).usager
    response = client_for(secretaire).post(
        reverse("usagers:admission-insi", args=[usager.pk]),
        {"action": "retenir", "jeton": "enc:v1:t2:AAAA"},
    )
    assert response.status_code == 200
    usager.refresh_from_db()
    assert usager.statut_identite == StatutIdentite.PROVISOIRE


def test_changing_a_strict_trait_in_the_form_warns_and_drops_the_status(
    world, secretaire, client_for
):
    usager = SejourFactory(unite=world.unite_a).usager
    usager.statut_identite = StatutIdentite.VALIDEE
    usager.lieu_naissance_code = "69123"
    usager.save()
    data = {
        "nom_naissance": "Durant",
        "prenoms_naissance": usager.prenoms_naissance,
        "date_naissance": "1940-05-17",
        "precision_date_naissance": "jour",
        "sexe": "F",
        "lieu_naissance_code": "69123",
    }
    client = client_for(secretaire)
    response = client.post(reverse("usagers:modifier", args=[usager.pk]), data, follow=True)
    assert "désormais « provisoire »" in response.content.decode()


def test_edit_forms_render_and_save(world, chef_service, medecin, client_for):
    usager = SejourFactory(unite=world.unite_a).usager
    client = client_for(chef_service)
    for name in (
        "usagers:contact-creer",
        "usagers:mesure-creer",
        "usagers:decision-creer",
        "usagers:sejour-creer",
        "usagers:fusion",
        "usagers:modifier",
    ):
        assert client.get(reverse(name, args=[usager.pk])).status_code == 200, name
    response = client.post(
        reverse("usagers:contact-creer", args=[usager.pk]),
        {"nom": "Garnier", "lien": "DAUC", "is_a_prevenir": "on", "ordre_appel": 1},
    )
    assert response.status_code == 302
    bad = client.post(
        reverse("usagers:mesure-creer", args=[usager.pk]),
        {
            "type": "tutelle",
            "portee": "biens",
            "mandataire_nom": "UDAF",
            "mandataire_type": "service",
            "date_debut": "2024-01-01",
        },
    )
    assert "échéance" in bad.content.decode()
    sejour = usager.sejours.get()
    closed = client.post(
        reverse("usagers:sejour-cloturer", args=[usager.pk, sejour.pk]),
        {
            "date_sortie": (datetime.date.today() + datetime.timedelta(days=2)).isoformat(),
            "mode_sortie": "8",
        },
    )
    assert closed.status_code == 302
    gir = client_for(medecin).post(
        reverse("usagers:evaluation-creer", args=[usager.pk]),
        {"date_evaluation": "2025-01-01", "gir": "4"},
    )
    assert gir.status_code == 302
    assert EvenementAudit.objects.filter(usager=usager, action=AuditAction.CREATION).count() >= 2


def test_merge_page_merges_a_duplicate_by_its_file_number(world, chef_service, client_for):
    usager = SejourFactory(unite=world.unite_a).usager
    doublon = SejourFactory(unite=world.unite_a).usager
    response = client_for(chef_service).post(
        reverse("usagers:fusion", args=[usager.pk]),
        {
            "doublon": doublon.identifiant_local,
            "motif": "Même personne, vérifié",
            "confirmation": "on",
        },
    )
    assert response.status_code == 302
    doublon.refresh_from_db()
    assert doublon.fusionne_dans == usager
    unknown = client_for(chef_service).post(
        reverse("usagers:fusion", args=[usager.pk]),
        {"doublon": "NOPE", "motif": "Même personne, vérifié", "confirmation": "on"},
    )
    assert "Aucun dossier" in unknown.content.decode()


def test_the_photo_is_served_only_through_the_policy(world, secretaire, educateur_ime, client_for):
    from django.core.files.base import ContentFile

    usager = SejourFactory(unite=world.unite_a).usager
    assert client_for(secretaire).get(reverse("usagers:photo", args=[usager.pk])).status_code == 404
    usager.photo.save("x.jpg", ContentFile(b"\xff\xd8\xff\xe0fake"), save=True)
    response = client_for(secretaire).get(reverse("usagers:photo", args=[usager.pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert (
        client_for(educateur_ime).get(reverse("usagers:photo", args=[usager.pk])).status_code == 404
    )
