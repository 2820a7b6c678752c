"""The one door to protected data.

Every view, API endpoint, export and document builder asks this module which objects a user
may see (a queryset) or whether one object is visible (the same rule, so list and detail
pages cannot disagree). Absent and forbidden look the same: `Http404`.

The rules, one per line below:
- *scope*: the establishments and units a professional works in (a director: the whole
  organisme), plus the usagers whose care team they belong to (with dates), plus a
  break-the-glass access in progress;
- *categories*: a profession x category x (read, write) matrix (DEFAULT_MATRIX), which an
  organisme may adjust (RegleAcces);
- *the person's choices*: an objection removes a category for a profession or a named
  professional (Opposition).
Families and technical administrators never reach usager data through this door.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.http import Http404, HttpRequest
from django.utils import timezone

from dui.models import Etablissement, Unite
from usagers.models import Sejour, Usager

from . import cache_requete
from .audit import audit_record, audit_refusal
from .models import (
    AccesExceptionnel,
    Action,
    AuditAction,
    Categorie,
    MembreEquipe,
    Opposition,
    Profession,
    Professionnel,
    RegleAcces,
    TypeCompte,
    Utilisateur,
)

AnyUser = Utilisateur | AnonymousUser

# Professions that see every establishment of their organisme.
ORGANISATION_WIDE_PROFESSIONS = frozenset({Profession.DIRECTEUR})

_A, _S, _E = Categorie.ADMINISTRATIF, Categorie.SOCIAL, Categorie.EDUCATIF
_SO, _M, _P = Categorie.SOINS, Categorie.MEDICAL, Categorie.PSYCHOLOGIQUE
R, RW = frozenset({Action.LIRE}), frozenset({Action.LIRE, Action.ECRIRE})

# Default matrix: what each profession may do on each category. "Useful for the support
# they give" (L1110-4 CSP): an educator reads care notes but no medical ones; a secretary
# handles the administrative record only; a doctor sees everything.
DEFAULT_MATRIX: dict[str, dict[str, frozenset[str]]] = {
    Profession.EDUCATEUR: {_A: R, _S: R, _E: RW, _SO: R},
    Profession.AES: {_A: R, _E: RW, _SO: R},
    Profession.AIDE_SOIGNANT: {_A: R, _E: RW, _SO: RW},
    Profession.INFIRMIER: {_A: R, _S: R, _E: R, _SO: RW, _M: R},
    Profession.MEDECIN: {_A: RW, _S: RW, _E: RW, _SO: RW, _M: RW, _P: RW},
    Profession.PSYCHOLOGUE: {_A: R, _S: R, _E: R, _SO: R, _P: RW},
    Profession.ASSISTANT_SOCIAL: {_A: RW, _S: RW, _E: R},
    Profession.SECRETAIRE: {_A: RW},
    Profession.CHEF_SERVICE: {_A: RW, _S: RW, _E: RW, _SO: R},
    Profession.DIRECTEUR: {_A: RW, _S: R, _E: R, _SO: R},
}


def current_user(request: HttpRequest) -> Utilisateur:
    """The logged-in account of a request (views are behind login; this makes it explicit)."""
    user = request.user
    if not isinstance(user, Utilisateur) or not user.is_active:
        raise PermissionDenied
    return user


def professional(user: AnyUser) -> Utilisateur | None:
    """The user if it is an active professional account of an organisme, else None."""
    if not isinstance(user, Utilisateur):
        return None
    if not user.is_active:
        return None
    if user.type_compte != TypeCompte.PROFESSIONNEL:
        return None
    if user.organisme_id is None:
        return None
    if not user.profession:
        return None
    return user


def _is_organisation_wide(user: Utilisateur) -> bool:
    if user.type_compte == TypeCompte.TECHNIQUE:
        return True
    return user.profession in ORGANISATION_WIDE_PROFESSIONS


# ---------------------------------------------------------------------------
# Organisation
# ---------------------------------------------------------------------------
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
    # Two semi-joins rather than two outer joins and a DISTINCT: the same units, and a query
    # PostgreSQL plans in a fraction of the time (it is nested in every scope check).
    return Unite.objects.filter(
        Q(etablissement__in=_etablissements_entiers(user).values("pk"))
        | Q(
            pk__in=Professionnel.unites.through.objects.filter(  # type: ignore[attr-defined]
                professionnel__utilisateur=user
            ).values("unite_id")
        ),
        etablissement__organisme_id=user.organisme_id,
    )


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


# ---------------------------------------------------------------------------
# Usagers: scope
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Perimetre:
    """Where a professional works, as ids: the establishments assigned as a whole (every
    establishment of the organisme for a director) and every unit in scope (their own units
    and the units of those establishments)."""

    etablissements: tuple[int, ...]
    unites: tuple[int, ...]


def perimetre(user: Utilisateur) -> Perimetre:
    """The user's scope as ids, read once per request (one small query). Every check of a
    stay's scope compares with these lists instead of nesting the assignment tables in its
    query: Django builds the nested form in ~6 ms and PostgreSQL plans it in ~3 ms, for each
    check (measured)."""
    key = ("perimetre", user.pk, user.organisme_id, user.profession, user.type_compte)
    return cache_requete.memo(key, lambda: _perimetre(user))


def _perimetre(user: Utilisateur) -> Perimetre:
    entiers = _etablissements_entiers(user).annotate(sorte=Value("e")).order_by()
    unites = unites_visibles(user).annotate(sorte=Value("u")).order_by()
    lignes = list(  # one query
        entiers.values_list("pk", "sorte").union(unites.values_list("pk", "sorte"), all=True)
    )
    return Perimetre(
        tuple(sorted(pk for pk, sorte in lignes if sorte == "e")),
        tuple(sorted(pk for pk, sorte in lignes if sorte == "u")),
    )


def _sejours_dans_perimetre(user: Utilisateur) -> QuerySet[Sejour]:
    """Stays in the user's units; a stay without a unit belongs to those who work in its
    whole establishment (for a director: every stay of the organisme)."""
    if _is_organisation_wide(user):
        # Every establishment of the organisme: one join rather than hundreds of ids, which
        # lets PostgreSQL probe the stays of each listed person.
        return Sejour.objects.filter(
            etablissement__organisme_id=user.organisme_id  # type: ignore[misc]
        )
    zone = perimetre(user)
    return Sejour.objects.filter(
        Q(unite_id__in=zone.unites)
        | Q(unite__isnull=True, etablissement_id__in=zone.etablissements)
    )


def sejours_en_cours_visibles(user: AnyUser, jour: date) -> QuerySet[Sejour]:
    """Stays current on `jour` in the user's scope (the basis of "who is here today")."""
    pro = professional(user)
    if pro is None:
        return Sejour.objects.none()
    return (
        _sejours_dans_perimetre(pro)
        .filter(date_entree__lte=jour)
        .filter(Q(date_sortie__isnull=True) | Q(date_sortie__gte=jour))
    )


def _lecteur_de_dossiers(user: AnyUser) -> Utilisateur | None:
    """The professional account if its profession may open records at all (administrative
    reading in its row of the matrix), else None."""
    pro = professional(user)
    if pro is None:
        return None
    if Action.LIRE not in matrix_row(pro).get(Categorie.ADMINISTRATIF, frozenset()):
        return None
    return pro


def _acces_usagers(
    user: AnyUser, jour: date | None
) -> tuple[Utilisateur, Exists, QuerySet[Any], QuerySet[Any]] | None:
    """The three ways to reach a usager: a current or upcoming stay in the user's scope (as
    an EXISTS on the usager row), a care-team membership in force, a break-the-glass access
    in progress (as querysets of usager ids). None when the user may open no record."""
    pro = _lecteur_de_dossiers(user)
    if pro is None:
        return None
    jour = jour or timezone.localdate()
    now = timezone.now()
    sejour = (
        _sejours_dans_perimetre(pro)
        .filter(usager=OuterRef("pk"))
        .filter(Q(date_sortie__isnull=True) | Q(date_sortie__gte=jour))
    )
    equipe = (
        MembreEquipe.objects.filter(utilisateur=pro, date_debut__lte=jour)
        .filter(Q(date_fin__isnull=True) | Q(date_fin__gte=jour))
        .values_list("usager_id", flat=True)
    )
    bris_glace = AccesExceptionnel.objects.filter(
        utilisateur=pro, debut__lte=now, fin__gt=now
    ).values_list("usager_id", flat=True)
    return pro, Exists(sejour), equipe, bris_glace


def usagers_visibles(user: AnyUser, jour: date | None = None) -> QuerySet[Usager]:
    """Usagers the user may open: a current or upcoming stay in their scope, a care-team
    membership in force, or a break-the-glass access in progress. One query: the form for
    checking one or a few given people (`.filter(pk=...)`)."""
    acces = _acces_usagers(user, jour)
    if acces is None:
        return Usager.objects.none()
    pro, sejour, equipe, bris_glace = acces
    in_scope = (
        Q(sejour)
        | Q(Exists(equipe.filter(usager=OuterRef("pk"))))
        | Q(Exists(bris_glace.filter(usager=OuterRef("pk"))))
    )
    return Usager.objects.filter(in_scope, organisme_id=pro.organisme_id)  # type: ignore[misc]


def usagers_visibles_liste(user: AnyUser, jour: date | None = None) -> QuerySet[Usager]:
    """The same people as `usagers_visibles`, for a page of a long list (the usager list,
    a search): the few people reached by name (care team, break-the-glass) are read first,
    in one more query, instead of being two more EXISTS OR-ed into the scope. With the OR,
    PostgreSQL hashes every stay of the organisme before returning the first row (measured:
    9 of the 10 ms of a page of 50 among 20,000); without it, it probes the stays of the rows
    it returns, in name order."""
    acces = _acces_usagers(user, jour)
    if acces is None:
        return Usager.objects.none()
    pro, sejour, equipe, _ = acces
    # Break-the-glass accesses from the request's list (the page's audit rows and banner read
    # it too), the care team from the database.
    nominatifs = set(equipe) | {a.usager_id for a in acces_exceptionnels_en_cours_liste(pro)}
    in_scope = Q(sejour)
    if nominatifs:
        in_scope |= Q(pk__in=sorted(nominatifs))
    return Usager.objects.filter(in_scope, organisme_id=pro.organisme_id)  # type: ignore[misc]


# ---------------------------------------------------------------------------
# Usagers: categories
# ---------------------------------------------------------------------------
def matrix_row(user: Utilisateur) -> dict[str, frozenset[str]]:
    """The profession's row of the matrix, with the organisme's adjustments (read once per
    request: a page asks for it for every check)."""
    return dict(
        cache_requete.memo(
            ("matrix_row", user.organisme_id, user.profession), lambda: _matrix_row(user)
        )
    )


def _matrix_row(user: Utilisateur) -> dict[str, frozenset[str]]:
    row = dict(DEFAULT_MATRIX.get(user.profession, {}))
    for regle in RegleAcces.objects.filter(  # type: ignore[misc]
        organisme_id=user.organisme_id, profession=user.profession
    ):
        actions = set()
        if regle.peut_lire:
            actions.add(Action.LIRE)
        if regle.peut_ecrire:
            actions.add(Action.ECRIRE)
        row[regle.categorie] = frozenset(actions)
    return row


def categories_permises(user: AnyUser, usager: Usager, action: str) -> frozenset[str]:
    """Categories of this usager's record the user may read (or write). Does not check the
    scope: callers hold a usager obtained through `usager_get` or `usagers_visibles`."""
    pro = professional(user)
    if pro is None:
        return frozenset()
    allowed = {cat for cat, actions in matrix_row(pro).items() if action in actions}
    objections = Opposition.objects.filter(usager=usager).filter(
        Q(profession=pro.profession) | Q(utilisateur=pro)
    )
    allowed -= set(objections.values_list("categorie", flat=True))
    return frozenset(allowed)


def categories_profession(user: AnyUser, action: str) -> frozenset[str]:
    """Categories the user's profession may `action` (the matrix row, with the organisme's
    adjustments), before any person's objection."""
    pro = professional(user)
    if pro is None:
        return frozenset()
    return frozenset(cat for cat, actions in matrix_row(pro).items() if action in actions)


@dataclass(frozen=True)
class Droits:
    """Categories of one person's record a user may read and write."""

    lecture: frozenset[str]
    ecriture: frozenset[str]


def droits_par_usager(user: AnyUser, usager_ids: Iterable[int]) -> dict[int, Droits]:
    """For each usager, the categories the user may read and write (same rule as
    `categories_permises`: the profession's row minus the person's objections), in two
    queries whatever the number of usagers. Does not check the scope: callers pass usagers
    obtained through securite.access."""
    ids = list(usager_ids)
    pro = professional(user)
    if pro is None or not ids:
        return dict.fromkeys(ids, Droits(frozenset(), frozenset()))
    matrix = matrix_row(pro)
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


def droits(user: AnyUser, usager: Usager) -> Droits:
    """The categories of one person's record the user may read and write (two queries)."""
    return droits_par_usager(user, [usager.pk])[usager.pk]


def categories_par_usager(
    user: AnyUser, usager_ids: Iterable[int], action: str
) -> dict[int, frozenset[str]]:
    """`categories_permises` for many usagers, in two queries."""
    return {
        i: d.ecriture if action == Action.ECRIRE else d.lecture
        for i, d in droits_par_usager(user, usager_ids).items()
    }


def usager_visible(user: AnyUser, usager_pk: int) -> bool:
    """Is this usager in the user's scope (`usagers_visibles`)? A yes is kept for the rest of
    the request: a page and the service it calls both ask."""
    key = ("usager_visible", getattr(user, "pk", None), usager_pk)
    if cache_requete.lire(key):
        return True
    if connections[Usager.objects.db].vendor == "postgresql":
        visible = _usager_visible_sql(user, usager_pk)
    else:
        visible = usagers_visibles(user).filter(pk=usager_pk).exists()
    if visible:
        cache_requete.retenir(key, True)
    return visible


def _usager_visible_sql(user: AnyUser, usager_pk: int) -> bool:
    """`usagers_visibles(user).filter(pk=usager_pk).exists()` written out in SQL: the same
    three ways in (tests/securite/test_access_policy.py compares the two forms for every kind
    of access). Django takes ~5 ms to build and compile the ORM form, asked on every page of
    a person and before every document leaves; this one is a fraction of a millisecond."""
    pro = _lecteur_de_dossiers(user)
    if pro is None:
        return False
    try:
        usager_pk = int(usager_pk)
    except (TypeError, ValueError):
        return False
    if _is_organisation_wide(pro):
        zone = Perimetre((), ())  # the stays are reached through the organisme instead
        sejour = (
            f"s.etablissement_id IN (SELECT e.id FROM {Etablissement._meta.db_table} e"  # noqa: S608
            " WHERE e.organisme_id = %(organisme)s)"
        )
    else:
        zone = perimetre(pro)
        sejour = (
            "(s.unite_id = ANY(%(unites)s)"
            " OR (s.unite_id IS NULL AND s.etablissement_id = ANY(%(etablissements)s)))"
        )
    sql = f"""
        SELECT 1 FROM {Usager._meta.db_table} u
        WHERE u.id = %(usager)s AND u.organisme_id = %(organisme)s AND (
            EXISTS (
                SELECT 1 FROM {Sejour._meta.db_table} s
                WHERE s.usager_id = u.id AND {sejour}
                AND (s.date_sortie IS NULL OR s.date_sortie >= %(jour)s))
            OR EXISTS (
                SELECT 1 FROM {MembreEquipe._meta.db_table} m
                WHERE m.usager_id = u.id AND m.utilisateur_id = %(utilisateur)s
                AND m.date_debut <= %(jour)s AND (m.date_fin IS NULL OR m.date_fin >= %(jour)s))
            OR EXISTS (
                SELECT 1 FROM {AccesExceptionnel._meta.db_table} a
                WHERE a.usager_id = u.id AND a.utilisateur_id = %(utilisateur)s
                AND a.debut <= %(maintenant)s AND a.fin > %(maintenant)s))
    """  # noqa: S608 - table names from the models, values as parameters
    params = {
        "usager": usager_pk,
        "organisme": pro.organisme_id,
        "utilisateur": pro.pk,
        "unites": list(zone.unites),
        "etablissements": list(zone.etablissements),
        "jour": timezone.localdate(),
        "maintenant": timezone.now(),
    }
    with connections[Usager.objects.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None


def usager_can(user: AnyUser, usager: Usager, categorie: str, action: str) -> bool:
    """May the user do `action` on `categorie` of this usager's record?"""
    if not usager_visible(user, usager.pk):
        return False
    return categorie in categories_permises(user, usager, action)


def usager_get(
    user: AnyUser,
    pk: Any,
    *,
    categorie: str = Categorie.ADMINISTRATIF,
    action: str = Action.LIRE,
    request: HttpRequest | None = None,
) -> Usager:
    """One usager the user may `action` on `categorie`, or 404 (absent, out of scope and
    category refused look the same). A refusal leaves an audit row (IDOR attempts)."""
    try:
        usager = usagers_visibles(user).get(pk=pk)
    except (Usager.DoesNotExist, ValueError, TypeError):
        usager = None
    if usager is not None:
        cache_requete.retenir(("usager_visible", user.pk, usager.pk), True)
    if usager is None or categorie not in categories_permises(user, usager, action):
        audit_refusal(
            acteur=user if isinstance(user, Utilisateur) else None,
            request=request,
            objet_type=Usager._meta.label,
            objet_id=pk,
        )
        raise Http404
    return usager


def usager_consulter(
    request: HttpRequest, pk: Any, *, categorie: str = Categorie.ADMINISTRATIF
) -> Usager:
    """Open a usager's record for reading: the policy check and its "lecture" audit row in
    one call, for views and API endpoints that display a record or a category of it."""
    user = current_user(request)
    usager = usager_get(user, pk, categorie=categorie, request=request)
    audit_record(
        acteur=user,
        action=AuditAction.LECTURE,
        usager=usager,
        categorie=categorie,
        request=request,
    )
    return usager


def acces_exceptionnel_en_cours(user: AnyUser) -> QuerySet[AccesExceptionnel]:
    """Break-the-glass accesses of the user still in force (shown on every page)."""
    if not isinstance(user, Utilisateur):
        return AccesExceptionnel.objects.none()
    now = timezone.now()
    return AccesExceptionnel.objects.filter(utilisateur=user, debut__lte=now, fin__gt=now)


def acces_exceptionnels_en_cours_liste(user: AnyUser) -> list[AccesExceptionnel]:
    """The same accesses, with their usager, read once per request: the banner of every page
    and the audit rows of the page (break-the-glass flag) both need them."""
    if not isinstance(user, Utilisateur):
        return []
    return cache_requete.memo(
        ("acces_exceptionnels", user.pk),
        lambda: list(acces_exceptionnel_en_cours(user).select_related("usager")),
    )


def audit_can_read(user: AnyUser, usager: Usager) -> bool:
    """ "Qui a consulté ce dossier": heads of service and directors who may open the record,
    and the organisme's data protection officer."""
    if not isinstance(user, Utilisateur) or not user.is_active:
        return False
    if user.is_dpo and user.organisme_id == usager.organisme_id:
        return True
    if user.profession not in (Profession.CHEF_SERVICE, Profession.DIRECTEUR):
        return False
    return usagers_visibles(user).filter(pk=usager.pk).exists()


# ---------------------------------------------------------------------------
# Managing the policy: care team, objections, the organisme's matrix
# ---------------------------------------------------------------------------
# A care-team membership opens the record to its member: deciding it is a management act.
EQUIPE_GESTIONNAIRES = frozenset({Profession.CHEF_SERVICE, Profession.DIRECTEUR})
# Objections are administrative data of the person, often received at the front desk.
OPPOSITION_GESTIONNAIRES = frozenset(
    {Profession.CHEF_SERVICE, Profession.DIRECTEUR, Profession.SECRETAIRE}
)
# Whoever may reach the "Équipe et oppositions" page of a record.
PARTAGE_GESTIONNAIRES = EQUIPE_GESTIONNAIRES | OPPOSITION_GESTIONNAIRES


def _may_write_administratif(user: AnyUser, usager: Usager) -> bool:
    return usager_can(user, usager, Categorie.ADMINISTRATIF, Action.ECRIRE)


def equipe_can_manage(user: AnyUser, usager: Usager) -> bool:
    """Adding or ending care-team memberships: heads of service and directors who may write
    the administrative record of this person."""
    pro = professional(user)
    if pro is None:
        return False
    if pro.profession not in EQUIPE_GESTIONNAIRES:
        return False
    return _may_write_administratif(pro, usager)


def opposition_can_manage(user: AnyUser, usager: Usager) -> bool:
    """Recording or withdrawing the person's objections: heads of service, directors and
    secretaries who may write the administrative record of this person."""
    pro = professional(user)
    if pro is None:
        return False
    if pro.profession not in OPPOSITION_GESTIONNAIRES:
        return False
    return _may_write_administratif(pro, usager)


def matrice_can_manage(user: AnyUser) -> bool:
    """Adjusting the organisme's matrix (RegleAcces): directors and the organisme's technical
    administrators. An installation-wide administrator (no organisme) has no matrix to
    adjust."""
    if not isinstance(user, Utilisateur) or not user.is_active:
        return False
    if user.organisme_id is None:
        return False
    return _is_organisation_wide(user)


def acces_exceptionnel_can_review(user: AnyUser, usager: Usager) -> bool:
    """Marking a break-the-glass access as reviewed: whoever reads "Qui a consulté ce
    dossier" (heads of service, directors, data protection officer)."""
    return audit_can_read(user, usager)
