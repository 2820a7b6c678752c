"""Baseline views for `make bench`: the rows of a measured page, one raw SQL query, no template.

Each baseline returns the same rows as a real page with the least Django can do (session,
authentication, one parametrised query, a plain response). The gap between a page and its
baseline is what the ORM, the access policy and the templates cost; the baseline is the
floor on this machine.

Routed only when `settings.BENCH_VIEWS` is true (see dui/urls.py); `check --deploy` refuses
that switch. Rows are always scoped by `request.user.pk`, never by a query parameter.
"""

import json
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from securite.models import Profession, TypeCompte

from .models import CategorieEtablissement

# Director home and establishment list: establishments of the organisme with authorised
# places and people present today (selectors.occupation_list). Organisation-wide accounts
# only, as in securite.access: directors and technical administrators.
OCCUPATION_SQL = """
    SELECT e.id, e.nom, e.categorie,
           COALESCE((SELECT SUM(c.places) FROM dui_capaciteautorisee c
                     WHERE c.etablissement_id = e.id), 0),
           COALESCE((SELECT COUNT(DISTINCT s.usager_id) FROM usagers_sejour s
                     WHERE s.etablissement_id = e.id AND s.date_entree <= %(jour)s
                       AND (s.date_sortie IS NULL OR s.date_sortie >= %(jour)s)), 0)
    FROM securite_utilisateur u
    JOIN dui_etablissement e ON e.organisme_id = u.organisme_id
    LEFT JOIN securite_professionnel p ON p.utilisateur_id = u.id
    WHERE u.id = %(user)s AND u.is_active
      AND (u.type_compte = %(technique)s OR p.profession = %(directeur)s)
    ORDER BY e.nom
"""

# "Ma journée": people present today in the user's units, the units assigned one by one and
# those of the establishments assigned as a whole (usagers.quotidien.selectors.ma_journee).
PRESENTS_SQL = """
    SELECT un.id, un.nom, e.nom, us.nom_naissance, us.nom_utilise,
           us.premier_prenom_naissance, us.prenom_utilise, s.mode_accueil
    FROM securite_utilisateur u
    JOIN securite_professionnel p ON p.utilisateur_id = u.id
    JOIN dui_unite un ON un.id IN (
        SELECT pu.unite_id FROM securite_professionnel_unites pu
        WHERE pu.professionnel_id = p.id
        UNION
        SELECT un2.id FROM dui_unite un2
        JOIN securite_professionnel_etablissements pe
          ON pe.etablissement_id = un2.etablissement_id
        WHERE pe.professionnel_id = p.id
    )
    JOIN dui_etablissement e ON e.id = un.etablissement_id AND e.organisme_id = u.organisme_id
    JOIN usagers_sejour s ON s.unite_id = un.id
    JOIN usagers_usager us ON us.id = s.usager_id
    WHERE u.id = %(user)s AND u.is_active AND u.type_compte = %(professionnel)s
      AND s.date_entree <= %(jour)s AND (s.date_sortie IS NULL OR s.date_sortie >= %(jour)s)
    ORDER BY un.nom, un.id, us.nom_naissance, us.premier_prenom_naissance
"""

# API list of establishments, one page with the total count (api.EtablissementListApi).
ETABLISSEMENTS_SQL = """
    SELECT e.id, e.nom, e.finess, e.categorie, e.commune, COUNT(*) OVER ()
    FROM securite_utilisateur u
    JOIN dui_etablissement e ON e.organisme_id = u.organisme_id
    LEFT JOIN securite_professionnel p ON p.utilisateur_id = u.id
    WHERE u.id = %(user)s AND u.is_active
      AND (u.type_compte = %(technique)s OR p.profession = %(directeur)s)
    ORDER BY e.nom
    LIMIT %(limit)s OFFSET %(offset)s
"""

# Usager list (usagers.selectors.usager_list, director: every establishment of the organisme)
# and search by name (usager_search: all words in the normalised names), one page of 50 in
# keyset order. The search term arrives by POST, as on the real page (never in the URL).
USAGERS_SQL = """
    SELECT us.id, us.nom_naissance, us.premier_prenom_naissance, us.nom_utilise,
           us.prenom_utilise, us.date_naissance, e.nom
    FROM securite_utilisateur u
    LEFT JOIN securite_professionnel p ON p.utilisateur_id = u.id
    JOIN usagers_usager us ON us.organisme_id = u.organisme_id
    JOIN usagers_sejour s ON s.usager_id = us.id
    JOIN dui_etablissement e ON e.id = s.etablissement_id
    WHERE u.id = %(user)s AND u.is_active
      AND (u.type_compte = %(technique)s OR p.profession = %(directeur)s)
      AND us.fusionne_dans_id IS NULL
      AND s.date_entree <= %(jour)s AND (s.date_sortie IS NULL OR s.date_sortie >= %(jour)s)
    ORDER BY us.nom_naissance, us.premier_prenom_naissance, us.id
    LIMIT 51
"""
RECHERCHE_SQL = """
    SELECT us.id, us.nom_naissance, us.premier_prenom_naissance, us.nom_utilise,
           us.prenom_utilise, us.date_naissance
    FROM securite_utilisateur u
    LEFT JOIN securite_professionnel p ON p.utilisateur_id = u.id
    JOIN usagers_usager us ON us.organisme_id = u.organisme_id
    WHERE u.id = %(user)s AND u.is_active
      AND (u.type_compte = %(technique)s OR p.profession = %(directeur)s)
      AND us.fusionne_dans_id IS NULL AND us.nom_recherche LIKE %(motif)s
    ORDER BY us.nom_naissance, us.premier_prenom_naissance, us.id
    LIMIT 51
"""

API_MAX_LIMIT = 1000


def _fetch(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _text(rows: Sequence[Sequence[Any]]) -> HttpResponse:
    body = "\n".join("\t".join(str(value) for value in row) for row in rows)
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


def _organisation_wide_params(request: HttpRequest) -> dict[str, Any]:
    return {
        "user": request.user.pk,
        "technique": TypeCompte.TECHNIQUE,
        "directeur": Profession.DIRECTEUR,
    }


def _int_param(request: HttpRequest, name: str, default: int, maximum: int) -> int:
    try:
        value = int(request.GET.get(name, default))
    except ValueError:
        return default
    return min(max(value, 0), maximum)


@require_GET
def statique(request: HttpRequest) -> HttpResponse:
    """Baseline of the login page: a constant response, no database."""
    return HttpResponse("DUI", content_type="text/plain; charset=utf-8")


@require_GET
@login_required
def occupation(request: HttpRequest) -> HttpResponse:
    """Baseline of the director home and the establishment list."""
    params = _organisation_wide_params(request) | {"jour": timezone.localdate()}
    return _text(_fetch(OCCUPATION_SQL, params))


@require_GET
@login_required
def presents(request: HttpRequest) -> HttpResponse:
    """Baseline of "ma journée"."""
    params = {
        "user": request.user.pk,
        "professionnel": TypeCompte.PROFESSIONNEL,
        "jour": timezone.localdate(),
    }
    return _text(_fetch(PRESENTS_SQL, params))


@require_GET
@login_required
def etablissements_api(request: HttpRequest) -> HttpResponse:
    """Baseline of GET /api/etablissements/ (limit/offset pagination, JSON)."""
    params = _organisation_wide_params(request) | {
        "limit": _int_param(request, "limit", 50, API_MAX_LIMIT),
        "offset": _int_param(request, "offset", 0, 10**9),
    }
    rows = _fetch(ETABLISSEMENTS_SQL, params)
    labels = dict(CategorieEtablissement.choices)
    results = [
        {
            "id": pk,
            "nom": nom,
            "finess": finess,
            "categorie": categorie,
            "categorie_libelle": labels.get(categorie, categorie),
            "commune": commune,
        }
        for pk, nom, finess, categorie, commune, _ in rows
    ]
    body = json.dumps({"count": rows[0][5] if rows else 0, "results": results})
    return HttpResponse(body, content_type="application/json")


@require_GET
@login_required
def usagers(request: HttpRequest) -> HttpResponse:
    """Baseline of the usager list (director)."""
    params = _organisation_wide_params(request) | {"jour": timezone.localdate()}
    return _text(_fetch(USAGERS_SQL, params))


@require_POST
@login_required
def recherche(request: HttpRequest) -> HttpResponse:
    """Baseline of the search by name (director): the term from the POST body."""
    terme = " ".join(request.POST.get("texte", "").lower().split())
    motif = "%" + terme.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    params = _organisation_wide_params(request) | {"motif": motif}
    return _text(_fetch(RECHERCHE_SQL, params))


urlpatterns = [
    path("statique/", statique, name="statique"),
    path("occupation/", occupation, name="occupation"),
    path("presents/", presents, name="presents"),
    path("api/etablissements/", etablissements_api, name="etablissements-api"),
    path("usagers/", usagers, name="usagers"),
    path("recherche/", recherche, name="recherche"),
]
