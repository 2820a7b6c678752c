"""Baselines of `make bench` for the support plan: the rows of a measured page with one raw SQL
query and no template (see dui/bench_views.py for the method). Routed under /projets/bench/
only when settings.BENCH_VIEWS is true; rows are scoped by `request.user.pk`."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from .models import STATUTS_EN_VIGUEUR

# The plan page: the plan's objectives with their need and latest evaluation, and its services,
# for a professional who works in the unit (or the whole establishment) of the person's stay.
PROJET_SQL = """
    SELECT p.id, p.titre, p.statut, p.version, o.id, o.titre, o.date_cible, o.indicateur,
           c.code, c.libelle,
           (SELECT e.resultat FROM projet_evaluationobjectif e WHERE e.objectif_id = o.id
            ORDER BY e.date DESC, e.id DESC LIMIT 1),
           (SELECT string_agg(pr.titre, '; ') FROM projet_prestation pr
            JOIN projet_prestation_objectifs po ON po.prestation_id = pr.id
            WHERE po.objectif_id = o.id)
    FROM projet_projetpersonnalise p
    JOIN projet_objectif o ON o.projet_id = p.id
    JOIN projet_besoin b ON b.id = o.besoin_id
    JOIN projet_conceptserafin c ON c.id = b.code_id
    WHERE p.id = %(pk)s AND EXISTS (
        SELECT 1 FROM usagers_sejour s
        JOIN securite_professionnel pro ON pro.utilisateur_id = %(user)s
        WHERE s.usager_id = p.usager_id
          AND (s.date_sortie IS NULL OR s.date_sortie >= %(jour)s)
          AND (s.unite_id IN (SELECT pu.unite_id FROM securite_professionnel_unites pu
                              WHERE pu.professionnel_id = pro.id)
               OR s.etablissement_id IN (SELECT pe.etablissement_id
                                         FROM securite_professionnel_etablissements pe
                                         WHERE pe.professionnel_id = pro.id)))
    ORDER BY o.ordre, o.id
"""

# Due plans of the organisme (organisation-wide account), the oldest due date first, 50 rows
# and the total.
ECHEANCES_SQL = """
    SELECT p.id, u.nom_naissance, u.premier_prenom_naissance, t.code, p.version, e.nom,
           r.first_name, r.last_name, p.date_reevaluation, COUNT(*) OVER ()
    FROM securite_utilisateur me
    JOIN usagers_usager u ON u.organisme_id = me.organisme_id
    JOIN projet_projetpersonnalise p ON p.usager_id = u.id
    JOIN projet_typeprojet t ON t.id = p.type_projet_id
    JOIN dui_etablissement e ON e.id = p.etablissement_id
    JOIN securite_utilisateur r ON r.id = p.referent_id
    WHERE me.id = %(user)s AND p.statut = ANY(%(statuts)s) AND p.date_reevaluation <= %(limite)s
    ORDER BY p.date_reevaluation, p.id
    LIMIT 50
"""


def _text(rows: list[tuple[object, ...]]) -> HttpResponse:
    body = "\n".join("\t".join(str(value) for value in row) for row in rows)
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


@require_GET
@login_required
def projet(request: HttpRequest, pk: int) -> HttpResponse:
    """Baseline of the plan page."""
    with connection.cursor() as cursor:
        cursor.execute(
            PROJET_SQL, {"pk": pk, "user": request.user.pk, "jour": timezone.localdate()}
        )
        return _text(cursor.fetchall())


@require_GET
@login_required
def echeances(request: HttpRequest) -> HttpResponse:
    """Baseline of the due-plans list."""
    limite = timezone.localdate() + timedelta(days=settings.PROJET_ALERTE_JOURS)
    with connection.cursor() as cursor:
        cursor.execute(
            ECHEANCES_SQL,
            {"user": request.user.pk, "statuts": list(STATUTS_EN_VIGUEUR), "limite": limite},
        )
        return _text(cursor.fetchall())
