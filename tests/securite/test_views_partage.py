"""Pages that manage the access policy: a record's care team and objections, and the
organisme's matrix. Each write goes through a service and leaves an audit row; whoever may
not manage gets 404 and a refusal row; an invalid form saves nothing."""

import datetime

import pytest
from django.urls import reverse

from securite import access
from securite.access import DEFAULT_MATRIX
from securite.models import (
    Action,
    AuditAction,
    Categorie,
    EvenementAudit,
    MembreEquipe,
    Opposition,
    Profession,
    RegleAcces,
    TypeCompte,
)
from tests.factories import ProfessionnelFactory, SejourFactory, UtilisateurFactory


@pytest.fixture
def psychologue(world):
    user = UtilisateurFactory(organisme=world.organisme, username="psy", last_name="Martin")
    ProfessionnelFactory(utilisateur=user, profession=Profession.PSYCHOLOGUE)
    return user


def _text(response):
    return response.content.decode().replace("&#x27;", "'")


def _refused(user):
    return EvenementAudit.objects.filter(acteur=user, action=AuditAction.REFUS).exists()


# ---------------------------------------------------------------------------------------------
# Care team
# ---------------------------------------------------------------------------------------------
def test_head_of_service_sees_the_care_team_and_the_reading_is_audited(
    world, resident, chef_service, psychologue, client_for
):
    MembreEquipe.objects.create(
        usager=resident, utilisateur=psychologue, role="intervenant", date_debut="2026-01-05"
    )
    response = client_for(chef_service).get(reverse("acces:equipe", args=[resident.pk]))
    assert response.status_code == 200
    content = _text(response)
    assert str(psychologue) in content
    assert "Intervenant" in content
    assert "05/01/2026" in content
    assert "Ajouter un membre" in content
    assert EvenementAudit.objects.filter(
        acteur=chef_service,
        usager=resident,
        action=AuditAction.LECTURE,
        objet_type="securite.equipe",
    ).exists()


def test_head_of_service_adds_a_member_with_dates_and_it_opens_the_record(
    world, resident, chef_service, psychologue, client_for
):
    response = client_for(chef_service).post(
        reverse("acces:equipe-ajouter", args=[resident.pk]),
        {
            "utilisateur": psychologue.pk,
            "role": "referent",
            "date_debut": "2026-01-01",
            "date_fin": "2030-12-31",
        },
    )
    assert response.status_code == 302
    membre = MembreEquipe.objects.get(usager=resident)
    assert (membre.utilisateur, membre.role) == (psychologue, "referent")
    assert membre.date_fin == datetime.date(2030, 12, 31)
    assert access.usager_can(psychologue, resident, Categorie.PSYCHOLOGIQUE, Action.ECRIRE)
    assert EvenementAudit.objects.filter(
        acteur=chef_service, action=AuditAction.CREATION, objet_type="securite.MembreEquipe"
    ).exists()


def test_a_member_ending_before_starting_shows_a_french_error_and_saves_nothing(
    world, resident, chef_service, psychologue, client_for
):
    response = client_for(chef_service).post(
        reverse("acces:equipe-ajouter", args=[resident.pk]),
        {
            "utilisateur": psychologue.pk,
            "role": "intervenant",
            "date_debut": "2026-03-01",
            "date_fin": "2026-02-01",
        },
    )
    assert response.status_code == 200
    assert "La fin ne peut pas précéder le début." in _text(response)
    assert "Rien n'a été enregistré" in _text(response)
    assert not MembreEquipe.objects.exists()


def test_a_professional_of_another_organisme_cannot_be_added(
    world, resident, chef_service, educateur_ailleurs, client_for
):
    response = client_for(chef_service).post(
        reverse("acces:equipe-ajouter", args=[resident.pk]),
        {"utilisateur": educateur_ailleurs.pk, "role": "intervenant", "date_debut": "2026-01-01"},
    )
    assert response.status_code == 200
    assert "n'appartient pas à l'organisme" in _text(response)
    assert not MembreEquipe.objects.exists()


def test_the_same_professional_cannot_be_in_the_team_twice_over_the_same_period(
    world, resident, chef_service, psychologue, client_for
):
    MembreEquipe.objects.create(
        usager=resident, utilisateur=psychologue, role="intervenant", date_debut="2026-01-05"
    )
    response = client_for(chef_service).post(
        reverse("acces:equipe-ajouter", args=[resident.pk]),
        {"utilisateur": psychologue.pk, "role": "referent", "date_debut": "2026-02-01"},
    )
    assert "fait déjà partie de l'équipe" in _text(response)
    assert MembreEquipe.objects.count() == 1


def test_head_of_service_ends_a_membership_and_it_is_audited(
    world, resident, chef_service, psychologue, client_for
):
    membre = MembreEquipe.objects.create(
        usager=resident, utilisateur=psychologue, role="intervenant", date_debut="2026-01-05"
    )
    client = client_for(chef_service)
    response = client.post(
        reverse("acces:equipe-terminer", args=[resident.pk, membre.pk]),
        {"date_fin": "2026-01-31"},
    )
    assert response.status_code == 302
    membre.refresh_from_db()
    assert membre.date_fin == datetime.date(2026, 1, 31)
    row = EvenementAudit.objects.get(acteur=chef_service, action=AuditAction.MODIFICATION)
    assert row.champs == ["date_fin"]
    # An end before the start is refused in French, nothing changes.
    client.post(
        reverse("acces:equipe-terminer", args=[resident.pk, membre.pk]),
        {"date_fin": "2025-12-31"},
    )
    membre.refresh_from_db()
    assert membre.date_fin == datetime.date(2026, 1, 31)
    page = client.get(reverse("acces:equipe", args=[resident.pk])).content.decode()
    assert "ne peut pas précéder le début" in page


def test_a_membership_of_another_record_is_not_reachable(
    world, resident, chef_service, psychologue, client_for
):
    autre = SejourFactory(unite=world.unite_a).usager
    membre = MembreEquipe.objects.create(
        usager=autre, utilisateur=psychologue, role="intervenant", date_debut="2026-01-05"
    )
    response = client_for(chef_service).post(
        reverse("acces:equipe-terminer", args=[resident.pk, membre.pk]),
        {"date_fin": "2026-01-31"},
    )
    assert response.status_code == 404
    membre.refresh_from_db()
    assert membre.date_fin is None


def test_secretary_sees_the_team_read_only_and_cannot_change_it(
    world, resident, secretaire, psychologue, client_for
):
    client = client_for(secretaire)
    page = client.get(reverse("acces:equipe", args=[resident.pk])).content.decode()
    assert "Ajouter un membre" not in page
    assert "Enregistrer une opposition" in page
    response = client.post(
        reverse("acces:equipe-ajouter", args=[resident.pk]),
        {"utilisateur": psychologue.pk, "role": "intervenant", "date_debut": "2026-01-01"},
    )
    assert response.status_code == 404
    assert _refused(secretaire)
    assert not MembreEquipe.objects.exists()


@pytest.mark.parametrize("persona", ["educateur", "infirmier", "medecin", "famille"])
def test_other_professions_get_404_and_a_refusal(request, world, resident, client_for, persona):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(reverse("acces:equipe", args=[resident.pk]))
    assert response.status_code == 404
    assert _refused(user)


@pytest.mark.parametrize(
    ("route", "data"),
    [
        ("acces:equipe-ajouter", {"role": "intervenant", "date_debut": "2026-01-01"}),
        (
            "acces:opposition-ajouter",
            {"categorie": "medical", "profession": "educateur", "exprimee_par": "personne"},
        ),
    ],
)
def test_a_head_of_service_of_another_establishment_gets_404(
    world, resident, psychologue, client_for, route, data
):
    chef_ime = UtilisateurFactory(organisme=world.organisme, username="chef_ime")
    ProfessionnelFactory(
        utilisateur=chef_ime, profession="chef_service", etablissements=[world.ime]
    )
    response = client_for(chef_ime).post(
        reverse(route, args=[resident.pk]),
        {**data, "utilisateur": psychologue.pk, "date": "2026-01-01"},
    )
    assert response.status_code == 404
    assert _refused(chef_ime)
    assert not MembreEquipe.objects.exists()
    assert not Opposition.objects.exists()


def test_record_page_links_to_the_team_for_managers_only(
    world, resident, chef_service, educateur, client_for
):
    url = reverse("acces:equipe", args=[resident.pk])
    detail = reverse("usagers:detail", args=[resident.pk])
    assert url in client_for(chef_service).get(detail).content.decode()
    assert url not in client_for(educateur).get(detail).content.decode()


# ---------------------------------------------------------------------------------------------
# Objections
# ---------------------------------------------------------------------------------------------
def test_secretary_records_an_objection_of_the_legal_representative_and_it_applies(
    world, resident, secretaire, educateur, client_for
):
    assert Categorie.SOINS in access.categories_permises(educateur, resident, Action.LIRE)
    response = client_for(secretaire).post(
        reverse("acces:opposition-ajouter", args=[resident.pk]),
        {
            "categorie": "soins",
            "utilisateur": educateur.pk,
            "exprimee_par": "representant",
            "representant": "Mme Durand, tutrice",
            "date": "2026-01-10",
        },
    )
    assert response.status_code == 302
    opposition = Opposition.objects.get(usager=resident)
    assert opposition.exprimee_par == "Représentant légal : Mme Durand, tutrice"
    assert Categorie.SOINS not in access.categories_permises(educateur, resident, Action.LIRE)
    assert EvenementAudit.objects.filter(
        acteur=secretaire, action=AuditAction.CREATION, objet_type="securite.Opposition"
    ).exists()
    page = client_for(secretaire).get(reverse("acces:equipe", args=[resident.pk]))
    assert "Mme Durand, tutrice" in page.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"categorie": "medical"}, "soit une profession, soit un professionnel nommé"),
        ({"categorie": "administratif", "profession": "medecin"}, "Sélectionnez un choix valide"),
        (
            {"categorie": "medical", "profession": "educateur", "exprimee_par": "representant"},
            "Indiquez le nom du représentant légal.",
        ),
        (
            {"categorie": "medical", "profession": "educateur", "date": "2099-01-01"},
            "ne peut pas être dans le futur",
        ),
    ],
)
def test_an_invalid_objection_shows_a_french_error_and_saves_nothing(
    world, resident, chef_service, client_for, data, message
):
    response = client_for(chef_service).post(
        reverse("acces:opposition-ajouter", args=[resident.pk]),
        {"exprimee_par": "personne", "date": "2026-01-10", **data},
    )
    assert response.status_code == 200
    assert message in _text(response)
    assert not Opposition.objects.exists()


def test_an_objection_is_withdrawn_with_who_asked_in_the_audit(
    world, resident, secretaire, client_for
):
    opposition = Opposition.objects.create(
        usager=resident,
        categorie="psychologique",
        profession="educateur",
        exprimee_par="La personne accompagnée",
        date="2026-01-10",
    )
    client = client_for(secretaire)
    url = reverse("acces:opposition-retirer", args=[resident.pk, opposition.pk])
    client.post(url, {})
    assert Opposition.objects.exists(), "retrait sans auteur refusé"
    response = client.post(url, {"retrait_exprime_par": "personne"})
    assert response.status_code == 302
    assert not Opposition.objects.exists()
    row = EvenementAudit.objects.get(acteur=secretaire, action=AuditAction.SUPPRESSION)
    assert (row.objet_type, row.objet_id) == ("securite.Opposition", str(opposition.pk))
    assert row.motif == "Retrait demandé par : La personne accompagnée"


def test_head_of_service_cannot_withdraw_an_objection_of_another_record(
    world, resident, chef_service, client_for
):
    autre = SejourFactory(unite=world.unite_a).usager
    opposition = Opposition.objects.create(
        usager=autre,
        categorie="psychologique",
        profession="educateur",
        exprimee_par="La personne accompagnée",
        date="2026-01-10",
    )
    response = client_for(chef_service).post(
        reverse("acces:opposition-retirer", args=[resident.pk, opposition.pk]),
        {"retrait_exprime_par": "personne"},
    )
    assert response.status_code == 404
    assert Opposition.objects.exists()


# ---------------------------------------------------------------------------------------------
# The organisme's matrix
# ---------------------------------------------------------------------------------------------
def _matrix_post(**changes: tuple[bool, bool]) -> dict[str, str]:
    """The POST of the matrix form as displayed by default, with `changes` per
    "profession__categorie"."""
    data = {}
    for profession in Profession.values:
        for categorie in Categorie.values:
            nom = f"{profession}__{categorie}"
            actions = DEFAULT_MATRIX.get(profession, {}).get(categorie, frozenset())
            lire, ecrire = changes.get(nom, (Action.LIRE in actions, Action.ECRIRE in actions))
            if lire:
                data[f"{nom}__lire"] = "on"
            if ecrire:
                data[f"{nom}__ecrire"] = "on"
    return data


def test_director_sees_the_default_matrix(world, directeur, client_for):
    response = client_for(directeur).get(reverse("acces:matrice"))
    assert response.status_code == 200
    content = _text(response)
    assert "Éducateur spécialisé" in content
    assert "Psychologique" in content
    assert 'name="educateur__educatif__ecrire" checked' in content
    assert 'name="educateur__medical__lire">' in content
    assert "matrice__cellule--modifiee" not in content


def test_director_adjusts_a_cell_which_is_shown_as_differing_from_the_default(
    world, directeur, educateur, resident, client_for
):
    client = client_for(directeur)
    response = client.post(reverse("acces:matrice"), _matrix_post(educateur__social=(False, False)))
    assert response.status_code == 302
    regle = RegleAcces.objects.get()
    assert (regle.organisme, regle.profession, regle.categorie) == (
        world.organisme,
        "educateur",
        "social",
    )
    assert (regle.peut_lire, regle.peut_ecrire) == (False, False)
    assert Categorie.SOCIAL not in access.categories_permises(educateur, resident, Action.LIRE)
    assert (
        EvenementAudit.objects.filter(
            acteur=directeur, action=AuditAction.ADMINISTRATION, objet_type="securite.RegleAcces"
        ).count()
        == 1
    )
    content = client.get(reverse("acces:matrice")).content.decode()
    assert content.count("matrice__cellule--modifiee") == 1
    assert "par défaut : lecture seule" in content
    # Ticking the default again removes the adjustment.
    client.post(reverse("acces:matrice"), _matrix_post())
    assert not RegleAcces.objects.exists()


def test_writing_without_reading_is_refused_and_nothing_is_half_saved(world, directeur, client_for):
    response = client_for(directeur).post(
        reverse("acces:matrice"),
        _matrix_post(aes__social=(True, False), secretaire__social=(False, True)),
    )
    assert response.status_code == 200
    content = _text(response)
    assert "Secrétaire — Social : écrire sans lire" in content
    assert "Rien n'a été enregistré" in content
    assert not RegleAcces.objects.exists()
    assert not EvenementAudit.objects.filter(objet_type="securite.RegleAcces").exists()


def test_director_resets_the_whole_matrix(world, directeur, client_for):
    client = client_for(directeur)
    client.post(
        reverse("acces:matrice"),
        _matrix_post(aes__social=(True, False), medecin__psychologique=(True, False)),
    )
    assert RegleAcces.objects.count() == 2
    response = client.post(reverse("acces:matrice-retablir"))
    assert response.status_code == 302
    assert not RegleAcces.objects.exists()
    assert (
        EvenementAudit.objects.filter(
            objet_type="securite.RegleAcces", motif="Retour à la règle par défaut"
        ).count()
        == 2
    )


def test_technical_administrator_of_the_organisme_adjusts_the_matrix(
    world, admin_technique, client_for
):
    client = client_for(admin_technique)
    assert client.get(reverse("acces:matrice")).status_code == 200
    client.post(reverse("acces:matrice"), _matrix_post(aes__social=(True, False)))
    assert RegleAcces.objects.get().organisme == world.organisme


@pytest.mark.parametrize("persona", ["chef_service", "medecin", "secretaire", "famille"])
def test_others_cannot_see_or_change_the_matrix(request, world, client_for, persona):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(reverse("acces:matrice")).status_code == 404
    assert (
        client.post(reverse("acces:matrice"), _matrix_post(aes__social=(True, False))).status_code
        == 404
    )
    assert client.post(reverse("acces:matrice-retablir")).status_code == 404
    assert not RegleAcces.objects.exists()
    assert _refused(user)


def test_installation_wide_administrator_has_no_matrix_to_adjust(world, client_for):
    admin = UtilisateurFactory(
        organisme=None, username="root", type_compte=TypeCompte.TECHNIQUE, is_staff=True
    )
    assert client_for(admin).get(reverse("acces:matrice")).status_code == 404


def test_director_home_links_to_the_matrix(world, directeur, chef_service, client_for):
    url = reverse("acces:matrice")
    assert url in client_for(directeur).get(reverse("dui:accueil")).content.decode()
    assert url not in client_for(chef_service).get(reverse("dui:accueil")).content.decode()
