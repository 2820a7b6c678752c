"""Reads of the daily support, always through the access policy, each in a constant number of
queries: "ma journée", a person's timeline, the week of a unit, curves of observations."""

import base64
import binascii
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property, reduce
from operator import or_
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from dui.models import Etablissement, Unite
from securite import access
from securite.models import Action, Categorie, Utilisateur
from usagers.models import Sejour, Usager
from usagers.projet.access import CATEGORIE as PROJET_CATEGORIE
from usagers.projet.models import (
    STATUTS_EN_VIGUEUR,
    Bilan,
    EvaluationObjectif,
    Objectif,
    ProjetPersonnalise,
)
from usagers.selectors import usager_ids_dossier

from . import presence
from .acces import incident_can_manage, incidents_visibles
from .models import (
    EVENEMENT_DUREE_MAX,
    AbsencePrevue,
    Evenement,
    EvenementIndesirable,
    Observation,
    Participant,
    Presence,
    Releve,
    SourcePresence,
    StatutIncident,
    Transmission,
    add_months,
)

# "Ma journée": the handover shows at least the last day, and at most this many notes (the
# others are in each person's timeline).
RELEVE_FENETRE = timedelta(hours=24)
RELEVE_MAX = 50
ALERTES_FENETRE = timedelta(hours=48)
CHRONOLOGIE_TAILLE = 50
A_VENIR_JOURS = 14


# Columns "ma journée" shows of a stay and its person, and the author's columns it never shows
# (long lists: a person is loaded once per card, an author once per note).
SEJOUR_CHAMPS = (
    "usager_id",
    "unite_id",
    "etablissement_id",
    "mode_accueil",
    "date_entree",
    "date_sortie",
    "usager__nom_naissance",
    "usager__nom_utilise",
    "usager__premier_prenom_naissance",
    "usager__prenom_utilise",
    "usager__organisme_id",
)
AUTEUR_DIFFERE = ("auteur__password", "auteur__last_login", "auteur__email", "auteur__date_joined")


def _debut_jour(jour: date) -> datetime:
    return timezone.make_aware(datetime.combine(jour, time.min))


def _par_categories(
    categories: dict[int, frozenset[str]],
    *,
    usager: str = "usager_id",
    categorie: str = "categorie",
) -> Q:
    """WHERE clause "this usager's rows in the categories permitted for them", grouping the
    usagers that share the same categories (most of them), so it stays short."""
    groupes: dict[frozenset[str], list[int]] = defaultdict(list)
    for usager_id, cats in categories.items():
        if cats:
            groupes[cats].append(usager_id)
    if not groupes:
        return Q(pk__in=[])
    return reduce(
        or_,
        (
            Q(**{f"{usager}__in": ids, f"{categorie}__in": sorted(cats)})
            for cats, ids in groupes.items()
        ),
    )


def _participations(debut: datetime, fin: datetime) -> QuerySet[Participant]:
    """Participations in the events overlapping [debut, fin), oldest first, with their event.
    Every category: an event the user may not read still shows as a busy slot."""
    return (
        Participant.objects.filter(
            categorie__in=Categorie.values,
            debut__gte=debut - EVENEMENT_DUREE_MAX,
            debut__lt=fin,
            evenement__fin__gt=debut,
        )
        .select_related("evenement")
        .order_by("debut", "evenement_id")
    )


def _evenements_sans_participant(debut: datetime, fin: datetime) -> QuerySet[Evenement]:
    """Events of a unit with nobody in particular (a unit outing), overlapping [debut, fin)."""
    return Evenement.objects.filter(
        debut__gte=debut - EVENEMENT_DUREE_MAX,
        debut__lt=fin,
        fin__gt=debut,
        participants__isnull=True,
    ).order_by("debut")


# ---------------------------------------------------------------------------
# Ma journée
# ---------------------------------------------------------------------------
@dataclass
class Personne:
    sejour: Sejour
    etat: presence.EtatJour
    evenements: list[Evenement] = field(default_factory=list)
    non_lues: int = 0
    alertes: int = 0
    lecture: frozenset[str] = frozenset()
    ecriture: frozenset[str] = frozenset()

    @property
    def usager(self) -> Usager:
        return self.sejour.usager

    @cached_property
    def nom(self) -> str:
        """Displayed name, computed once: a person's card shows it three times."""
        return f"{self.usager.nom_affiche} {self.usager.prenom_affiche}"

    @property
    def peut_ecrire(self) -> bool:
        return bool(self.ecriture)


@dataclass
class UniteDuJour:
    unite: Unite
    presents: list[Personne]
    absents: list[Personne]
    evenements: list[Evenement]


@dataclass(frozen=True)
class Alerte:
    niveau: str  # "haute" or "moyenne"
    texte: str
    usager: Usager | None
    url_nom: str
    url_pk: int


@dataclass
class MaJournee:
    jour: date
    unites: list[UniteDuJour]
    transmissions: list[Transmission]
    transmissions_plus: bool
    lu_jusqu_au: datetime | None
    alertes: list[Alerte]
    usager_ids_lus: list[int]

    @property
    def non_lues(self) -> int:
        return sum(1 for t in self.transmissions if getattr(t, "is_non_lue", False))


def ma_journee(*, user: Utilisateur, maintenant: datetime | None = None) -> MaJournee:
    """The home of a field professional: people of their units today (present, absent), their
    agenda, the transmissions since the last handover (unread marked) and the alerts."""
    maintenant = maintenant or timezone.now()
    jour = timezone.localdate(maintenant)
    debut, lendemain = _debut_jour(jour), _debut_jour(jour + timedelta(days=1))
    unites = list(
        access.unites_visibles(user).select_related("etablissement").order_by("nom", "pk")
    )
    sejours = list(
        access.sejours_en_cours_visibles(user, jour)
        .filter(unite__in=[u.pk for u in unites])
        .select_related("usager")
        .only(*SEJOUR_CHAMPS)
        .order_by("usager__nom_naissance", "usager__premier_prenom_naissance", "pk")
    )
    ids = sorted({s.usager_id for s in sejours})
    droits = access.droits_par_usager(user, ids)
    lecture = {i: d.lecture for i, d in droits.items()}

    absences: dict[int, list[AbsencePrevue]] = defaultdict(list)
    for absence in AbsencePrevue.objects.filter(usager_id__in=ids, debut__lte=jour, fin__gte=jour):
        absences[absence.usager_id].append(absence)
    saisies: dict[int, list[presence.Ligne]] = defaultdict(list)
    for row in Presence.objects.filter(usager_id__in=ids, jour=jour, source=SourcePresence.SAISIE):
        saisies[row.usager_id].append(
            presence.Ligne(row.periode, row.statut, row.motif_absence, row.is_absence_prevue)
        )
    evenements: dict[int, list[Evenement]] = defaultdict(list)
    for participant in _participations(debut, lendemain).filter(usager_id__in=ids):
        evenement = participant.evenement
        evenement.is_lisible = participant.categorie in lecture[participant.usager_id]  # type: ignore[attr-defined]
        evenements[participant.usager_id].append(evenement)
    evenements_unite: dict[int, list[Evenement]] = defaultdict(list)
    for evenement in _evenements_sans_participant(debut, lendemain).filter(
        unite__in=[u.pk for u in unites]
    ):
        evenement.is_lisible = True  # type: ignore[attr-defined]
        evenements_unite[evenement.unite_id].append(evenement)  # type: ignore[index]

    releve = Releve.objects.filter(utilisateur=user).values_list("lu_jusqu_au", flat=True).first()
    depuis = maintenant - RELEVE_FENETRE
    if releve is not None:
        depuis = min(depuis, releve)
    usagers = {s.usager_id: s.usager for s in sejours}
    # The newest ids first on the narrow index, then the rows: a day of a unit holds hundreds
    # of notes, and sorting them with their ciphertexts is what costs.
    recentes = (
        Transmission.objects.filter(_par_categories(lecture), ecrite_le__gt=depuis)
        .order_by("-ecrite_le", "-pk")
        .values("pk")[: RELEVE_MAX + 1]
    )
    transmissions = list(
        Transmission.objects.filter(pk__in=recentes)
        .select_related("auteur__professionnel", "complete__auteur")
        .defer(*AUTEUR_DIFFERE, *(f"complete__{f}" for f in AUTEUR_DIFFERE))
        .order_by("-ecrite_le", "-pk")[: RELEVE_MAX + 1]
    )
    for transmission in transmissions:
        transmission.usager = usagers[transmission.usager_id]
    plus = len(transmissions) > RELEVE_MAX
    transmissions = transmissions[:RELEVE_MAX]
    non_lues: dict[int, int] = defaultdict(int)
    for transmission in transmissions:
        transmission.is_non_lue = transmission.auteur_id != user.pk and (  # type: ignore[attr-defined]
            releve is None or transmission.ecrite_le > releve
        )
        if transmission.is_non_lue:  # type: ignore[attr-defined]
            non_lues[transmission.usager_id] += 1

    alertes, par_usager = _alertes(
        user=user, lecture=lecture, usagers=usagers, maintenant=maintenant
    )
    personnes: dict[int, list[Personne]] = defaultdict(list)
    for sejour in sejours:
        etat = presence.etat_jour(
            jour=jour,
            mode_accueil=sejour.mode_accueil,
            absences=absences[sejour.usager_id],
            saisies=saisies[sejour.usager_id],
        )
        personnes[sejour.unite_id].append(  # type: ignore[index]
            Personne(
                sejour=sejour,
                etat=etat,
                evenements=evenements[sejour.usager_id],
                non_lues=non_lues[sejour.usager_id],
                alertes=par_usager[sejour.usager_id],
                lecture=droits[sejour.usager_id].lecture,
                ecriture=droits[sejour.usager_id].ecriture,
            )
        )
    unites_du_jour = [
        UniteDuJour(
            unite=unite,
            presents=[p for p in personnes[unite.pk] if p.etat.is_present or not p.etat.lignes],
            absents=[p for p in personnes[unite.pk] if p.etat.lignes and not p.etat.is_present],
            evenements=evenements_unite[unite.pk],
        )
        for unite in unites
    ]
    lus = {t.usager_id for t in transmissions} | {a.usager.pk for a in alertes if a.usager}
    return MaJournee(
        jour=jour,
        unites=unites_du_jour,
        transmissions=transmissions,
        transmissions_plus=plus,
        lu_jusqu_au=releve,
        alertes=alertes,
        usager_ids_lus=sorted(lus),
    )


def _alertes(
    *,
    user: Utilisateur,
    lecture: dict[int, frozenset[str]],
    usagers: dict[int, Usager],
    maintenant: datetime,
) -> tuple[list[Alerte], dict[int, int]]:
    """Abnormal observations of the last two days, support plans due for re-evaluation, and
    adverse events with a step due."""
    alertes: list[Alerte] = []
    par_usager: dict[int, int] = defaultdict(int)
    for observation in (
        Observation.objects.filter(
            _par_categories(lecture),
            is_anormale=True,
            mesuree_le__gte=maintenant - ALERTES_FENETRE,
        )
        .only("usager_id", "mesuree_le", "motif_anomalie")
        .order_by("-mesuree_le")[:50]
    ):
        local = timezone.localtime(observation.mesuree_le)
        alertes.append(
            Alerte(
                "haute",
                f"{observation.motif_anomalie} — {local:%d/%m à %H:%M}",
                usagers[observation.usager_id],
                "quotidien:observations",
                observation.usager_id,
            )
        )
        par_usager[observation.usager_id] += 1
    jour = timezone.localdate(maintenant)
    limite = jour + timedelta(days=settings.PROJET_ALERTE_JOURS)
    for projet in (
        ProjetPersonnalise.objects.filter(
            usager_id__in=[i for i, cats in lecture.items() if PROJET_CATEGORIE in cats],
            statut__in=STATUTS_EN_VIGUEUR,
            date_reevaluation__lte=limite,
        )
        .only("usager_id", "date_reevaluation")
        .order_by("date_reevaluation", "pk")[:20]
    ):
        echeance = projet.date_reevaluation or jour  # never None: filtered above
        retard = echeance < jour
        alertes.append(
            Alerte(
                "haute" if retard else "moyenne",
                f"Projet personnalisé à réévaluer {'depuis' if retard else 'avant'} le "
                f"{echeance:%d/%m/%Y}",
                usagers[projet.usager_id],
                "projet:detail",
                projet.pk,
            )
        )
    if incident_can_manage(user):
        for incident in incidents_a_suivre(user)[:20]:
            alertes.append(
                Alerte(
                    "haute" if incident.is_eigs else "moyenne",
                    f"{incident} : {incident.a_faire}",  # type: ignore[attr-defined]
                    None,
                    "quotidien:incident",
                    incident.pk,
                )
            )
    return alertes, par_usager


def incidents_a_suivre(user: Utilisateur) -> list[EvenementIndesirable]:
    """Events with a step to do: analysis not started, EIGS part missing, report to send."""
    today = timezone.localdate()
    pending = (
        incidents_visibles(user)
        .exclude(statut=StatutIncident.CLOS)
        .filter(
            Q(statut=StatutIncident.DECLARE)
            | Q(is_eigs=True, eigs_partie2_le__isnull=True)
            | Q(signalement_nature__gt="", signalement_le__isnull=True)
        )
        .select_related("etablissement")
        .order_by("survenu_le")
    )
    result = []
    for incident in pending:
        incident.a_faire = incident_a_faire(incident, today)  # type: ignore[attr-defined]
        result.append(incident)
    return result


@dataclass(frozen=True)
class IncidentsCompteurs:
    """Counts of the director's dashboard."""

    a_suivre: int
    eigs_en_retard: int
    declares_30_jours: int


def incidents_compter(*, user: Utilisateur, jour: date) -> IncidentsCompteurs:
    """Adverse events the user may see: with a step to do, serious events whose second part
    is late (three months after the first), declared in the last 30 days. One query."""
    visibles = incidents_visibles(user)
    a_suivre = (
        Q(statut=StatutIncident.DECLARE)
        | Q(is_eigs=True, eigs_partie2_le__isnull=True)
        | Q(signalement_nature__gt="", signalement_le__isnull=True)
    )
    # add_months(partie 1, 3) < jour  <=>  partie 1 < jour - 3 months (same month arithmetic).
    limite = datetime.combine(
        add_months(jour, -3), time.min, tzinfo=timezone.get_current_timezone()
    )
    counts = visibles.aggregate(
        a_suivre=Count("pk", filter=a_suivre & ~Q(statut=StatutIncident.CLOS)),
        eigs_en_retard=Count(
            "pk",
            filter=Q(
                is_eigs=True,
                eigs_partie2_le__isnull=True,
                eigs_partie1_le__lt=limite,
            )
            & ~Q(statut=StatutIncident.CLOS),
        ),
        declares_30_jours=Count(
            "pk",
            filter=Q(
                declare_le__gte=datetime.combine(
                    jour - timedelta(days=30), time.min, tzinfo=timezone.get_current_timezone()
                )
            ),
        ),
    )
    return IncidentsCompteurs(**counts)


def incident_a_faire(incident: EvenementIndesirable, today: date) -> str:
    if incident.is_eigs and incident.eigs_partie1_le is None:
        return "EIGS, partie 1 à transmettre à l'ARS sans délai"
    echeance = incident.eigs_partie2_echeance
    if incident.is_eigs and incident.eigs_partie2_le is None and echeance:
        if echeance < today:
            return f"EIGS, partie 2 en retard (échéance du {echeance:%d/%m/%Y})"
        return f"EIGS, partie 2 à transmettre avant le {echeance:%d/%m/%Y}"
    if incident.statut == StatutIncident.DECLARE:
        return "analyse à commencer"
    return "à suivre"


# ---------------------------------------------------------------------------
# Timeline of a person
# ---------------------------------------------------------------------------
class Genre:
    TRANSMISSION = "transmission"
    OBSERVATION = "observation"
    INCIDENT = "incident"
    EVENEMENT = "evenement"
    PROJET = "projet"
    # Events of the support plan besides its validation; the "projet" filter shows them too.
    EVALUATION = "evaluation"
    BILAN = "bilan"
    CHOICES = (
        (TRANSMISSION, "Transmissions"),
        (OBSERVATION, "Observations"),
        (INCIDENT, "Événements indésirables"),
        (EVENEMENT, "Agenda"),
        (PROJET, "Projet personnalisé"),
    )
    PROJET_ET_SUIVI = frozenset({PROJET, EVALUATION, BILAN})
    TOUS = frozenset(code for code, _ in CHOICES) | PROJET_ET_SUIVI


@dataclass(frozen=True)
class Source:
    """One table of the timeline: its rows for a person, newest first, by an index on
    (usager, categorie, date, id). `rang` breaks ties between tables at the same date."""

    genre: str
    rang: int
    table: str
    id_column: str
    date_column: str
    categorie_column: str | None
    # Parameters of `table` when it is a subquery.
    table_params: tuple[Any, ...] = ()


def _sources() -> dict[str, Source]:
    def cols(model: Any, id_field: str, date_field: str, categorie: str | None) -> tuple:
        meta = model._meta
        return (
            meta.db_table,
            meta.get_field(id_field).column,
            meta.get_field(date_field).column,
            meta.get_field(categorie).column if categorie else None,
        )

    return {
        Genre.TRANSMISSION: Source(
            Genre.TRANSMISSION, 4, *cols(Transmission, "id", "ecrite_le", "categorie")
        ),
        Genre.OBSERVATION: Source(
            Genre.OBSERVATION, 3, *cols(Observation, "id", "mesuree_le", "categorie")
        ),
        Genre.INCIDENT: Source(
            Genre.INCIDENT, 2, *cols(EvenementIndesirable, "id", "survenu_le", None)
        ),
        Genre.EVENEMENT: Source(
            Genre.EVENEMENT, 1, *cols(Participant, "evenement", "debut", "categorie")
        ),
        # Validation of a support plan (usagers/projet), in its category (educatif).
        Genre.PROJET: Source(Genre.PROJET, 0, *cols(ProjetPersonnalise, "id", "valide_le", None)),
        # Evaluations of the plans' objectives and reviews of the plans, at the start of their
        # day: reached through the plan (few rows per person, found by the plan's usager index).
        Genre.EVALUATION: _source_projet(
            Genre.EVALUATION,
            5,
            f"SELECT e.id, e.date, p.usager_id FROM {EvaluationObjectif._meta.db_table} e "  # noqa: S608
            f"JOIN {Objectif._meta.db_table} o ON o.id = e.objectif_id "
            f"JOIN {ProjetPersonnalise._meta.db_table} p ON p.id = o.projet_id",
        ),
        Genre.BILAN: _source_projet(
            Genre.BILAN,
            6,
            f"SELECT b.id, b.date, p.usager_id FROM {Bilan._meta.db_table} b "  # noqa: S608
            f"JOIN {ProjetPersonnalise._meta.db_table} p ON p.id = b.projet_id",
        ),
    }


def _source_projet(genre: str, rang: int, select: str) -> Source:
    """A source of dated rows (id, date, usager_id) of the support plan, as a subquery whose
    date becomes the start of the day in the current time zone (as `_debut_jour`, so cursors
    built from the loaded objects match the SQL)."""
    table = (
        f"(SELECT s.id, (s.date::timestamp AT TIME ZONE %s) AS quand, s.usager_id "  # noqa: S608 - table names from model meta
        f"FROM ({select}) AS s) AS {genre}"
    )
    return Source(genre, rang, table, "id", "quand", None, (timezone.get_current_timezone_name(),))


@dataclass(frozen=True)
class Curseur:
    """Position after the last item of a page: (date, rang, id), opaque in URLs."""

    quand: datetime
    rang: int
    id: int

    def encode(self) -> str:
        raw = f"{self.quand.isoformat()}|{self.rang}|{self.id}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str | None) -> "Curseur | None":
        if not value:
            return None
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
            quand, rang, pk = raw.split("|")
            moment = datetime.fromisoformat(quand)
            if timezone.is_naive(moment):
                return None
            return cls(moment, int(rang), int(pk))
        except (ValueError, UnicodeDecodeError, binascii.Error):
            return None


@dataclass
class Element:
    genre: str
    quand: datetime
    objet: Any
    rang: int

    @property
    def curseur(self) -> Curseur:
        return Curseur(self.quand, self.rang, self.objet.pk)


@dataclass
class PageChronologie:
    elements: list[Element]
    suivant: Curseur | None
    categories: frozenset[str]
    genres: frozenset[str]


def _branche(
    source: Source,
    *,
    usager_ids: Sequence[int],
    categorie: str | None,
    extra: tuple[str, list[Any]] | None,
    du: datetime | None,
    au: datetime,
    curseur: Curseur | None,
    limite: int,
) -> tuple[str, list[Any]]:
    adapt = connection.ops.adapt_datetimefield_value
    where = [f"usager_id IN ({', '.join(['%s'] * len(usager_ids))})"]
    params: list[Any] = [*source.table_params, *usager_ids]
    if categorie is not None and source.categorie_column:
        where.append(f"{source.categorie_column} = %s")
        params.append(categorie)
    if extra is not None:
        where.append(extra[0])
        params.extend(extra[1])
    if du is not None:
        where.append(f"{source.date_column} >= %s")
        params.append(adapt(du))
    where.append(f"{source.date_column} < %s")
    params.append(adapt(au))
    if curseur is not None:
        if source.rang == curseur.rang:
            where.append(f"({source.date_column}, {source.id_column}) < (%s, %s)")
            params.extend([adapt(curseur.quand), curseur.id])
        elif source.rang < curseur.rang:
            where.append(f"{source.date_column} <= %s")
            params.append(adapt(curseur.quand))
        else:
            where.append(f"{source.date_column} < %s")
            params.append(adapt(curseur.quand))
    sql = (
        f"SELECT * FROM (SELECT {source.rang} AS rang, {source.id_column} AS id, "  # noqa: S608 - identifiers from model meta
        f"{source.date_column} AS quand FROM {source.table} WHERE {' AND '.join(where)} "
        f"ORDER BY {source.date_column} DESC, {source.id_column} DESC LIMIT %s) AS b"
    )
    return sql, [*params, limite]


def chronologie(
    *,
    user: Utilisateur,
    usager: Usager,
    categories: Iterable[str] | None = None,
    genres: Iterable[str] | None = None,
    du: date | None = None,
    au: date | None = None,
    curseur: Curseur | None = None,
    taille: int = CHRONOLOGIE_TAILLE,
    lecture: frozenset[str] | None = None,
) -> PageChronologie:
    """One page of a person's timeline, newest first: transmissions, observations, adverse
    events and agenda, each item filtered by the access policy (an educator never gets a
    medical note). Keyset pagination on (date, rang, id): page N costs what page 1 costs, one
    index range per table and category, whatever the number of notes. The notes of records
    merged into this one stay on them (append-only tables) and are read here too."""
    permises = access.categories_permises(user, usager, Action.LIRE) if lecture is None else lecture
    cats = permises if categories is None else permises & frozenset(categories)
    kinds = Genre.TOUS if genres is None else Genre.TOUS & frozenset(genres)
    if Genre.PROJET in kinds:
        kinds |= Genre.PROJET_ET_SUIVI
    sources = _sources()
    borne = _debut_jour((au or timezone.localdate()) + timedelta(days=1))
    debut = _debut_jour(du) if du else None
    branches: list[tuple[str, list[Any]]] = []
    usager_ids = usager_ids_dossier(usager)

    def branche(genre: str, categorie: str | None, extra: tuple[str, list[Any]] | None) -> None:
        branches.append(
            _branche(
                sources[genre],
                usager_ids=usager_ids,
                categorie=categorie,
                extra=extra,
                du=debut,
                au=borne,
                curseur=curseur,
                limite=taille + 1,
            )
        )

    for genre in (Genre.TRANSMISSION, Genre.OBSERVATION, Genre.EVENEMENT):
        if genre in kinds:
            for categorie in sorted(cats):
                branche(genre, categorie, None)
    if Genre.INCIDENT in kinds and categories is None:
        extra = _incidents_where(user)
        if extra is not None:
            branche(Genre.INCIDENT, None, extra)
    if PROJET_CATEGORIE in cats:
        if Genre.PROJET in kinds:
            branche(Genre.PROJET, None, ("valide_le IS NOT NULL", []))
        for genre in (Genre.EVALUATION, Genre.BILAN):
            if genre in kinds:
                branche(genre, None, None)
    if not branches:
        return PageChronologie([], None, cats, kinds)
    sql = " UNION ALL ".join(b[0] for b in branches) + " ORDER BY 3 DESC, 1 DESC, 2 DESC LIMIT %s"
    params = [p for b in branches for p in b[1]] + [taille + 1]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    has_more = len(rows) > taille
    rows = rows[:taille]
    objets = _charger(rows, sources)
    elements = [
        Element(genre, _date_de(genre, objet), objet, rang)
        for rang, pk, _ in rows
        for genre in [_genre_du_rang(sources, rang)]
        if (objet := objets[genre].get(pk)) is not None
    ]
    suivant = elements[-1].curseur if has_more and elements else None
    return PageChronologie(elements, suivant, cats, kinds)


def _incidents_where(user: Utilisateur) -> tuple[str, list[Any]] | None:
    pro = access.professional(user)
    if pro is None:
        return None
    if not incident_can_manage(pro):
        return "declarant_id = %s", [pro.pk]
    etablissements = list(access.etablissements_visibles(pro).values_list("pk", flat=True))
    if not etablissements:
        return "declarant_id = %s", [pro.pk]
    marks = ", ".join(["%s"] * len(etablissements))
    return f"(declarant_id = %s OR etablissement_id IN ({marks}))", [pro.pk, *etablissements]


def _genre_du_rang(sources: dict[str, Source], rang: int) -> str:
    return next(s.genre for s in sources.values() if s.rang == rang)


def _date_de(genre: str, objet: Any) -> datetime:
    return {
        Genre.TRANSMISSION: lambda o: o.ecrite_le,
        Genre.OBSERVATION: lambda o: o.mesuree_le,
        Genre.INCIDENT: lambda o: o.survenu_le,
        Genre.EVENEMENT: lambda o: o.debut,
        Genre.PROJET: lambda o: o.valide_le,
        Genre.EVALUATION: lambda o: _debut_jour(o.date),
        Genre.BILAN: lambda o: _debut_jour(o.date),
    }[genre](objet)


def _charger(rows: Sequence[tuple[int, int, Any]], sources: dict[str, Source]) -> dict[str, dict]:
    """The objects of a page, one query per table present on the page."""
    ids: dict[str, list[int]] = defaultdict(list)
    for rang, pk, _ in rows:
        ids[_genre_du_rang(sources, rang)].append(pk)
    querysets: dict[str, QuerySet[Any]] = {
        Genre.TRANSMISSION: Transmission.objects.select_related(
            "auteur__professionnel", "complete__auteur"
        ).prefetch_related(
            Prefetch(
                "addenda",
                queryset=Transmission.objects.select_related("auteur").order_by("ecrite_le"),
            )
        ),
        Genre.OBSERVATION: Observation.objects.select_related("auteur__professionnel"),
        Genre.INCIDENT: EvenementIndesirable.objects.select_related("declarant"),
        Genre.EVENEMENT: Evenement.objects.select_related("unite"),
        Genre.PROJET: ProjetPersonnalise.objects.select_related("type_projet"),
        Genre.EVALUATION: EvaluationObjectif.objects.select_related("objectif", "evaluateur"),
        Genre.BILAN: Bilan.objects.select_related("projet", "auteur"),
    }
    return {
        genre: {o.pk: o for o in querysets[genre].filter(pk__in=ids[genre])} if ids[genre] else {}
        for genre in Genre.TOUS
    }


def a_venir(
    *,
    user: Utilisateur,
    usager: Usager,
    maintenant: datetime | None = None,
    lecture: frozenset[str] | None = None,
) -> list[Any]:
    """The person's next appointments and activities (two weeks); the details of an event in
    a category the user may not read are hidden, the time slot stays."""
    maintenant = maintenant or timezone.now()
    if lecture is None:
        lecture = access.categories_permises(user, usager, Action.LIRE)
    participants = (
        Participant.objects.filter(
            usager=usager,
            debut__gte=maintenant,
            debut__lt=maintenant + timedelta(days=A_VENIR_JOURS),
        )
        .select_related("evenement")
        .order_by("debut")[:20]
    )
    result = []
    for participant in participants:
        evenement = participant.evenement
        evenement.is_lisible = participant.categorie in lecture  # type: ignore[attr-defined]
        result.append(evenement)
    return result


AGENDA_JOURS_MAX = 92


def agenda_usager(
    *,
    user: Utilisateur,
    usager: Usager,
    du: date,
    au: date,
    lecture: frozenset[str] | None = None,
) -> list[Evenement]:
    """The person's appointments and activities overlapping the days `du` to `au` (included),
    oldest first (one query on the participants' index). The details of an event in a category
    the user may not read are hidden, the time slot stays (`is_lisible`, as in `a_venir`)."""
    if lecture is None:
        lecture = access.categories_permises(user, usager, Action.LIRE)
    debut, fin = _debut_jour(du), _debut_jour(au + timedelta(days=1))
    result = []
    for participant in _participations(debut, fin).filter(usager=usager):
        evenement = participant.evenement
        evenement.is_lisible = participant.categorie in lecture  # type: ignore[attr-defined]
        result.append(evenement)
    return result


# ---------------------------------------------------------------------------
# Observations
# ---------------------------------------------------------------------------
def observations_series(
    *,
    user: Utilisateur,
    usager: Usager,
    types: Iterable[str],
    depuis: datetime,
    lecture: frozenset[str] | None = None,
) -> dict[str, list[Observation]]:
    """Measurements of a person since a date, by type, oldest first (one query)."""
    if lecture is None:
        lecture = access.categories_permises(user, usager, Action.LIRE)
    series: dict[str, list[Observation]] = {t: [] for t in types}
    for observation in Observation.objects.filter(
        usager=usager, type__in=list(series), mesuree_le__gte=depuis, categorie__in=lecture
    ).order_by("mesuree_le", "pk"):
        series[observation.type].append(observation)
    return series


def derniere_taille(*, usager: Usager, lecture: frozenset[str]) -> Observation | None:
    return (
        Observation.objects.filter(usager=usager, type="taille", categorie__in=lecture)
        .order_by("-mesuree_le")
        .first()
    )


# ---------------------------------------------------------------------------
# Week of a unit
# ---------------------------------------------------------------------------
@dataclass
class Cellule:
    jour: date
    etat: presence.EtatJour
    evenements: list[Evenement]


@dataclass
class LigneSemaine:
    usager: Usager
    cellules: list[Cellule]


@dataclass
class SemaineUnite:
    unite: Unite
    jours: list[date]
    lignes: list[LigneSemaine]
    evenements_unite: dict[date, list[Evenement]]

    @property
    def presents_par_jour(self) -> list[float]:
        """Days of presence per day (a half-day counts one half): occupancy and billing."""
        totals = []
        for index in range(len(self.jours)):
            total = 0.0
            for ligne in self.lignes:
                for row in ligne.cellules[index].etat.lignes:
                    if row.is_present:
                        total += 1.0 if row.periode == "journee" else 0.5
            totals.append(total)
        return totals


def semaine_unite(*, user: Utilisateur, unite: Unite, lundi: date) -> SemaineUnite:
    """Presence and agenda of the people of a unit over a week (constant queries)."""
    jours = [lundi + timedelta(days=i) for i in range(7)]
    dimanche = jours[-1]
    debut, fin = _debut_jour(lundi), _debut_jour(dimanche + timedelta(days=1))
    sejours = list(
        Sejour.objects.filter(unite=unite, date_entree__lte=dimanche)
        .exclude(date_sortie__lt=lundi)
        .filter(usager__in=access.usagers_visibles(user, lundi))
        .select_related("usager")
        .order_by("usager__nom_naissance", "usager__premier_prenom_naissance", "date_entree")
    )
    ids = sorted({s.usager_id for s in sejours})
    lecture = access.categories_par_usager(user, ids, Action.LIRE)
    absences: dict[int, list[AbsencePrevue]] = defaultdict(list)
    for absence in AbsencePrevue.objects.filter(
        usager_id__in=ids, debut__lte=dimanche, fin__gte=lundi
    ):
        absences[absence.usager_id].append(absence)
    saisies: dict[tuple[int, date], list[presence.Ligne]] = defaultdict(list)
    for row in Presence.objects.filter(
        usager_id__in=ids, jour__gte=lundi, jour__lte=dimanche, source=SourcePresence.SAISIE
    ):
        saisies[(row.usager_id, row.jour)].append(
            presence.Ligne(row.periode, row.statut, row.motif_absence, row.is_absence_prevue)
        )
    evenements: dict[tuple[int, date], list[Evenement]] = defaultdict(list)
    for participant in _participations(debut, fin).filter(usager_id__in=ids):
        evenement = participant.evenement
        evenement.is_lisible = participant.categorie in lecture[participant.usager_id]  # type: ignore[attr-defined]
        jour = timezone.localdate(participant.debut)
        evenements[(participant.usager_id, jour)].append(evenement)
    evenements_unite: dict[date, list[Evenement]] = defaultdict(list)
    for evenement in _evenements_sans_participant(debut, fin).filter(unite=unite):
        evenement.is_lisible = True  # type: ignore[attr-defined]
        evenements_unite[timezone.localdate(evenement.debut)].append(evenement)
    lignes: dict[int, LigneSemaine] = {}
    for sejour in sejours:
        ligne = lignes.setdefault(sejour.usager_id, LigneSemaine(sejour.usager, []))
        for jour in jours:
            if not sejour.date_entree <= jour <= (sejour.date_sortie or jour):
                continue
            ligne.cellules.append(
                Cellule(
                    jour,
                    presence.etat_jour(
                        jour=jour,
                        mode_accueil=sejour.mode_accueil,
                        absences=absences[sejour.usager_id],
                        saisies=saisies[(sejour.usager_id, jour)],
                    ),
                    evenements[(sejour.usager_id, jour)],
                )
            )
    for ligne in lignes.values():
        present = {c.jour for c in ligne.cellules}
        ligne.cellules += [
            Cellule(jour, presence.EtatJour(()), evenements[(ligne.usager.pk, jour)])
            for jour in jours
            if jour not in present
        ]
        ligne.cellules.sort(key=lambda c: c.jour)
    return SemaineUnite(unite, jours, list(lignes.values()), evenements_unite)


def presence_totaux(
    *, user: Utilisateur, etablissement_id: int, du: date, au: date
) -> dict[str, Any]:
    """Stored presence of an establishment over a period (billing days): days present, days
    absent by reason; a half-day counts one half."""
    etablissement = access.etablissement_get(user, etablissement_id)
    presence = 0.0
    absences: dict[str, float] = defaultdict(float)
    for statut, motif, periode in Presence.objects.filter(
        etablissement=etablissement, jour__gte=du, jour__lte=au
    ).values_list("statut", "motif_absence", "periode"):
        poids = 1.0 if periode == "journee" else 0.5
        if statut == "present":
            presence += poids
        else:
            absences[motif or "autre"] += poids
    return {"presence": presence, "absences": dict(absences)}


def personnes_du_jour(*, user: Utilisateur, jour: date) -> list[Usager]:
    """People with a current stay in the user's scope (choices of forms)."""
    return [
        s.usager
        for s in access.sejours_en_cours_visibles(user, jour)
        .select_related("usager")
        .order_by("usager__nom_naissance", "usager__premier_prenom_naissance")
    ]


def categories_choices(categories: frozenset[str]) -> list[tuple[str, str]]:
    """Choices of a category filter, in the order of the policy."""
    return [(c, str(label)) for c, label in Categorie.choices if c in categories]


def etablissements_du_sejour(*, usager: Usager, jour: date) -> QuerySet[Etablissement]:
    """Establishments where the person has a current stay (an incident about them is filed
    there)."""
    return Etablissement.objects.filter(
        pk__in=Sejour.objects.filter(usager=usager, date_entree__lte=jour)
        .exclude(date_sortie__lt=jour)
        .values("etablissement_id")
    ).order_by("nom")
