"""Baselines of `make bench` for the daily support: the rows of a measured page with one raw SQL
query and no template (see dui/bench_views.py for the method). Routed under /quotidien/bench/
only when settings.BENCH_VIEWS is true; rows are scoped by `request.user.pk` (a person of the
user's units). The narratives are returned as stored (ciphertext): the page decrypts them, the
baseline measures the database."""

from datetime import timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from securite.access import DEFAULT_MATRIX
from securite.models import Action, Profession

# The educator's row of the default matrix: the categories the baseline reads.
CATEGORIES = sorted(
    c for c, actions in DEFAULT_MATRIX[Profession.EDUCATEUR].items() if Action.LIRE in actions
)

_SCOPE = """
    EXISTS (SELECT 1 FROM usagers_sejour s
            JOIN securite_professionnel_unites pu ON pu.unite_id = s.unite_id
            JOIN securite_professionnel pro ON pro.id = pu.professionnel_id
            WHERE s.usager_id = %(pk)s AND pro.utilisateur_id = %(user)s
              AND (s.date_sortie IS NULL OR s.date_sortie >= %(jour)s))
"""


def _branche(genre: str, table: str, date: str, texte: str, categorie: str) -> str:
    # One branch per category, newest first on the (usager, categorie, date, id) index: the
    # same access path as selectors.chronologie.
    return f"""
        SELECT * FROM (SELECT '{genre}' AS genre, x.id, x.{date} AS quand, {texte},
                              u.first_name, u.last_name
                       FROM {table} x JOIN securite_utilisateur u ON u.id = x.auteur_id
                       WHERE x.usager_id = %(pk)s AND x.categorie = '{categorie}'
                       ORDER BY x.{date} DESC, x.id DESC LIMIT 50) AS b
    """  # noqa: S608 - constant identifiers


FIL_SQL = (
    "SELECT * FROM ("  # noqa: S608 - constant identifiers and categories
    + " UNION ALL ".join(
        _branche(
            "t",
            "quotidien_transmission",
            "ecrite_le",
            "x.cible, x.donnees, x.actions, x.resultats",
            c,
        )
        for c in CATEGORIES
    )
    + " UNION ALL "
    + " UNION ALL ".join(
        _branche(
            "o",
            "quotidien_observation",
            "mesuree_le",
            "x.type, x.valeur::text, x.valeur_2::text, ''",
            c,
        )
        for c in CATEGORIES
    )
    + f") AS fil WHERE {_SCOPE} ORDER BY quand DESC, id DESC LIMIT 50"
)

# "Ma journée": people present in the user's units and the notes of the last 24 hours.
MA_JOURNEE_SQL = """
    WITH presents AS (
        SELECT s.usager_id, s.unite_id, us.nom_naissance, us.premier_prenom_naissance
        FROM securite_professionnel pro
        JOIN securite_professionnel_unites pu ON pu.professionnel_id = pro.id
        JOIN usagers_sejour s ON s.unite_id = pu.unite_id
        JOIN usagers_usager us ON us.id = s.usager_id
        WHERE pro.utilisateur_id = %(user)s AND s.date_entree <= %(jour)s
          AND (s.date_sortie IS NULL OR s.date_sortie >= %(jour)s)
    )
    SELECT p.unite_id, p.nom_naissance, p.premier_prenom_naissance, t.id, t.ecrite_le, t.cible,
           t.donnees, t.actions, t.resultats
    FROM presents p
    LEFT JOIN LATERAL (
        SELECT t.* FROM quotidien_transmission t
        WHERE t.usager_id = p.usager_id AND t.categorie = ANY(%(categories)s)
          AND t.ecrite_le > %(depuis)s
        ORDER BY t.ecrite_le DESC LIMIT 100
    ) AS t ON true
    ORDER BY p.unite_id, p.nom_naissance, p.premier_prenom_naissance, t.ecrite_le DESC
"""


def _text(rows: list[tuple[Any, ...]]) -> HttpResponse:
    body = "\n".join("\t".join(str(value) for value in row) for row in rows)
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


def _fetch(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@require_GET
@login_required
def fil(request: HttpRequest, pk: int) -> HttpResponse:
    """Baseline of a person's timeline (first page: 50 items)."""
    params = {"pk": pk, "user": request.user.pk, "jour": timezone.localdate()}
    return _text(_fetch(FIL_SQL, params))


@require_GET
@login_required
def ma_journee(request: HttpRequest) -> HttpResponse:
    """Baseline of "ma journée"."""
    params = {
        "user": request.user.pk,
        "jour": timezone.localdate(),
        "categories": CATEGORIES,
        "depuis": timezone.now() - timedelta(hours=24),
    }
    return _text(_fetch(MA_JOURNEE_SQL, params))
