"""The one door to protected data.

Every view, API endpoint, export and document builder asks this module which objects a user
may see (a queryset) or whether one object is visible (the same rule, so list and detail
pages cannot disagree). Absent and forbidden look the same: `Http404`.

This first version scopes by organisation, establishment and unit. The care team,
information categories, the person's objections and break-the-glass extend it (securite
issue) without changing its callers.
"""

from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from dui.models import Etablissement, Unite
from usagers.models import Sejour, Usager

from .models import Profession, TypeCompte, Utilisateur

AnyUser = Utilisateur | AnonymousUser

# Professions that see every establishment of their organisme.
ORGANISATION_WIDE_PROFESSIONS = frozenset({Profession.DIRECTEUR})


def current_user(request: HttpRequest) -> Utilisateur:
    """The logged-in account of a request (views are behind login; this makes it explicit)."""
    user = request.user
    if not isinstance(user, Utilisateur) or not user.is_active:
        raise PermissionDenied
    return user


def _is_organisation_wide(user: Utilisateur) -> bool:
    if user.type_compte == TypeCompte.TECHNIQUE:
        return True
    return user.profession in ORGANISATION_WIDE_PROFESSIONS


def etablissements_visibles(user: AnyUser) -> QuerySet[Etablissement]:
    """Establishments the user works in (all of the organisme for a director)."""
    if not isinstance(user, Utilisateur) or not user.is_active:
        return Etablissement.objects.none()
    if user.type_compte == TypeCompte.FAMILLE:
        return Etablissement.objects.none()
    if _is_organisation_wide(user):
        if user.organisme_id is None:
            return Etablissement.objects.all()
        return Etablissement.objects.filter(organisme_id=user.organisme_id)
    if user.organisme_id is None:
        return Etablissement.objects.none()
    return Etablissement.objects.filter(
        Q(professionnels__utilisateur=user) | Q(unites__professionnels__utilisateur=user),
        organisme_id=user.organisme_id,
    ).distinct()


def unites_visibles(user: AnyUser) -> QuerySet[Unite]:
    """Units the user works in: every unit of an establishment they are assigned to as a
    whole, plus the units they are assigned to one by one."""
    if not isinstance(user, Utilisateur) or not user.is_active:
        return Unite.objects.none()
    if user.type_compte == TypeCompte.FAMILLE:
        return Unite.objects.none()
    if _is_organisation_wide(user):
        return Unite.objects.filter(etablissement__in=etablissements_visibles(user))
    if user.organisme_id is None:
        return Unite.objects.none()
    return Unite.objects.filter(
        Q(etablissement__professionnels__utilisateur=user) | Q(professionnels__utilisateur=user),
        etablissement__organisme_id=user.organisme_id,
    ).distinct()


def _etablissements_entiers(user: Utilisateur) -> QuerySet[Etablissement]:
    """Establishments the user works in as a whole (not through one of its units)."""
    if _is_organisation_wide(user):
        return etablissements_visibles(user)
    if user.organisme_id is None:
        return Etablissement.objects.none()
    return Etablissement.objects.filter(
        professionnels__utilisateur=user, organisme_id=user.organisme_id
    )


def etablissement_get(user: AnyUser, pk: int) -> Etablissement:
    """One establishment the user may see, or 404 (absent and forbidden alike)."""
    try:
        return etablissements_visibles(user).get(pk=pk)
    except (Etablissement.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def etablissement_can_manage(user: AnyUser) -> bool:
    """Creating or changing establishments: directors and technical administrators."""
    if not isinstance(user, Utilisateur) or not user.is_active:
        return False
    return _is_organisation_wide(user)


def sejours_en_cours_visibles(user: AnyUser, jour: date) -> QuerySet[Sejour]:
    """Stays current on `jour` in the units the user works in; a stay without a unit is seen
    by those who work in its whole establishment."""
    if not isinstance(user, Utilisateur) or not user.is_active:
        return Sejour.objects.none()
    etablissements = _etablissements_entiers(user)
    unites = unites_visibles(user)
    return Sejour.objects.filter(
        Q(unite__in=unites) | Q(unite__isnull=True, etablissement__in=etablissements),
        date_entree__lte=jour,
    ).filter(Q(date_sortie__isnull=True) | Q(date_sortie__gte=jour))


def usagers_visibles(user: AnyUser, jour: date) -> QuerySet[Usager]:
    """Usagers with a current stay in the user's scope on `jour`."""
    return Usager.objects.filter(pk__in=sejours_en_cours_visibles(user, jour).values("usager_id"))
