"""Pages of the support plan: the editor, the lifecycle buttons, the lists, the documents."""

import datetime

import pytest
from django.urls import reverse

from securite.middleware import DEFAULT_POLICY
from securite.models import AuditAction, EvenementAudit
from usagers.projet.models import Besoin, ProjetPersonnalise, StatutProjet

from .helpers import accords_recueillir


def test_the_plan_page_shows_the_persons_words_first_and_records_a_reading(
    client_for, educateur, brouillon, resident
):
    response = client_for(educateur).get(reverse("projet:detail", args=[brouillon.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Je veux aller au marché") < html.index("Besoins (SERAFIN-PH)")
    assert "Aller au marché du samedi" in html
    assert "Ajouter un objectif" in html  # editable by its référent
    assert response.headers["Content-Security-Policy"] == DEFAULT_POLICY
    assert EvenementAudit.objects.filter(
        acteur=educateur, action=AuditAction.LECTURE, usager=resident, categorie="educatif"
    ).exists()


def test_a_reader_sees_no_edit_button(client_for, infirmier, brouillon):
    response = client_for(infirmier).get(reverse("projet:detail", args=[brouillon.pk]))
    assert response.status_code == 200
    assert "Ajouter un objectif" not in response.content.decode()
    assert (
        client_for(infirmier)
        .get(reverse("projet:ajouter", args=[brouillon.pk, "objectif"]))
        .status_code
        == 403
    )


def test_out_of_scope_gets_404_and_a_refusal(client_for, educateur_ime, brouillon):
    response = client_for(educateur_ime).get(reverse("projet:detail", args=[brouillon.pk]))
    assert response.status_code == 404
    assert EvenementAudit.objects.filter(acteur=educateur_ime, action=AuditAction.REFUS).exists()


def test_creating_a_plan_from_the_persons_page(client_for, educateur, resident):
    client = client_for(educateur)
    page = client.get(reverse("projet:usager", args=[resident.pk]))
    assert "Nouveau projet" in page.content.decode()
    response = client.post(
        reverse("projet:creer", args=[resident.pk]),
        {
            "type_projet": ProjetPersonnalise._meta.get_field("type_projet")
            .related_model.objects.get(code="PPA")
            .pk,
            "titre": "Projet 2025",
            "referent": educateur.pk,
            "date_debut": "2025-03-01",
        },
    )
    projet = ProjetPersonnalise.objects.get(usager=resident)
    assert response.status_code == 302 and response["Location"] == projet.get_absolute_url()
    assert projet.referent == educateur and projet.statut == StatutProjet.BROUILLON


def test_adding_a_need_with_the_picker(client_for, educateur, brouillon):
    client = client_for(educateur)
    form = client.get(reverse("projet:ajouter", args=[brouillon.pk, "besoin"]))
    html = form.content.decode()
    assert 'data-serafin-picker="1"' in html
    assert '<optgroup label="1.2 Besoins en matière d&#x27;autonomie">' in html
    assert "js/projet.js" in html
    response = client.post(
        reverse("projet:ajouter", args=[brouillon.pk, "besoin"]),
        {"code": "1.3.4.1", "commentaire": "Aime les fêtes du quartier"},
    )
    assert response.status_code == 302
    assert brouillon.besoins.filter(code__code="1.3.4.1").exists()


def test_an_unknown_serafin_code_is_explained_next_to_the_field(client_for, educateur, brouillon):
    response = client_for(educateur).post(
        reverse("projet:ajouter", args=[brouillon.pk, "besoin"]), {"code": "7.7"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Le code SERAFIN-PH « 7.7 » n&#x27;existe pas dans la nomenclature." in html
    assert "Rien n'a été enregistré" in html
    assert Besoin.objects.filter(projet=brouillon).count() == 1


def test_an_objective_without_a_need_is_explained(client_for, educateur, brouillon):
    response = client_for(educateur).post(
        reverse("projet:ajouter", args=[brouillon.pk, "objectif"]),
        {"titre": "Lire le journal", "priorite": "moyenne"},
    )
    assert response.status_code == 200
    assert "Un objectif répond à un besoin" in response.content.decode()


def test_the_lifecycle_buttons(client_for, educateur, chef_service, brouillon):
    client = client_for(educateur)
    url = reverse("projet:transition", args=[brouillon.pk])
    client.post(url, {"vers": "concertation"})
    brouillon.refresh_from_db()
    assert brouillon.statut == StatutProjet.CONCERTATION
    response = client.post(url, {"vers": "valide"}, follow=True)
    assert "Validation impossible sans l&#x27;accord de la personne" in response.content.decode()
    accords_recueillir(brouillon, referent=educateur, chef=chef_service)
    client.post(url, {"vers": "valide"})
    brouillon.refresh_from_db()
    assert brouillon.statut == StatutProjet.EN_COURS


def test_evaluating_an_objective(client_for, educateur, en_cours):
    objectif = en_cours.objectifs.get()
    client = client_for(educateur)
    page = client.get(reverse("projet:detail", args=[en_cours.pk]))
    assert reverse("projet:evaluer", args=[en_cours.pk, objectif.pk]) in page.content.decode()
    response = client.post(
        reverse("projet:evaluer", args=[en_cours.pk, objectif.pk]),
        {"date": "2025-01-10", "resultat": "atteint"},
    )
    assert response.status_code == 200
    assert "ne peut pas précéder le début du projet" in response.content.decode()
    response = client.post(
        reverse("projet:evaluer", args=[en_cours.pk, objectif.pk]),
        {"date": "2025-06-01", "resultat": "atteint", "commentaire": "Trois sorties en mai"},
    )
    assert response.status_code == 302
    assert objectif.evaluations.get().resultat == "atteint"


def test_new_version_and_its_readable_history(client_for, educateur, en_cours):
    client = client_for(educateur)
    response = client.post(reverse("projet:nouvelle-version", args=[en_cours.pk]))
    v2 = ProjetPersonnalise.objects.get(precedent=en_cours)
    assert response["Location"] == v2.get_absolute_url()
    client.post(
        reverse("projet:modifier", args=[v2.pk]),
        {
            "type_projet": v2.type_projet_id,
            "titre": "Projet 2026",
            "referent": educateur.pk,
            "date_debut": "2026-01-15",
        },
    )
    html = client.get(reverse("projet:historique", args=[v2.pk])).content.decode()
    assert "Ce qui a changé depuis la version 1" in html
    assert "Titre : Projet personnalisé d&#x27;accompagnement → Projet 2026" in html


def test_the_easy_to_read_version(client_for, educateur, brouillon):
    response = client_for(educateur).get(reverse("projet:falc", args=[brouillon.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Mon projet</h1>" in html
    assert html.index("Je veux aller au marché") < html.index("Mes objectifs")
    assert "Je vais au marché le samedi." in html  # the objective in simple words
    assert "projet-imprimer.js" in html and "<script>" not in html


PARTICIPATION_OUI = "J'ai participé à mon projet."
PARTICIPATION_NON = "Je n'étais pas là quand on a préparé mon projet."


@pytest.mark.parametrize(
    ("usager_present", "affiche", "absent"),
    [
        (True, [PARTICIPATION_OUI], [PARTICIPATION_NON]),
        (False, [PARTICIPATION_NON, "Mon référent m'explique mon projet."], [PARTICIPATION_OUI]),
        (None, [], [PARTICIPATION_OUI, PARTICIPATION_NON]),
    ],
)
def test_the_easy_to_read_version_says_whether_the_person_took_part(
    client_for, educateur, brouillon, usager_present, affiche, absent
):
    from usagers.projet import services

    services.projet_modifier(acteur=educateur, projet=brouillon, usager_present=usager_present)
    html = client_for(educateur).get(reverse("projet:falc", args=[brouillon.pk])).content.decode()
    for phrase in affiche:
        assert phrase in html
    for phrase in absent:
        assert phrase not in html


def test_the_pdf_is_served_and_its_export_audited(client_for, educateur, brouillon):
    response = client_for(educateur).get(reverse("projet:pdf", args=[brouillon.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert EvenementAudit.objects.filter(acteur=educateur, action=AuditAction.EXPORT).exists()


def test_due_plans_list(client_for, educateur, chef_service, en_cours):
    ProjetPersonnalise.objects.filter(pk=en_cours.pk).update(
        date_reevaluation=datetime.date(2025, 6, 1)
    )
    html = client_for(educateur).get(reverse("projet:echeances")).content.decode()
    assert "1 en retard" in html and "(en retard)" in html
    html = client_for(chef_service).get(reverse("projet:echeances") + "?vue=tous").content.decode()
    assert "Tous les projets de mon périmètre" in html and "(en retard)" in html


def test_directors_dashboard_shows_the_counts(client_for, directeur, en_cours):
    ProjetPersonnalise.objects.filter(pk=en_cours.pk).update(
        date_reevaluation=datetime.date(2025, 6, 1)
    )
    html = client_for(directeur).get(reverse("dui:accueil")).content.decode()
    assert 'compteur compteur--retard">1</span> en retard' in html
    assert reverse("projet:echeances") in html


@pytest.mark.parametrize("element", ["attente", "participant", "prestation", "objectif", "bilan"])
def test_every_item_form_renders(client_for, chef_service, brouillon, element):
    response = client_for(chef_service).get(reverse("projet:ajouter", args=[brouillon.pk, element]))
    assert response.status_code == 200


def test_a_director_may_open_the_agreement_form_but_not_the_others(
    client_for, directeur, educateur, brouillon
):
    from usagers.projet import services

    services.projet_transition(acteur=educateur, projet=brouillon, vers="concertation")
    client = client_for(directeur)
    assert client.get(reverse("projet:ajouter", args=[brouillon.pk, "accord"])).status_code == 200
    assert client.get(reverse("projet:ajouter", args=[brouillon.pk, "besoin"])).status_code == 403
