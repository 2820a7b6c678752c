"""Who sees adverse events (événements indésirables): the declarant, and the heads of service
and directors of the event's establishment. Built on securite.access (the one door); the
per-person category rights over many people (`access.droits_par_usager`) and the audit of pages
over many people (`audit_record_many`) live in securite/.
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from securite import access
from securite.audit import audit_refusal
from securite.models import Profession, Utilisateur

from .models import EvenementIndesirable

# Who manages adverse events of the establishments in their scope.
INCIDENT_PROFESSIONS = frozenset({Profession.CHEF_SERVICE, Profession.DIRECTEUR})


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
