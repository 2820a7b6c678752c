"""The admin site is scoped by organisme: a technical administrator attached to an organisme
sees only that organisme's accounts, access rules, audit rows and establishments; one
without an organisme administers the whole installation."""

import pytest
from django.urls import reverse

from securite.audit import audit_record
from securite.models import AuditAction, RegleAcces, TypeCompte
from tests.factories import UtilisateurFactory


def _admin(organisme, username):
    return UtilisateurFactory(
        organisme=organisme,
        username=username,
        type_compte=TypeCompte.TECHNIQUE,
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def admin_tilleuls(world):
    return _admin(world.organisme, "admin_tilleuls")


@pytest.fixture
def admin_installation(world):
    return _admin(None, "admin_installation")


@pytest.fixture
def rows(world):
    """One of each kind of row in each organisme."""
    ici = UtilisateurFactory(organisme=world.organisme, username="compte_tilleuls")
    ailleurs = UtilisateurFactory(organisme=world.autre_organisme, username="compte_ailleurs")
    RegleAcces.objects.create(
        organisme=world.organisme,
        profession="aes",
        categorie="social",
        peut_lire=True,
        peut_ecrire=False,
    )
    RegleAcces.objects.create(
        organisme=world.autre_organisme,
        profession="secretaire",
        categorie="social",
        peut_lire=True,
        peut_ecrire=False,
    )
    audit_record(acteur=ici, action=AuditAction.ADMINISTRATION, objet_type="trace-tilleuls")
    audit_record(acteur=ailleurs, action=AuditAction.ADMINISTRATION, objet_type="trace-ailleurs")
    return ici, ailleurs


def _page(client, model):
    response = client.get(reverse(f"admin:{model}_changelist"))
    assert response.status_code == 200
    return response.content.decode()


def test_organisme_administrator_sees_only_its_organisme(world, rows, admin_tilleuls, client_for):
    client = client_for(admin_tilleuls)
    users = _page(client, "securite_utilisateur")
    assert "compte_tilleuls" in users
    assert "compte_ailleurs" not in users
    _page(client, "securite_regleacces")
    regles = client.get(reverse("admin:securite_regleacces_changelist")).context["cl"].queryset
    assert {r.organisme for r in regles} == {world.organisme}
    audit = _page(client, "securite_evenementaudit")
    assert "trace-tilleuls" in audit
    assert "trace-ailleurs" not in audit
    etablissements = _page(client, "dui_etablissement")
    assert "EHPAD Les Tilleuls" in etablissements
    assert "EHPAD d&#x27;ailleurs" not in etablissements
    organismes = _page(client, "dui_organisme")
    assert "Association Les Tilleuls" in organismes
    assert "Autre association" not in organismes


def test_organisme_administrator_cannot_open_another_organisme_row(
    world, rows, admin_tilleuls, client_for
):
    _, ailleurs = rows
    client = client_for(admin_tilleuls)
    response = client.get(reverse("admin:securite_utilisateur_change", args=[ailleurs.pk]))
    assert response.status_code == 302  # "does not exist", back to the admin index
    etablissement = world.autre_etablissement
    response = client.get(reverse("admin:dui_etablissement_change", args=[etablissement.pk]))
    assert response.status_code == 302


def test_organisme_administrator_attaches_accounts_to_its_organisme_only(
    world, rows, admin_tilleuls, client_for
):
    ici, _ = rows
    content = (
        client_for(admin_tilleuls)
        .get(reverse("admin:securite_utilisateur_change", args=[ici.pk]))
        .content.decode()
    )
    assert "Association Les Tilleuls" in content
    assert "Autre association" not in content
    assert client_for(admin_tilleuls).get(reverse("admin:dui_organisme_add")).status_code == 403


def test_installation_administrator_sees_every_organisme(
    world, rows, admin_installation, client_for
):
    client = client_for(admin_installation)
    users = _page(client, "securite_utilisateur")
    assert "compte_tilleuls" in users
    assert "compte_ailleurs" in users
    audit = _page(client, "securite_evenementaudit")
    assert "trace-tilleuls" in audit
    assert "trace-ailleurs" in audit
    assert "Autre association" in _page(client, "dui_organisme")
