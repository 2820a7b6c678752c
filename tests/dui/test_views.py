"""Pages: home per persona, establishments, the creation form, health."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from dui.models import Etablissement, WorkerHeartbeat
from securite.authentification.second_factor import totp_code_now
from tests.factories import SejourFactory


def test_anonymous_visitor_is_sent_to_the_login_page(db):
    response = Client().get(reverse("dui:accueil"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("securite:login"))


def test_login_page_is_french_and_hides_demo_accounts_by_default(db):
    response = Client().get(reverse("securite:login"))
    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()
    assert "Comptes de démonstration" not in response.content.decode()


def test_login_page_lists_one_demo_account_per_persona_in_demo_mode(db, settings):
    settings.DEMO_MODE = True
    content = Client().get(reverse("securite:login")).content.decode()
    for username in (
        "educateur",
        "infirmier",
        "medecin",
        "chef.service",
        "directeur",
        "famille",
        "admin",
    ):
        assert f"<code>{username}</code>" in content


def test_login_with_password_and_second_factor_then_logout(world, educateur):
    device = TOTPDevice.objects.create(user=educateur, name="Téléphone")
    client = Client()
    response = client.post(
        reverse("securite:login"),
        {"username": "educateur", "password": "Mot-de-passe-de-test-2026"},
    )
    assert response["Location"] == reverse("securite:verification")
    client.post(reverse("securite:verification"), {"code": totp_code_now(device.key)})
    assert client.get(reverse("dui:accueil")).status_code == 200
    client.post(reverse("securite:logout"))
    assert client.get(reverse("dui:accueil")).status_code == 302


def test_wrong_password_shows_a_french_error(world, educateur):
    response = Client().post(
        reverse("securite:login"), {"username": "educateur", "password": "mauvais"}
    )
    assert response.status_code == 200
    assert "Identifiant ou mot de passe incorrect" in response.content.decode()


def test_field_professional_home_is_ma_journee_with_people_present(world, educateur, client_for):
    sejour = SejourFactory(unite=world.unite_a, date_entree=datetime.date(2024, 1, 1))
    SejourFactory(unite=world.unite_b)
    response = client_for(educateur).get(reverse("dui:accueil"))
    content = response.content.decode()
    assert "Ma journée" in content
    assert sejour.usager.nom_affiche in content
    assert "Unité B" not in content


def test_director_home_shows_occupancy(world, directeur, client_for):
    for _ in range(3):
        SejourFactory(unite=world.unite_a)
    response = client_for(directeur).get(reverse("dui:accueil"))
    occupations = {o.etablissement.nom: o for o in response.context["occupations"]}
    assert occupations["EHPAD Les Tilleuls"].places == 80
    assert occupations["EHPAD Les Tilleuls"].presents == 3
    assert occupations["EHPAD Les Tilleuls"].taux == 4
    assert "EHPAD d'ailleurs" not in occupations


@pytest.mark.parametrize(
    ("persona", "title"),
    [
        ("infirmier", "Ma journée"),
        ("medecin", "Ma journée"),
        ("chef_service", "Tableau de bord"),
        ("directeur", "Tableau de bord"),
        ("secretaire", "Accueil du secrétariat"),
        ("famille", "Espace famille"),
        ("admin_technique", "Administration technique"),
    ],
)
def test_each_persona_has_its_home(request, world, client_for, persona, title):
    user = request.getfixturevalue(persona)
    response = client_for(user).get(reverse("dui:accueil"))
    assert response.status_code == 200
    assert f"<h1>{title}</h1>" in response.content.decode()


def test_home_query_count_does_not_grow_with_people(
    world, educateur, client_for, django_assert_max_num_queries
):
    client = client_for(educateur)
    for _ in range(30):
        SejourFactory(unite=world.unite_a)
    # "Ma journée" (usagers/quotidien): people, agenda, handover and alerts; the budget and
    # its breakdown live in tests/quotidien/test_views.py.
    from tests.quotidien.test_views import MA_JOURNEE_REQUETES

    with django_assert_max_num_queries(MA_JOURNEE_REQUETES):
        client.get(reverse("dui:accueil"))


def test_establishment_of_another_organisme_is_404(world, directeur, client_for):
    client = client_for(directeur)
    assert client.get(reverse("dui:etablissement", args=[world.ehpad.pk])).status_code == 200
    assert (
        client.get(reverse("dui:etablissement", args=[world.autre_etablissement.pk])).status_code
        == 404
    )
    assert client.get(reverse("dui:etablissement", args=[999999])).status_code == 404


def test_establishment_page_lists_units_with_people(world, chef_service, client_for):
    SejourFactory(unite=world.unite_b)
    response = client_for(chef_service).get(reverse("dui:etablissement", args=[world.ehpad.pk]))
    unites = {u.nom: u.presents_total for u in response.context["unites"]}
    assert unites == {"Unité A": 0, "Unité B": 1}


def test_creation_form_refuses_a_bad_finess_in_french_and_saves_nothing(
    world, directeur, client_for
):
    before = Etablissement.objects.count()
    response = client_for(directeur).post(
        reverse("dui:etablissement-create"),
        {
            "nom": "MAS Les Cèdres",
            "finess": "750712185",
            "categorie": "255",
            "places_internat": "40",
        },
    )
    assert response.status_code == 200
    assert "La clé de contrôle du numéro FINESS est incorrecte" in response.content.decode()
    assert "Rien n'a été enregistré" in response.content.decode()
    assert Etablissement.objects.count() == before


def test_creation_form_creates_and_redirects(world, directeur, client_for):
    response = client_for(directeur).post(
        reverse("dui:etablissement-create"),
        {
            "nom": "MAS Les Cèdres",
            "finess": "750712184",
            "categorie": "255",
            "places_internat": "40",
        },
    )
    etablissement = Etablissement.objects.get(finess="750712184")
    assert response.status_code == 302
    assert response["Location"] == etablissement.get_absolute_url()


def test_creation_form_is_forbidden_to_an_educator(world, educateur, client_for):
    assert client_for(educateur).get(reverse("dui:etablissement-create")).status_code == 403


def test_health_reports_database_and_worker(db):
    response = Client().get(reverse("dui:sante"))
    assert response.json() == {"base": "ok", "worker": "inconnu"}
    WorkerHeartbeat.objects.create(hostname="w1", seen_at=timezone.now())
    assert Client().get(reverse("dui:sante")).json()["worker"] == "ok"
    WorkerHeartbeat.objects.filter(hostname="w1").update(
        seen_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert Client().get(reverse("dui:sante")).json()["worker"] == "en retard"


def test_pages_carry_a_strict_content_security_policy(db):
    response = Client().get(reverse("securite:login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"


def test_admin_site_is_for_technical_admins_only(world, directeur, admin_technique, client_for):
    assert client_for(directeur).get("/admin/").status_code == 302
    assert client_for(admin_technique).get("/admin/").status_code == 200
