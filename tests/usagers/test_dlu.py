"""The Dossier de liaison d'urgence of a resident: the service (policy, audit, encryption at
rest, validation), the page and the API (French field errors, nothing saved on bad input), and
the mapping to the builders' data."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from interop import mapping
from interop.builders.data import (
    ALLERGIE_ALIMENTAIRE,
    ALLERGIE_MEDICAMENTEUSE,
    DonneesManquantes,
)
from securite.models import AuditAction, Categorie, EvenementAudit
from tests.factories import ContactFactory, DossierLiaisonUrgenceFactory, SejourFactory
from usagers import services
from usagers.models import DossierLiaisonUrgence, Evaluation

pytestmark = pytest.mark.django_db

COMPLET = {
    "medecin_traitant_nom": "Boileau",
    "medecin_traitant_prenom": "Charles",
    "medecin_traitant_rpps": "100 0123 4565",
    "etablissement_preference_nom": "Hôpital Saint-Antoine",
    "etablissement_preference_finess": "750000044",
    "allergies_medicamenteuses": "Pénicilline\nAspirine",
    "allergies_alimentaires": "Arachide",
    "traitements": "Kardégic 75 mg, 1 sachet le midi",
    "pathologies": "Bronchite chronique",
    "directives_anticipees": True,
    "directives_anticipees_lieu": "Dossier médical",
    "etat": {"288575003": True, "62476001": False},
    "appareillages": ["Y2145"],
}


def _resident(world):
    return SejourFactory(unite=world.unite_a).usager


# ---------------------------------------------------------------------------------------------
# Service
# ---------------------------------------------------------------------------------------------
def test_a_doctor_fills_in_the_dlu_and_the_creation_is_audited_without_values(world, medecin):
    usager = _resident(world)
    dlu = services.dlu_enregistrer(acteur=medecin, usager=usager, **COMPLET)
    assert dlu.medecin_traitant_rpps == "10001234565"
    assert dlu.mis_a_jour_par == medecin and dlu.manquants() == []
    row = EvenementAudit.objects.get(
        action=AuditAction.CREATION, objet_type="usagers.DossierLiaisonUrgence"
    )
    assert row.usager_id == usager.pk and row.categorie == Categorie.MEDICAL
    assert "allergies_medicamenteuses" in row.champs
    assert "Pénicilline" not in str(row.champs) + row.motif


def test_an_update_audits_the_changed_fields_only_and_no_change_writes_nothing(world, medecin):
    usager = _resident(world)
    services.dlu_enregistrer(acteur=medecin, usager=usager, **COMPLET)
    services.dlu_enregistrer(acteur=medecin, usager=usager, traitements="Doliprane 1 g")
    row = EvenementAudit.objects.get(action=AuditAction.MODIFICATION)
    assert row.champs == ["traitements"]
    services.dlu_enregistrer(acteur=medecin, usager=usager, traitements="Doliprane 1 g")
    assert EvenementAudit.objects.filter(action=AuditAction.MODIFICATION).count() == 1
    assert DossierLiaisonUrgence.objects.filter(usager=usager).count() == 1


def test_an_educator_without_the_medical_category_cannot_write_the_dlu(world, educateur):
    usager = _resident(world)
    with pytest.raises(PermissionDenied):
        services.dlu_enregistrer(acteur=educateur, usager=usager, **COMPLET)
    assert not DossierLiaisonUrgence.objects.exists()


def test_a_nurse_reads_but_does_not_write_the_medical_dlu_by_default(world, infirmier):
    usager = _resident(world)
    with pytest.raises(PermissionDenied):
        services.dlu_enregistrer(acteur=infirmier, usager=usager, **COMPLET)


def test_medical_free_text_is_encrypted_at_rest(world, medecin):
    usager = _resident(world)
    dlu = services.dlu_enregistrer(acteur=medecin, usager=usager, **COMPLET)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT allergies_medicamenteuses, traitements, pathologies, "
            "directives_anticipees_lieu FROM usagers_dossierliaisonurgence WHERE id = %s",
            [dlu.pk],
        )
        raw = cursor.fetchone()
    assert all(value.startswith("enc:v1:") for value in raw)
    assert "Pénicilline" not in " ".join(raw) and "Kardégic" not in " ".join(raw)
    assert DossierLiaisonUrgence.objects.get(pk=dlu.pk).allergies_medicamenteuses.startswith(
        "Pénicilline"
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"medecin_traitant_rpps": "10001234567"}, "medecin_traitant_rpps"),
        ({"etablissement_preference_finess": "750000045"}, "etablissement_preference_finess"),
        ({"is_sans_allergie_connue": True}, "is_sans_allergie_connue"),
        ({"etat": {"999": True}}, "etat"),
        ({"appareillages": ["GEN-092.02.01"]}, "appareillages_precisions"),
        ({"directives_anticipees": None}, "directives_anticipees_lieu"),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_saved(world, medecin, changes, field):
    usager = _resident(world)
    with pytest.raises(ValidationError) as error:
        services.dlu_enregistrer(acteur=medecin, usager=usager, **{**COMPLET, **changes})
    assert field in error.value.message_dict
    assert not DossierLiaisonUrgence.objects.exists()
    assert not EvenementAudit.objects.filter(action=AuditAction.CREATION).exists()


def test_a_dlu_without_allergy_statement_says_what_it_lacks(world, medecin):
    usager = _resident(world)
    dlu = services.dlu_enregistrer(acteur=medecin, usager=usager, pathologies="Diabète")
    assert dlu.manquants() == [
        "établissement de santé de préférence",
        "médecin traitant (avec son RPPS)",
        "allergies (ou « aucune allergie connue »)",
    ]


def test_a_merge_moves_the_dlu_to_the_record_kept_when_it_has_none(world, medecin, directeur):
    conserve = _resident(world)
    doublon = SejourFactory(unite=world.unite_a, usager__organisme=world.organisme).usager
    DossierLiaisonUrgenceFactory(usager=doublon)
    services.usager_fusionner(
        acteur=medecin, conserve=conserve, doublon=doublon, motif="Même personne, même INS."
    )
    assert DossierLiaisonUrgence.objects.get().usager == conserve


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------
def _post(**changes):
    data = {
        "medecin_traitant_nom": "Boileau",
        "medecin_traitant_rpps": "10001234565",
        "etablissement_preference_nom": "Hôpital Saint-Antoine",
        "etablissement_preference_finess": "750000044",
        "etablissement_preference_statut": "SA01",
        "allergies_medicamenteuses": "Pénicilline",
        "traitements": "Kardégic 75 mg",
        "soins_palliatifs": "non",
        "directives_anticipees": "",
        "bmr": "oui",
        "etat_288575003": "oui",
        "etat_62476001": "non",
        "appareillages": ["Q021003", "P0102"],
    }
    data.update(changes)
    return data


def test_the_doctor_fills_in_the_dlu_from_the_record_page(world, medecin, client_for):
    usager = _resident(world)
    client = client_for(medecin)
    page = client.get(reverse("usagers:detail", args=[usager.pk])).content.decode()
    assert reverse("usagers:dlu", args=[usager.pk]) in page
    response = client.post(reverse("usagers:dlu-modifier", args=[usager.pk]), _post())
    assert response.status_code == 302
    dlu = DossierLiaisonUrgence.objects.get(usager=usager)
    assert dlu.bmr is True and dlu.soins_palliatifs is False and dlu.directives_anticipees is None
    assert dlu.etat == {"288575003": True, "62476001": False}
    assert dlu.appareillages == ["P0102", "Q021003"]
    page = client.get(reverse("usagers:dlu", args=[usager.pk])).content.decode()
    assert "Pénicilline" in page and "Kardégic 75 mg" in page
    assert EvenementAudit.objects.filter(
        acteur=medecin, action=AuditAction.LECTURE, usager=usager, categorie=Categorie.MEDICAL
    ).exists()


def test_the_edit_form_shows_the_saved_answers(world, medecin, client_for):
    usager = _resident(world)
    DossierLiaisonUrgenceFactory(usager=usager, bmr=True)
    page = client_for(medecin).get(reverse("usagers:dlu-modifier", args=[usager.pk]))
    content = page.content.decode()
    assert page.status_code == 200
    assert 'name="bmr" value="oui" required id="id_bmr_0" checked' in content or (
        'value="oui"' in content and "checked" in content
    )
    assert "Pénicilline" in content


def test_the_dlu_page_shows_trusted_person_gir_and_what_is_missing(world, medecin, client_for):
    usager = _resident(world)
    ContactFactory(
        usager=usager,
        nom="Durand",
        prenom="Sophie",
        is_personne_confiance=True,
        personne_confiance_designee_le=datetime.date(2024, 1, 20),
    )
    Evaluation.objects.create(
        usager=usager,
        grille="aggir",
        date_evaluation=datetime.date(2025, 6, 1),
        gir=2,
        evaluateur=medecin,
    )
    DossierLiaisonUrgenceFactory(usager=usager, medecin_traitant_rpps="")
    content = client_for(medecin).get(reverse("usagers:dlu", args=[usager.pk])).content.decode()
    assert "Sophie DURAND" in content and "personne de confiance" in content
    assert "GIR 2" in content
    assert "médecin traitant (avec son RPPS)" in content


def test_bad_input_on_the_page_shows_french_errors_and_saves_nothing(world, medecin, client_for):
    usager = _resident(world)
    response = client_for(medecin).post(
        reverse("usagers:dlu-modifier", args=[usager.pk]),
        _post(medecin_traitant_rpps="12345", is_sans_allergie_connue="on"),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Le numéro RPPS comporte exactement 11 chiffres." in content
    assert "Rien n'a été enregistré." in content
    assert "décochez « aucune allergie connue »" in content
    assert not DossierLiaisonUrgence.objects.exists()


def test_an_educator_gets_404_on_the_dlu_pages_and_the_refusal_is_traced(
    world, educateur, client_for
):
    usager = _resident(world)
    DossierLiaisonUrgenceFactory(usager=usager)
    client = client_for(educateur)
    assert client.get(reverse("usagers:dlu", args=[usager.pk])).status_code == 404
    assert (
        client.post(reverse("usagers:dlu-modifier", args=[usager.pk]), _post()).status_code == 404
    )
    assert EvenementAudit.objects.filter(acteur=educateur, action=AuditAction.REFUS).count() == 2
    page = client.get(reverse("usagers:detail", args=[usager.pk])).content.decode()
    assert reverse("usagers:dlu", args=[usager.pk]) not in page


# ---------------------------------------------------------------------------------------------
# API
# ---------------------------------------------------------------------------------------------
def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_replaces_and_reads_the_dlu(world, medecin):
    usager = _resident(world)
    url = f"/api/usagers/{usager.pk}/dlu/"
    client = _api(medecin)
    assert client.get(url).status_code == 404
    response = client.put(url, COMPLET, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["manquants"] == []
    body = client.get(url).json()
    assert body["allergies_medicamenteuses"] == "Pénicilline\nAspirine"
    assert body["etat"] == {"288575003": True, "62476001": False}
    assert body["mis_a_jour_par"] == str(medecin)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"medecin_traitant_rpps": "10001234567"}, "medecin_traitant_rpps"),
        ({"etat": {"123": True}}, "etat"),
        ({"appareillages": ["pacemaker"]}, "appareillages"),
        ({"bmr": "peut-être"}, "bmr"),
        ({"is_sans_allergie_connue": True}, "is_sans_allergie_connue"),
    ],
)
def test_the_api_answers_400_with_french_field_errors_and_saves_nothing(
    world, medecin, changes, field
):
    usager = _resident(world)
    response = _api(medecin).put(
        f"/api/usagers/{usager.pk}/dlu/", {**COMPLET, **changes}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not DossierLiaisonUrgence.objects.exists()


def test_the_api_refuses_an_educator_with_404(world, educateur):
    usager = _resident(world)
    response = _api(educateur).put(f"/api/usagers/{usager.pk}/dlu/", COMPLET, format="json")
    assert response.status_code == 404
    assert not DossierLiaisonUrgence.objects.exists()


# ---------------------------------------------------------------------------------------------
# Mapping to the builders' data
# ---------------------------------------------------------------------------------------------
def test_the_mapping_turns_each_line_into_an_item_with_its_allergy_type(world, medecin):
    usager = _resident(world)
    Evaluation.objects.create(
        usager=usager,
        grille="aggir",
        date_evaluation=datetime.date(2025, 6, 1),
        gir=3,
        evaluateur=medecin,
    )
    services.dlu_enregistrer(acteur=medecin, usager=usager, **COMPLET)
    data = mapping.dlu_data(usager)
    assert [(a.agent, a.type_code) for a in data.allergies] == [
        ("Pénicilline", ALLERGIE_MEDICAMENTEUSE),
        ("Aspirine", ALLERGIE_MEDICAMENTEUSE),
        ("Arachide", ALLERGIE_ALIMENTAIRE),
    ]
    assert data.medecin_traitant.id_nat == "810001234565"
    assert data.etablissement_preference.id_nat == "1750000044"
    assert [t.libelle for t in data.traitements] == ["Kardégic 75 mg, 1 sachet le midi"]
    assert data.directives_anticipees is True and data.soins_palliatifs is None
    assert "GIR 3" in data.commentaire and "Appareil auditif" in data.commentaire
    fludt = mapping.fludt_data(usager, data, motif="Chute", conscience="DLU_002")
    assert fludt.protheses == ("Y2145",) and fludt.etablissement_destination.nom


def test_the_mapping_lists_everything_missing_when_there_is_no_dlu(world):
    usager = _resident(world)
    with pytest.raises(DonneesManquantes) as error:
        mapping.dlu_data(usager)
    assert error.value.manquants == (
        mapping.DLU_ABSENT,
        "établissement de santé de préférence",
        "médecin traitant (avec son RPPS)",
        "allergies (ou « aucune allergie connue »)",
    )


def test_no_known_allergy_travels_as_such(world, medecin):
    usager = _resident(world)
    services.dlu_enregistrer(
        acteur=medecin,
        usager=usager,
        **{**COMPLET, "allergies_medicamenteuses": "", "allergies_alimentaires": ""},
        is_sans_allergie_connue=True,
    )
    data = mapping.dlu_data(usager)
    assert data.allergies == () and data.sans_allergie_connue is True
