"""Who sees adverse events (événements indésirables): the declarant, and the heads of service
and directors of the event's establishment; who sees one agenda event and one planned absence.
Built on securite.access (the one door); the per-person category rights over many people
(`access.droits_par_usager`) and the audit of pages over many people (`audit_record_many`)
live in securite/.
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from securite import access
from securite.audit import audit_refusal
from securite.models import Action, Categorie, Profession, Utilisateur

from .models import AbsencePrevue, Evenement, EvenementIndesirable, Participant

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


# ---------------------------------------------------------------------------
# Agenda and planned absences
# ---------------------------------------------------------------------------
def evenement_get(
    user: access.AnyUser, pk: Any, *, request: HttpRequest | None = None
) -> tuple[Evenement, list[Participant]]:
    """One agenda event the user may see, with its participants, or 404 with a refusal in the
    audit. Seen: every person taking part is in the user's scope (an event of the whole unit:
    the user works in its establishment). `is_lisible` (set on the event) tells whether its
    details may be shown: the user may read its category for every person; otherwise the slot
    shows as "occupé", as in the week and "ma journée"."""
    evenement = (
        Evenement.objects.select_related("unite", "etablissement", "cree_par").filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    participants = (
        list(evenement.participants.select_related("usager").order_by("pk")) if evenement else []
    )
    ids = [p.usager_id for p in participants]
    if evenement is not None and participants:
        visibles = set(
            access.usagers_visibles(user).filter(pk__in=ids).values_list("pk", flat=True)
        )
        in_scope = all(i in visibles for i in ids)
    elif evenement is not None:
        in_scope = (
            access.etablissements_visibles(user).filter(pk=evenement.etablissement_id).exists()
        )
    else:
        in_scope = False
    if evenement is None or not in_scope:
        audit_refusal(
            acteur=user if isinstance(user, Utilisateur) else None,
            request=request,
            objet_type=Evenement._meta.label,
            objet_id=pk,
        )
        raise Http404
    lecture = access.categories_par_usager(user, ids, Action.LIRE)
    evenement.is_lisible = all(  # type: ignore[attr-defined]
        evenement.categorie in lecture[i] for i in ids
    )
    return evenement, participants


def absence_get(
    user: access.AnyUser, pk: Any, *, request: HttpRequest | None = None
) -> AbsencePrevue:
    """One planned absence of a person the user may open (the policy's `usager_get`), or 404
    with a refusal in the audit. Planned absences belong to the administrative record."""
    absence = AbsencePrevue.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if absence is None:
        audit_refusal(
            acteur=user if isinstance(user, Utilisateur) else None,
            request=request,
            objet_type=AbsencePrevue._meta.label,
            objet_id=pk,
        )
        raise Http404
    absence.usager = access.usager_get(
        user, absence.usager_id, categorie=Categorie.ADMINISTRATIF, request=request
    )
    return absence
