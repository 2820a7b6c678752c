"""Reads of received documents, the quarantine list and the review queue.

A person's documents are read through `securite.access` (scope, then categories: a VSM or a
discharge letter is medical). The quarantine list and the review queue hold payloads not yet
tied to a person: only the identity-vigilance roles of the organisme see them.
"""

from django.db.models import QuerySet

from securite import access
from securite.models import Profession, TypeCompte, Utilisateur
from usagers.models import Usager

from .models import DocumentRecu, Quarantaine, Rapprochement, StatutRapprochement

# Roles that handle identity vigilance (reception, medical secretariat, heads, doctors).
ROLES_IDENTITOVIGILANCE = frozenset(
    {Profession.SECRETAIRE, Profession.MEDECIN, Profession.CHEF_SERVICE, Profession.DIRECTEUR}
)


def documents_usager(user: access.AnyUser, usager: Usager) -> QuerySet[DocumentRecu]:
    """Documents of a usager the user may read (categories of the access matrix)."""
    categories = access.categories_permises(user, usager, "lire")
    return DocumentRecu.objects.filter(usager=usager, categorie__in=categories).order_by(
        "-date_document", "-id"
    )


def is_identitovigilance(user: access.AnyUser) -> bool:
    if not isinstance(user, Utilisateur) or not user.is_active:
        return False
    if user.type_compte != TypeCompte.PROFESSIONNEL or user.organisme_id is None:
        return False
    return user.profession in ROLES_IDENTITOVIGILANCE


def quarantaine_visible(user: access.AnyUser) -> QuerySet[Quarantaine]:
    if not is_identitovigilance(user):
        return Quarantaine.objects.none()
    assert isinstance(user, Utilisateur) and user.organisme_id is not None  # noqa: S101
    return Quarantaine.objects.filter(organisme_id=user.organisme_id)


def rapprochements_visibles(user: access.AnyUser) -> QuerySet[Rapprochement]:
    if not is_identitovigilance(user):
        return Rapprochement.objects.none()
    assert isinstance(user, Utilisateur) and user.organisme_id is not None  # noqa: S101
    return Rapprochement.objects.filter(organisme_id=user.organisme_id).select_related(
        "document", "message"
    )


def rapprochements_a_traiter(user: access.AnyUser) -> QuerySet[Rapprochement]:
    return rapprochements_visibles(user).filter(statut=StatutRapprochement.A_TRAITER)
