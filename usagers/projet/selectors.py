"""Reads of the support plan, always through usagers.projet.access."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Model, Prefetch, Q, QuerySet

from securite.models import Utilisateur

from .access import projets_visibles
from .models import (
    STATUTS_EN_VIGUEUR,
    ConceptSerafin,
    EvaluationObjectif,
    FamilleSerafin,
    Objectif,
    Prestation,
    ProjetPersonnalise,
)
from .referentiels import texte_normalise

# ---------------------------------------------------------------------------
# Due and overdue plans
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Echeances:
    en_retard: int
    a_venir: int


def _limite(jour: date) -> date:
    return jour + timedelta(days=settings.PROJET_ALERTE_JOURS)


def echeances_compter(*, user: Utilisateur, jour: date) -> Echeances:
    """Plans in force past their re-evaluation date, and due within PROJET_ALERTE_JOURS
    (one query)."""
    counts = (
        projets_visibles(user)
        .filter(statut__in=STATUTS_EN_VIGUEUR, date_reevaluation__lte=_limite(jour))
        .aggregate(
            en_retard=Count("pk", filter=Q(date_reevaluation__lt=jour)),
            a_venir=Count("pk", filter=Q(date_reevaluation__gte=jour)),
        )
    )
    return Echeances(en_retard=counts["en_retard"], a_venir=counts["a_venir"])


def echeances_liste(
    *, user: Utilisateur, jour: date, mes_projets: bool
) -> QuerySet[ProjetPersonnalise]:
    """Plans in force due within PROJET_ALERTE_JOURS or overdue, the most overdue first.
    `mes_projets`: only those where the user is référent or named."""
    queryset = projets_visibles(user).filter(
        statut__in=STATUTS_EN_VIGUEUR, date_reevaluation__lte=_limite(jour)
    )
    if mes_projets:
        queryset = queryset.filter(
            Q(referent=user) | Q(pk__in=user.participations_projet.values("projet_id"))
        )
    # Only the columns the list shows: a person's row is wide (identity, INS traits...).
    return (
        queryset.select_related("usager", "type_projet", "referent", "etablissement")
        .only(
            "version",
            "statut",
            "date_reevaluation",
            "usager__nom_naissance",
            "usager__nom_utilise",
            "usager__premier_prenom_naissance",
            "usager__prenom_utilise",
            "type_projet__code",
            "etablissement__nom",
            "referent__username",
            "referent__first_name",
            "referent__last_name",
        )
        .order_by("date_reevaluation", "id")
    )


# ---------------------------------------------------------------------------
# One plan
# ---------------------------------------------------------------------------


def projet_complet(projet: ProjetPersonnalise) -> ProjetPersonnalise:
    """The plan with everything its page, its PDF and its FALC version show, in a constant
    number of queries."""
    evaluations = EvaluationObjectif.objects.select_related("evaluateur").order_by("-date", "-id")
    objectifs = Objectif.objects.select_related("besoin__code", "referent").prefetch_related(
        Prefetch("evaluations", queryset=evaluations)
    )
    prestations = Prestation.objects.select_related("code", "responsable").prefetch_related(
        "objectifs"
    )
    return (
        ProjetPersonnalise.objects.select_related(
            "usager", "etablissement", "type_projet", "referent", "precedent"
        )
        .prefetch_related(
            "attentes",
            "besoins__code",
            Prefetch("objectifs", queryset=objectifs),
            Prefetch("prestations", queryset=prestations),
            "participants__utilisateur",
            "accords__enregistre_par",
            "bilans__auteur",
        )
        .get(pk=projet.pk)
    )


def projet_de_vie(projet: ProjetPersonnalise) -> Any:
    try:
        return projet.projet_de_vie
    except ProjetPersonnalise.projet_de_vie.RelatedObjectDoesNotExist:
        return None


def derniere_evaluation(objectif: Objectif) -> EvaluationObjectif | None:
    """The latest evaluation (from the prefetched, date-descending list)."""
    evaluations = list(objectif.evaluations.all())
    return evaluations[0] if evaluations else None


def projet_versions(projet: ProjetPersonnalise) -> list[ProjetPersonnalise]:
    """Every version of this person's plan of this type, newest first."""
    return list(
        ProjetPersonnalise.objects.filter(
            usager=projet.usager_id, type_projet=projet.type_projet_id
        )
        .select_related("referent", "type_projet")
        .order_by("-version", "-created_at")
    )


def usager_projets(usager_id: int) -> list[ProjetPersonnalise]:
    return list(
        ProjetPersonnalise.objects.filter(usager_id=usager_id)
        .select_related("type_projet", "referent", "etablissement")
        .order_by("type_projet__code", "-version")
    )


# ---------------------------------------------------------------------------
# Readable diff between two versions
# ---------------------------------------------------------------------------


@dataclass
class Changement:
    section: str
    nature: str  # "ajouté", "retiré", "modifié", "non repris"
    libelle: str
    details: list[str] = field(default_factory=list)


def _valeur(obj: Model, name: str) -> str:
    value = getattr(obj, name)
    display = getattr(obj, f"get_{name}_display", None)
    if display is not None:
        return str(display())
    if value is None or value == "":
        return "—"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


def _details(ancien: Model, nouveau: Model, fields: tuple[str, ...]) -> list[str]:
    details = []
    for name in fields:
        before, after = _valeur(ancien, name), _valeur(nouveau, name)
        if before != after:
            label = str(getattr(type(nouveau)._meta.get_field(name), "verbose_name", name))
            details.append(f"{label[:1].upper()}{label[1:]} : {before} → {after}")
    return details


def _compare_items(
    section: str,
    anciens: list[Any],
    nouveaux: list[Any],
    fields: tuple[str, ...],
    libelle: Any,
    retrait: Callable[[Any], Changement] | None = None,
) -> list[Changement]:
    """Items of the new version are matched to the old ones by their carried-over link
    (`origine_version`), never by label: two items may share a title. `retrait` describes an
    old item that was not carried over (default: "retiré")."""
    changes = []
    repris = {item.origine_version_id: item for item in nouveaux if item.origine_version_id}
    for item in anciens:
        suite = repris.get(item.pk)
        if suite is None:
            if retrait is not None:
                changes.append(retrait(item))
            else:
                changes.append(Changement(section, "retiré", libelle(item)))
            continue
        details = _details(item, suite, fields)
        if details:
            changes.append(Changement(section, "modifié", libelle(suite), details))
    ids = {item.pk for item in anciens}
    for item in nouveaux:
        if item.origine_version_id not in ids:
            changes.append(Changement(section, "ajouté", libelle(item)))
    return changes


PROJET_CHAMPS_DIFF = (
    "titre",
    "description",
    "type_projet",
    "referent",
    "date_debut",
    "date_fin",
    "date_reevaluation",
    "modalites_communication",
)
OBJECTIF_CHAMPS_DIFF = (
    "titre",
    "besoin",
    "date_cible",
    "indicateur",
    "priorite",
    "strategie",
    "avis_usager",
    "referent",
)


def _objectif_retire(objectif: Objectif) -> Changement:
    """An objective not carried over was reached or abandoned: say so with its own latest
    evaluation."""
    evaluation = derniere_evaluation(objectif)
    if evaluation is None:
        return Changement("Objectifs", "retiré", objectif.titre)
    return Changement(
        "Objectifs",
        "non repris",
        objectif.titre,
        [f"Évalué « {evaluation.get_resultat_display().lower()} » le {evaluation.date:%d/%m/%Y}"],
    )


def projet_diff(ancien: ProjetPersonnalise, nouveau: ProjetPersonnalise) -> list[Changement]:
    """What changed from `ancien` to `nouveau`, section by section, in words."""
    ancien, nouveau = projet_complet(ancien), projet_complet(nouveau)
    changes: list[Changement] = []
    details = _details(ancien, nouveau, PROJET_CHAMPS_DIFF)
    if details:
        changes.append(Changement("Projet", "modifié", nouveau.titre, details))
    pdv_a, pdv_n = projet_de_vie(ancien), projet_de_vie(nouveau)
    if pdv_a and pdv_n:
        details = _details(pdv_a, pdv_n, ("titre", "aspirations"))
        if details:
            changes.append(Changement("Projet de vie", "modifié", pdv_n.titre, details))
    elif pdv_n:
        changes.append(Changement("Projet de vie", "ajouté", pdv_n.titre))
    elif pdv_a:
        changes.append(Changement("Projet de vie", "retiré", pdv_a.titre))
    changes += _compare_items(
        "Attentes",
        list(ancien.attentes.all()),
        list(nouveau.attentes.all()),
        ("origine", "description", "commentaire"),
        lambda a: a.description[:80],
    )
    changes += _compare_items(
        "Besoins",
        list(ancien.besoins.all()),
        list(nouveau.besoins.all()),
        ("description", "commentaire"),
        lambda b: f"{b.code.code} {b.libelle}",
    )
    changes += _compare_items(
        "Objectifs",
        list(ancien.objectifs.all()),
        list(nouveau.objectifs.all()),
        OBJECTIF_CHAMPS_DIFF,
        lambda o: o.titre,
        retrait=_objectif_retire,
    )
    changes += _compare_items(
        "Prestations",
        list(ancien.prestations.all()),
        list(nouveau.prestations.all()),
        ("titre", "code", "responsable", "frequence", "moyens"),
        lambda p: p.titre,
    )
    return changes


# ---------------------------------------------------------------------------
# SERAFIN-PH picker
# ---------------------------------------------------------------------------


def serafin_concepts(famille: str) -> list[ConceptSerafin]:
    """Active concepts of a family in hierarchical order (roots excluded)."""
    return list(
        ConceptSerafin.objects.filter(famille=famille, actif=True, niveau__gt=1).order_by("ordre")
    )


def serafin_rechercher(q: str, famille: str | None = None) -> QuerySet[ConceptSerafin]:
    """Accent- and case-insensitive search on code and label; every word must match."""
    queryset = ConceptSerafin.objects.filter(actif=True, niveau__gt=1)
    if famille:
        queryset = queryset.filter(famille=famille)
    for word in texte_normalise(q).split():
        queryset = queryset.filter(libelle_recherche__contains=word)
    return queryset.select_related("parent").order_by("ordre")


def serafin_choix(famille: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Choices for a <select> with <optgroup>s: one group per level-2 heading, options
    indented by level so the hierarchy reads aloud and on screen."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for concept in serafin_concepts(famille):
        if concept.niveau == 2:
            groups.append((f"{concept.code} {concept.libelle}", []))
            groups[-1][1].append((concept.code, f"{concept.code} {concept.libelle}"))
            continue
        indent = "\u00a0\u00a0" * (concept.niveau - 2)
        if not groups:
            groups.append(("", []))
        groups[-1][1].append((concept.code, f"{indent}{concept.code} {concept.libelle}"))
    return groups


FAMILLES_PICKER = {"besoin": FamilleSerafin.BESOIN, "prestation": FamilleSerafin.PRESTATION_DIRECTE}
