"""Reads of the usager record, always through the access policy (securite.access).

`ins_partageable` is the one gate of the INS: every output that leaves the system (document,
export, API) asks it, and it answers only for a qualified identity.
"""

import datetime
import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from securite import access
from securite.models import Action, Categorie, Utilisateur

from .identifiants import matricule_ins_validate, normalise_text
from .models import (
    Contact,
    DecisionOrientation,
    Evaluation,
    IdentiteINS,
    JustificatifIdentite,
    MesureProtection,
    Sejour,
    StatutIdentite,
    Usager,
)

PAGE_SIZE = 50


# ---------------------------------------------------------------------------------------------
# The INS gate
# ---------------------------------------------------------------------------------------------
def ins_partageable(usager: Usager) -> IdentiteINS | None:
    """The INS of the usager if, and only if, it may be shared: the identity is qualifiée
    (RNIV: récupérée by INSi and validée on a high-trust document) and carries neither the
    "douteuse" nor the "fictive" attribute. Everything that leaves the system (documents,
    exports, the API) reads the INS here and nowhere else. Inside the product, the UI uses
    the same gate: an unqualified matricule is never displayed, only its status."""
    if usager.statut_identite != StatutIdentite.QUALIFIEE:
        return None
    if usager.is_douteuse or usager.is_fictive:
        return None
    try:
        return usager.ins
    except IdentiteINS.DoesNotExist:
        return None


# ---------------------------------------------------------------------------------------------
# Lists and search
# ---------------------------------------------------------------------------------------------
class Presence:
    PRESENTS = "presents"
    SORTIS = "sortis"
    TOUS = "tous"
    CHOICES = (
        (PRESENTS, "Présents aujourd'hui"),
        (SORTIS, "Sortis"),
        (TOUS, "Tous"),
    )


@dataclass
class UsagerPage:
    usagers: list[Usager]
    suivant: int | None  # id of the last row when there is a next page (keyset cursor)
    criteres: list[str] = field(default_factory=list)


def _en_cours(jour: datetime.date) -> Q:
    return Q(date_entree__lte=jour) & (Q(date_sortie__isnull=True) | Q(date_sortie__gte=jour))


# The columns a list row shows (page and API): identity and status, not the address or the
# photo. Reading 50 full rows and building their model instances was a tenth of the page.
LIST_FIELDS = (
    "id",
    "organisme_id",
    "identifiant_local",
    "nom_naissance",
    "premier_prenom_naissance",
    "nom_utilise",
    "prenom_utilise",
    "date_naissance",
    "precision_date_naissance",
    "sexe",
    "statut_identite",
    "is_douteuse",
    "is_fictive",
    "is_homonyme",
)


@dataclass(frozen=True)
class SejourCourant:
    """A current stay as a row of a list shows it."""

    etablissement: str
    unite: str  # "" for a stay without a unit


def _avec_sejours_courants(usagers: list[Usager], jour: datetime.date) -> list[Usager]:
    """Give each person of a page `sejours_courants` (names of the establishment and unit of
    each stay current on `jour`, latest admission first): one query, names only (building
    three model instances per stay was a tenth of a list page)."""
    par_usager: dict[int, list[SejourCourant]] = {usager.pk: [] for usager in usagers}
    if par_usager:
        for usager_id, etablissement, unite in (
            Sejour.objects.filter(_en_cours(jour), usager_id__in=list(par_usager))
            .order_by("-date_entree", "pk")
            .values_list("usager_id", "etablissement__nom", "unite__nom")
        ):
            par_usager[usager_id].append(SejourCourant(etablissement, unite or ""))
    for usager in usagers:
        usager.sejours_courants = par_usager[usager.pk]  # type: ignore[attr-defined]
    return usagers


def _filtre_lieu(
    queryset: QuerySet[Usager],
    *,
    jour: datetime.date,
    presence: str,
    etablissement_id: int | None,
    unite_id: int | None,
) -> QuerySet[Usager]:
    lieu = Q()
    if etablissement_id:
        lieu &= Q(etablissement_id=etablissement_id)
    if unite_id:
        lieu &= Q(unite_id=unite_id)
    courant = Sejour.objects.filter(lieu, _en_cours(jour), usager=OuterRef("pk"))
    if presence == Presence.PRESENTS:
        return queryset.filter(Exists(courant))
    passe = Sejour.objects.filter(lieu, usager=OuterRef("pk"), date_sortie__lt=jour)
    if presence == Presence.SORTIS:
        return queryset.filter(Exists(passe)).exclude(Exists(courant))
    if etablissement_id or unite_id:
        tout = Sejour.objects.filter(lieu, usager=OuterRef("pk"))
        return queryset.filter(Exists(tout))
    return queryset


def _page(
    queryset: QuerySet[Usager], apres: int | None, limit: int, jour: datetime.date
) -> UsagerPage:
    """Keyset pagination on (birth name, first name, id): constant cost at any depth. The
    cursor is the id of the last row shown, never a name (no identity in URLs). Each person
    comes with their current stays."""
    if apres:
        last = (
            Usager.objects.filter(pk=apres)
            .values_list("nom_naissance", "premier_prenom_naissance", "id")
            .first()
        )
        if last is not None:
            nom, prenom, pk = last
            queryset = queryset.filter(
                Q(nom_naissance__gt=nom)
                | Q(nom_naissance=nom, premier_prenom_naissance__gt=prenom)
                | Q(nom_naissance=nom, premier_prenom_naissance=prenom, id__gt=pk)
            )
    rows = list(
        queryset.only(*LIST_FIELDS).order_by("nom_naissance", "premier_prenom_naissance", "id")[
            : limit + 1
        ]
    )
    suivant = rows[limit - 1].pk if len(rows) > limit else None
    return UsagerPage(_avec_sejours_courants(rows[:limit], jour), suivant)


def usager_list(
    *,
    user: Utilisateur,
    jour: datetime.date,
    presence: str = Presence.PRESENTS,
    etablissement_id: int | None = None,
    unite_id: int | None = None,
    apres: int | None = None,
    limit: int = PAGE_SIZE,
) -> UsagerPage:
    """Usagers the user may open, by establishment/unit, present or left (3 queries a page:
    the page, its current stays, and the cursor row when paging)."""
    queryset = access.usagers_visibles_liste(user, jour).actifs()  # type: ignore[attr-defined]
    queryset = _filtre_lieu(
        queryset,
        jour=jour,
        presence=presence,
        etablissement_id=etablissement_id,
        unite_id=unite_id,
    )
    return _page(queryset, apres, limit, jour)


# Above this many people matching the words of a search, the page is read in name order.
RECHERCHE_PAR_INDEX = 1000


def usager_search(
    *,
    user: Utilisateur,
    jour: datetime.date,
    texte: str = "",
    date_naissance: datetime.date | None = None,
    limit: int = PAGE_SIZE,
) -> UsagerPage:
    """Find a usager by name (birth or used, accent- and case-insensitive, any order of the
    words, hyphens as spaces), by birth date, by matricule INS or by local identifier.

    Words must all appear in the names; when nothing matches and the database is PostgreSQL,
    close spellings are proposed by trigram similarity ("Dupond" finds "Dupont")."""
    queryset = access.usagers_visibles_liste(user, jour).actifs()  # type: ignore[attr-defined]
    criteres: list[str] = []
    texte = (texte or "").strip()
    if date_naissance is not None:
        queryset = queryset.filter(date_naissance=date_naissance)
        criteres.append("date_naissance")
    identifiant = _identifiant(texte)
    if identifiant is not None:
        kind, value = identifiant
        criteres.append(kind)
        if kind == "ins":
            queryset = queryset.filter(ins__matricule=value)
        else:
            queryset = queryset.filter(identifiant_local__iexact=value)
        page = _page(queryset, None, limit, jour)
        page.criteres = criteres
        return page
    mots = normalise_text(texte).split()
    if mots:
        criteres.append("nom")
    exact = queryset
    for mot in mots:
        exact = exact.filter(nom_recherche__contains=mot)
    if mots and connection.vendor == "postgresql" and user.organisme_id is not None:
        # The people whose names hold the words, found through the trigram index, then put
        # in name order. In one query, PostgreSQL walks the name index until it has a page
        # of matches: every name before "Dubois" is read to find the Dubois (6 ms among
        # 20,000 people; 2 ms this way, measured). A word so common that the matches are
        # many is found soon in name order: that one query stays.
        noms = Usager.objects.actifs().filter(organisme_id=user.organisme_id)  # type: ignore[attr-defined]
        for mot in mots:
            noms = noms.filter(nom_recherche__contains=mot)
        ids = list(noms.order_by().values_list("pk", flat=True)[: RECHERCHE_PAR_INDEX + 1])
        if len(ids) <= RECHERCHE_PAR_INDEX:
            exact = exact.filter(pk__in=ids)
    page = _page(exact, None, limit, jour)
    if not page.usagers and mots and connection.vendor == "postgresql":
        page = _search_similar(queryset, " ".join(mots), jour, limit)
    page.criteres = criteres
    return page


def _identifiant(texte: str) -> tuple[str, str] | None:
    """A matricule INS (15 characters with a valid key) or a local identifier (letters and
    digits, at least one digit, no space): searched exactly, not as a name."""
    compact = texte.replace(" ", "")
    if len(compact) == 15 and compact[:1].isdigit():
        for oid in ("1.2.250.1.213.1.4.8", "1.2.250.1.213.1.4.9"):
            try:
                return "ins", matricule_ins_validate(compact, oid)
            except Exception:  # noqa: S112 - not a matricule: try the next reading
                continue
    if texte and " " not in texte and any(c.isdigit() for c in texte) and len(texte) <= 30:
        return "identifiant_local", texte
    return None


def _search_similar(
    queryset: QuerySet[Usager], terme: str, jour: datetime.date, limit: int
) -> UsagerPage:
    from django.contrib.postgres.lookups import TrigramWordSimilar
    from django.contrib.postgres.search import TrigramWordSimilarity

    # On this one field only (django.contrib.postgres is not an installed app).
    Usager._meta.get_field("nom_recherche").register_lookup(TrigramWordSimilar)

    # `trigram_word_similar` is the indexable `%>` operator (word_similarity above
    # pg_trgm.word_similarity_threshold, 0.6): the GIN index answers, no row-by-row scan.
    rows: list[Usager] = list(
        queryset.only(*LIST_FIELDS)
        .filter(nom_recherche__trigram_word_similar=terme)
        .annotate(proximite=TrigramWordSimilarity(terme, "nom_recherche"))
        .order_by("-proximite", "nom_naissance", "id")[:limit]
    )
    return UsagerPage(_avec_sejours_courants(rows, jour), None)


# ---------------------------------------------------------------------------------------------
# Duplicates
# ---------------------------------------------------------------------------------------------
def _proches(a: str, b: str) -> bool:
    a, b = normalise_text(a), normalise_text(b)
    if not a or not b:
        return False
    if a == b or a in b.split() or b in a.split():
        return True
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.8


def doublons_potentiels(
    *,
    organisme_id: int,
    nom_naissance: str,
    premier_prenom_naissance: str,
    date_naissance: datetime.date,
    sexe: str = "",
    exclude_pk: int | None = None,
) -> list[Usager]:
    """Records of the organisme that may be the same person: same birth date and close
    names (birth or used name; typos, accents, a swapped compound name), or the same names
    with the day and month of birth swapped. Not filtered by the user's scope on purpose:
    a duplicate in another establishment of the organisme is exactly what must be caught;
    callers show only the identity needed to decide (name, birth date, local identifier)."""
    swapped = None
    if date_naissance.day <= 12 and date_naissance.day != date_naissance.month:
        swapped = date_naissance.replace(month=date_naissance.day, day=date_naissance.month)
    dates = [date_naissance] + ([swapped] if swapped else [])
    candidates = Usager.objects.actifs().filter(organisme_id=organisme_id, date_naissance__in=dates)
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    candidates = candidates.order_by("nom_naissance", "id")[:200]
    found = []
    for candidate in candidates:
        same_date = candidate.date_naissance == date_naissance
        nom_proche = _proches(nom_naissance, candidate.nom_naissance) or _proches(
            nom_naissance, candidate.nom_utilise
        )
        prenom_proche = _proches(premier_prenom_naissance, candidate.premier_prenom_naissance) or (
            _proches(premier_prenom_naissance, candidate.prenom_utilise)
        )
        if not (nom_proche and prenom_proche):
            continue
        if not same_date and normalise_text(nom_naissance) != normalise_text(
            candidate.nom_naissance
        ):
            continue
        found.append(candidate)
    return found


# ---------------------------------------------------------------------------------------------
# The record
# ---------------------------------------------------------------------------------------------
def usager_ids_dossier(usager: Usager) -> list[int]:
    """The usager and the records merged into it (their history belongs to this record)."""
    ids = [usager.pk]
    frontier = [usager.pk]
    while frontier:
        frontier = list(
            Usager.objects.filter(fusionne_dans__in=frontier).values_list("pk", flat=True)
        )
        ids.extend(frontier)
    return ids


@dataclass
class Dossier:
    usager: Usager
    ins: IdentiteINS | None  # only through ins_partageable
    sejours: Sequence[Sejour]
    justificatifs: Sequence[JustificatifIdentite]
    contacts: Sequence[Contact] | None  # None: category not permitted
    mesures: Sequence[MesureProtection] | None
    decisions: Sequence[DecisionOrientation] | None
    evaluations: Sequence[Evaluation] | None
    categories: frozenset[str]
    peut_ecrire: frozenset[str]
    doublons_fusionnes: Sequence[Usager] = ()

    @property
    def sejours_en_cours(self) -> list[Sejour]:
        today = datetime.date.today()  # noqa: DTZ011 - same calendar as the template
        return [s for s in self.sejours if s.is_en_cours(today)]


def usager_dossier(*, user: Utilisateur, usager: Usager) -> Dossier:
    """Everything the record page shows, each part only if the user may read its category:
    identity and stays (administratif), entourage, protection and orientation (social),
    GIR (soins)."""
    lire = access.categories_permises(user, usager, Action.LIRE)
    ecrire = access.categories_permises(user, usager, Action.ECRIRE)
    ids = usager_ids_dossier(usager)
    social = Categorie.SOCIAL in lire
    return Dossier(
        usager=usager,
        ins=ins_partageable(usager),
        sejours=list(
            Sejour.objects.filter(usager_id__in=ids)
            .select_related("etablissement", "unite")
            .order_by("-date_entree")
        ),
        justificatifs=list(
            JustificatifIdentite.objects.filter(usager_id__in=ids).select_related("verifie_par")
        ),
        contacts=list(Contact.objects.filter(usager_id__in=ids)) if social else None,
        mesures=list(
            MesureProtection.objects.filter(usager_id__in=ids).select_related("mandataire_contact")
        )
        if social
        else None,
        decisions=list(DecisionOrientation.objects.filter(usager_id__in=ids)) if social else None,
        evaluations=list(Evaluation.objects.filter(usager_id__in=ids).select_related("evaluateur"))
        if Categorie.SOINS in lire
        else None,
        categories=lire,
        peut_ecrire=ecrire,
        doublons_fusionnes=list(Usager.objects.filter(pk__in=ids[1:])),
    )
