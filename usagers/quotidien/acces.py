"""Access rules of the daily support, built on securite.access (the one door).

Three additions, written here so this module does not reach into securite/, and meant to move
there:
- `droits_par_usager`: `access.categories_permises` for reading and writing, for many usagers,
  in two queries (the profession's row of the matrix, and the objections of all the usagers),
  for lists over many people ("ma journée") and pages that need both; tested to agree with
  `categories_permises` usager by usager;
- the incident rule: an adverse event is seen by its declarant, and by the heads of service and
  directors of its establishment;
- `audit_lectures`: one "lecture" audit row per usager for a page that shows many people's
  notes, appended to the hash chain in a constant number of queries.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from securite import access
from securite.audit import GENESIS, _client_ip, _lock_chain, audit_refusal, row_hash
from securite.models import (
    Action,
    AuditAction,
    EvenementAudit,
    Opposition,
    Profession,
    Utilisateur,
)
from usagers.models import Usager

from .models import EvenementIndesirable

# Who manages adverse events of the establishments in their scope.
INCIDENT_PROFESSIONS = frozenset({Profession.CHEF_SERVICE, Profession.DIRECTEUR})


def categories_profession(user: access.AnyUser, action: str) -> frozenset[str]:
    """Categories the user's profession may `action` (the matrix row, with the organisme's
    adjustments), before any person's objection."""
    pro = access.professional(user)
    if pro is None:
        return frozenset()
    return frozenset(cat for cat, actions in access.matrix_row(pro).items() if action in actions)


@dataclass(frozen=True)
class Droits:
    """Categories of one person's record a user may read and write."""

    lecture: frozenset[str]
    ecriture: frozenset[str]


def droits_par_usager(user: access.AnyUser, usager_ids: Iterable[int]) -> dict[int, Droits]:
    """For each usager, the categories the user may read and write (same rule as
    `access.categories_permises`: the profession's row minus the person's objections), in two
    queries whatever the number of usagers. Does not check the scope: callers pass usagers
    obtained through securite.access."""
    ids = list(usager_ids)
    pro = access.professional(user)
    if pro is None or not ids:
        return dict.fromkeys(ids, Droits(frozenset(), frozenset()))
    matrix = access.matrix_row(pro)
    lecture = frozenset(c for c, actions in matrix.items() if Action.LIRE in actions)
    ecriture = frozenset(c for c, actions in matrix.items() if Action.ECRIRE in actions)
    refused: dict[int, set[str]] = {}
    objections = (
        Opposition.objects.filter(usager_id__in=ids)
        .filter(Q(profession=pro.profession) | Q(utilisateur=pro))
        .values_list("usager_id", "categorie")
    )
    for usager_id, categorie in objections:
        refused.setdefault(usager_id, set()).add(categorie)
    return {
        i: Droits(lecture - refused.get(i, set()), ecriture - refused.get(i, set())) for i in ids
    }


def droits(user: access.AnyUser, usager: Usager) -> Droits:
    """The categories of one person's record the user may read and write (two queries)."""
    return droits_par_usager(user, [usager.pk])[usager.pk]


def categories_par_usager(
    user: access.AnyUser, usager_ids: Iterable[int], action: str
) -> dict[int, frozenset[str]]:
    """`access.categories_permises` for many usagers, in two queries."""
    return {
        i: d.ecriture if action == Action.ECRIRE else d.lecture
        for i, d in droits_par_usager(user, usager_ids).items()
    }


# ---------------------------------------------------------------------------
# Adverse events
# ---------------------------------------------------------------------------
def incident_can_manage(user: access.AnyUser) -> bool:
    """Heads of service and directors handle adverse events (analysis, EIGS, report)."""
    pro = access.professional(user)
    return pro is not None and pro.profession in INCIDENT_PROFESSIONS


def incidents_visibles(user: access.AnyUser) -> QuerySet[EvenementIndesirable]:
    """Events the user declared, plus every event of the establishments a head of service or
    director works in."""
    pro = access.professional(user)
    if pro is None:
        return EvenementIndesirable.objects.none()
    mine = Q(declarant=pro)
    if incident_can_manage(pro):
        mine |= Q(etablissement__in=access.etablissements_visibles(pro))
    return EvenementIndesirable.objects.filter(
        mine,
        etablissement__organisme_id=pro.organisme_id,  # type: ignore[misc]
    )


def incident_get(
    user: access.AnyUser, pk: Any, *, request: HttpRequest | None = None
) -> EvenementIndesirable:
    """One event the user may see, or 404 with a refusal in the audit."""
    try:
        return incidents_visibles(user).select_related("usager", "etablissement").get(pk=pk)
    except (EvenementIndesirable.DoesNotExist, ValueError, TypeError):
        audit_refusal(
            acteur=user if isinstance(user, Utilisateur) else None,
            request=request,
            objet_type=EvenementIndesirable._meta.label,
            objet_id=pk,
        )
        raise Http404 from None


# ---------------------------------------------------------------------------
# Audit of pages over many people
# ---------------------------------------------------------------------------
def audit_lectures(
    *,
    acteur: Utilisateur,
    usager_ids: Iterable[int],
    objet_type: str,
    action: str = AuditAction.LECTURE,
    categorie: str = "",
    champs: Iterable[str] = (),
    request: HttpRequest | None = None,
) -> int:
    """Append one audit row per usager (same content as `securite.audit.audit_record`), under
    the chain lock, in four queries whatever the number of usagers."""
    ids = sorted(set(usager_ids))
    if not ids:
        return 0
    now = timezone.now()
    with transaction.atomic():
        _lock_chain()
        previous = EvenementAudit.objects.order_by("-id").values_list("hash", flat=True).first()
        glass = set(
            access.acces_exceptionnel_en_cours(acteur)
            .filter(usager_id__in=ids)
            .values_list("usager_id", flat=True)
        )
        rows = []
        previous = previous or GENESIS
        names = sorted(champs)
        for usager_id in ids:
            row = EvenementAudit(
                horodatage=now,
                acteur=acteur,
                acteur_libelle=str(acteur),
                role=acteur.profession or acteur.type_compte,
                action=action,
                usager_id=usager_id,
                objet_type=objet_type,
                objet_id="",
                categorie=categorie,
                champs=names,
                adresse_ip=_client_ip(request),
                user_agent=(request.META.get("HTTP_USER_AGENT", "")[:300] if request else ""),
                motif="",
                is_bris_glace=usager_id in glass,
                hash_precedent=previous,
            )
            row.hash = row_hash(row)
            previous = row.hash
            rows.append(row)
        EvenementAudit.objects.bulk_create(rows)
    return len(rows)
