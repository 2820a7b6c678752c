"""Baseline views of `make bench`: the same rows as the real pages, scoped by the logged-in
user, and routed only when DUI_BENCH_VIEWS is on."""

import datetime
import importlib
from collections.abc import Iterator

import pytest
from django.test import Client, override_settings
from django.urls import NoReverseMatch, clear_url_caches, reverse

import dui.urls
from tests.factories import SejourFactory


def _urls_reload() -> None:
    # URL patterns are built at import: rebuild them with the current settings.
    importlib.reload(dui.urls)
    clear_url_caches()


@pytest.fixture
def bench_routes() -> Iterator[None]:
    with override_settings(BENCH_VIEWS=True):
        _urls_reload()
        yield
    _urls_reload()


@pytest.fixture
def sejours(world):
    """Two people present in unit A, one who left, one present in unit B and one in the IME."""
    present = [SejourFactory(unite=world.unite_a) for _ in range(2)]
    SejourFactory(
        unite=world.unite_a,
        date_entree=datetime.date(2023, 1, 1),
        date_sortie=datetime.date(2023, 6, 30),
    )
    SejourFactory(unite=world.unite_b)
    SejourFactory(unite=world.unite_ime)
    return present


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200
    content = response.content.decode()
    return [line.split("\t") for line in content.splitlines()] if content else []


def test_baseline_views_are_not_routed_without_the_bench_switch(db):
    with pytest.raises(NoReverseMatch):
        reverse("bench:occupation")
    assert Client().get("/bench/statique/").status_code == 404


def test_occupation_baseline_returns_the_rows_of_the_director_home(
    world, directeur, sejours, client_for, bench_routes
):
    client = client_for(directeur)
    occupations = client.get(reverse("dui:accueil")).context["occupations"]
    expected = [
        [
            str(o.etablissement.pk),
            o.etablissement.nom,
            o.etablissement.categorie,
            str(o.places),
            str(o.presents),
        ]
        for o in occupations
    ]
    assert _rows(client.get(reverse("bench:occupation"))) == expected
    assert len(expected) == 2


def test_presents_baseline_returns_the_people_of_ma_journee(
    world, educateur, sejours, client_for, bench_routes
):
    client = client_for(educateur)
    journee = client.get(reverse("dui:accueil")).context["journee"]
    expected = [
        (str(bloc.unite.pk), p.usager.nom_naissance, p.usager.premier_prenom_naissance)
        for bloc in journee.unites
        for p in bloc.presents + bloc.absents
    ]
    rows = _rows(client.get(reverse("bench:presents")))
    assert [(row[0], row[3], row[5]) for row in rows] == expected
    assert sorted(name for _, name, _ in expected) == sorted(
        s.usager.nom_naissance for s in sejours
    )


def test_api_baseline_returns_the_page_of_the_api(world, directeur, client_for, bench_routes):
    client = client_for(directeur)
    api = client.get(reverse("dui:api-etablissement-list"), {"limit": 1}).json()
    baseline = client.get(reverse("bench:etablissements-api"), {"limit": 1}).json()
    assert baseline["count"] == api["count"] == 2
    assert baseline["results"] == api["results"]


def test_login_baseline_answers_anonymous_visitors(db, bench_routes):
    assert Client().get(reverse("bench:statique")).status_code == 200


@pytest.mark.parametrize(
    "route", ["bench:occupation", "bench:presents", "bench:etablissements-api"]
)
def test_user_scoped_baselines_send_anonymous_visitors_to_login(db, route, bench_routes):
    response = Client().get(reverse(route))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("securite:login"))


def test_organisation_baselines_show_nothing_to_an_educator(
    world, educateur, directeur, sejours, client_for, bench_routes
):
    """Scoped by the logged-in user, whatever the query string says."""
    client = client_for(educateur)
    assert _rows(client.get(reverse("bench:occupation"), {"user": directeur.pk})) == []
    assert client.get(reverse("bench:etablissements-api")).json() == {"count": 0, "results": []}


def test_presents_baseline_shows_nothing_to_another_organisme(
    world, educateur_ailleurs, sejours, client_for, bench_routes
):
    assert _rows(client_for(educateur_ailleurs).get(reverse("bench:presents"))) == []


def test_baseline_runs_one_query_besides_session_and_user(
    world, directeur, client_for, bench_routes, django_assert_num_queries
):
    client = client_for(directeur)
    # Session, user, the second-factor device of the session (django-otp), the query.
    with django_assert_num_queries(4):
        client.get(reverse("bench:occupation"))


def test_usagers_baseline_returns_the_first_page_of_the_usager_list(
    world, directeur, sejours, client_for, bench_routes
):
    client = client_for(directeur)
    page = client.get(reverse("usagers:list")).context["page"]
    rows = _rows(client.get(reverse("bench:usagers")))
    assert [int(row[0]) for row in rows] == [u.pk for u in page.usagers]
    assert len(rows) == 4  # present today in the organisme: 2 in unit A, 1 in B, 1 at the IME


def test_search_baseline_returns_the_rows_of_the_search_from_the_post_body(
    world, directeur, client_for, bench_routes
):
    dubois = [
        SejourFactory(unite=world.unite_a, usager__nom_naissance=nom).usager
        for nom in ("DUBOIS", "DUBOIS-MARTIN", "LEROY")
    ]
    client = client_for(directeur)
    page = client.post(reverse("usagers:recherche"), {"texte": "dubois"}).context["page"]
    rows = _rows(client.post(reverse("bench:recherche"), {"texte": "dubois"}))
    assert [int(row[0]) for row in rows] == [u.pk for u in page.usagers]
    assert {int(row[0]) for row in rows} == {dubois[0].pk, dubois[1].pk}
    assert client.get(reverse("bench:recherche")).status_code == 405  # terms never in a URL
