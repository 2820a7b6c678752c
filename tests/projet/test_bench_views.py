"""Baselines of the plan's bench pages: the same rows as the pages, for the same user only."""

import datetime
import importlib
from collections.abc import Iterator

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

import dui.urls
import usagers.projet.urls
from usagers.projet.models import ProjetPersonnalise


def _urls_reload() -> None:
    importlib.reload(usagers.projet.urls)
    importlib.reload(dui.urls)
    clear_url_caches()


@pytest.fixture
def bench_routes() -> Iterator[None]:
    with override_settings(BENCH_VIEWS=True):
        _urls_reload()
        yield
    _urls_reload()


def test_plan_page_baseline_returns_the_objectives_for_who_may_see_them(
    client_for, educateur, educateur_ime, en_cours, bench_routes
):
    url = f"/projets/bench/projet/{en_cours.pk}/"
    rows = client_for(educateur).get(url).content.decode().splitlines()
    assert len(rows) == en_cours.objectifs.count() == 1
    assert "Aller au marché du samedi" in rows[0] and "1.2.1.3" in rows[0]
    assert client_for(educateur_ime).get(url).content == b""


def test_due_plans_baseline_returns_the_due_plans_of_the_organisme(
    client_for, directeur, educateur_ailleurs, en_cours, bench_routes
):
    ProjetPersonnalise.objects.filter(pk=en_cours.pk).update(
        date_reevaluation=datetime.date(2025, 6, 1)
    )
    rows = client_for(directeur).get("/projets/bench/echeances/").content.decode().splitlines()
    assert [row.split("\t")[0] for row in rows] == [str(en_cours.pk)]
    assert client_for(educateur_ailleurs).get("/projets/bench/echeances/").content == b""


def test_baselines_are_not_routed_without_the_bench_switch(client_for, directeur):
    assert client_for(directeur).get("/projets/bench/echeances/").status_code == 404
