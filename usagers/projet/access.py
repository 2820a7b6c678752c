"""Who may read and write a support plan, built on securite.access (the one door).

A plan belongs to the category *éducatif et accompagnement* of the person's record:
- **read**: whoever may read that category of the person (scope, matrix, the person's
  objections) — `projets_visibles` (a queryset) and `projet_consulter` (one plan, audited)
  apply the same rule, so lists and pages cannot disagree;
- **write** (`projet_can_edit`): the référent and the professionals named in the plan, and the
  heads of service who may write that category — each of them still needing to read it;
- **create** (`projet_can_create`): whoever may write that category of the person;
- **sign for the establishment** (`projet_can_sign_for_structure`): a head of service or a
  director who may read the plan.

`projets_visibles` needs the profession's row of the matrix for many people at once: it
reads it once through `securite.access.matrix_row` and filters in SQL.
"""

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest

from securite import access
from securite.audit import audit_refusal
from securite.models import Action, Categorie, Opposition, Profession, Utilisateur
from usagers.models import Usager

from .models import ProjetPersonnalise

CATEGORIE = Categorie.EDUCATIF
# Professions that engage the establishment when the plan is agreed.
SIGNATAIRES_STRUCTURE = frozenset({Profession.CHEF_SERVICE, Profession.DIRECTEUR})


def projets_visibles(user: access.AnyUser) -> QuerySet[ProjetPersonnalise]:
    """Plans the user may read: those of the usagers they may open, in a category they may
    read, minus the people who objected to sharing it with them."""
    pro = access.professional(user)
    if pro is None:
        return ProjetPersonnalise.objects.none()
    if Action.LIRE not in access.matrix_row(pro).get(CATEGORIE, frozenset()):
        return ProjetPersonnalise.objects.none()
    objections = Opposition.objects.filter(
        usager=OuterRef("usager_id"), categorie=CATEGORIE
    ).filter(Q(profession=pro.profession) | Q(utilisateur=pro))
    return ProjetPersonnalise.objects.filter(
        usager__in=access.usagers_visibles(pro).values("pk")
    ).exclude(Exists(objections))


def projet_get(
    user: access.AnyUser, pk: Any, *, request: HttpRequest | None = None
) -> ProjetPersonnalise:
    """One plan the user may read, or 404 (absent and forbidden alike, refusal audited)."""
    try:
        return projets_visibles(user).select_related("usager", "etablissement").get(pk=pk)
    except (ProjetPersonnalise.DoesNotExist, ValueError, TypeError):
        audit_refusal(
            acteur=user if isinstance(user, Utilisateur) else None,
            request=request,
            objet_type=ProjetPersonnalise._meta.label,
            objet_id=pk,
        )
        raise Http404 from None


def projet_consulter(request: HttpRequest, pk: Any) -> ProjetPersonnalise:
    """Open a plan for display: the policy check of the person's record (with its "lecture"
    audit row, securite.access.usager_consulter) and the plan itself."""
    usager_id = ProjetPersonnalise.objects.filter(pk=pk).values_list("usager_id", flat=True).first()
    if usager_id is None:
        audit_refusal(
            acteur=access.current_user(request),
            request=request,
            objet_type=ProjetPersonnalise._meta.label,
            objet_id=pk,
        )
        raise Http404
    access.usager_consulter(request, usager_id, categorie=CATEGORIE)
    return projet_get(access.current_user(request), pk, request=request)


def usager_projets_consulter(request: HttpRequest, usager_pk: Any) -> Usager:
    """Open a person's plans (the list of versions): policy check and "lecture" audit."""
    return access.usager_consulter(request, usager_pk, categorie=CATEGORIE)


def is_nomme(user: access.AnyUser, projet: ProjetPersonnalise) -> bool:
    """Is the user the référent or a professional named among the plan's participants?"""
    if not isinstance(user, Utilisateur):
        return False
    if projet.referent_id == user.pk:
        return True
    return projet.participants.filter(utilisateur=user).exists()


def projet_can_create(user: access.AnyUser, usager: Usager) -> bool:
    """Starting a plan: whoever may write the category of this person."""
    return access.usager_can(user, usager, CATEGORIE, Action.ECRIRE)


def projet_can_edit(user: access.AnyUser, projet: ProjetPersonnalise) -> bool:
    """Writing in a plan (content, evaluations, reviews, agreements, lifecycle)."""
    if not access.usager_can(user, projet.usager, CATEGORIE, Action.LIRE):
        return False
    if is_nomme(user, projet):
        return True
    if not isinstance(user, Utilisateur):
        return False
    if user.profession != Profession.CHEF_SERVICE:
        return False
    return CATEGORIE in access.categories_permises(user, projet.usager, Action.ECRIRE)


def projet_can_sign_for_structure(user: access.AnyUser, projet: ProjetPersonnalise) -> bool:
    """Recording the establishment's agreement: a head of service or a director."""
    if not isinstance(user, Utilisateur):
        return False
    if user.profession not in SIGNATAIRES_STRUCTURE:
        return False
    return access.usager_can(user, projet.usager, CATEGORIE, Action.LIRE)
