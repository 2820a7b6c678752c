"""Writes of the support plan. Each service checks the policy (usagers.projet.access), checks
the plan's state, validates (`full_clean()` before `save()`), and records its audit row, all in
one transaction: a refused write leaves nothing half-saved.

Errors are `ValidationError`s with French messages keyed by field, which the pages show next
to the field and the API turns into HTTP 400 (dui.api_errors)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Model, Q
from django.http import HttpRequest
from django.utils import timezone

from dui.dates import add_months
from dui.models import Etablissement
from securite import access as securite_access
from securite.audit import audit_record
from securite.models import AuditAction, Utilisateur
from usagers.models import Sejour, Usager

from . import access
from .models import (
    RESULTATS_FINAUX,
    STATUTS_EN_VIGUEUR,
    Accord,
    Attente,
    Besoin,
    Bilan,
    ConceptSerafin,
    DelaiReevaluation,
    EvaluationObjectif,
    FamilleSerafin,
    FormeAccord,
    Objectif,
    Participant,
    PartieAccord,
    Prestation,
    ProjetDeVie,
    ProjetPersonnalise,
    StatutProjet,
    TypeParticipant,
    TypeProjet,
)

CATEGORIE = access.CATEGORIE
DOCUMENT_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})
DOCUMENT_MAX_OCTETS = 5 * 1024 * 1024

# Lifecycle: (from, to) pairs a user may ask for. Validation and closing have their own
# conditions (agreements, reason) checked in `projet_transition`.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    StatutProjet.BROUILLON: (StatutProjet.CONCERTATION,),
    StatutProjet.CONCERTATION: (StatutProjet.BROUILLON, StatutProjet.VALIDE),
    StatutProjet.VALIDE: (StatutProjet.EN_COURS, StatutProjet.CLOS),
    StatutProjet.EN_COURS: (StatutProjet.REEVALUATION, StatutProjet.CLOS),
    StatutProjet.REEVALUATION: (StatutProjet.EN_COURS, StatutProjet.CLOS),
    StatutProjet.CLOS: (),
}


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
def _check_edit(acteur: Utilisateur, projet: ProjetPersonnalise) -> None:
    if not access.projet_can_edit(acteur, projet):
        raise ValidationError(
            "Vous ne pouvez pas modifier ce projet : seuls le référent, les professionnels "
            "nommés dans le projet et le chef de service le peuvent."
        )


def _check_preparation(projet: ProjetPersonnalise) -> None:
    if not projet.is_en_preparation:
        raise ValidationError(
            f"Le projet est « {projet.get_statut_display().lower()} » : son contenu ne change "
            "plus. Créez une nouvelle version pour le faire évoluer."
        )


def _audit(
    *,
    acteur: Utilisateur | None,
    action: str,
    projet: ProjetPersonnalise,
    objet: Model,
    champs: Iterable[str],
    request: HttpRequest | None,
    motif: str = "",
) -> None:
    audit_record(
        acteur=acteur,
        action=action,
        usager=projet.usager,
        objet=objet,
        categorie=CATEGORIE,
        champs=champs,
        request=request,
        motif=motif,
    )


def _save(obj: Model) -> None:
    obj.full_clean()
    obj.save()


def _not_future(value: date | None, field: str, what: str) -> None:
    if value and value > timezone.localdate():
        raise ValidationError({field: f"{what} ne peut pas être dans le futur."})


def delai_reevaluation_mois(type_projet: TypeProjet, categorie_etablissement: str) -> int:
    """The re-evaluation period: type and category, then type, then category, then the
    setting (default 12 months)."""
    rules = {
        (r.type_projet_id, r.categorie_etablissement): r.mois
        for r in DelaiReevaluation.objects.filter(
            Q(type_projet=type_projet) | Q(type_projet__isnull=True),
            categorie_etablissement__in=[categorie_etablissement, ""],
        )
    }
    for key in (
        (type_projet.pk, categorie_etablissement),
        (type_projet.pk, ""),
        (None, categorie_etablissement),
    ):
        if key in rules:
            return rules[key]
    return int(settings.PROJET_REEVALUATION_MOIS)


def serafin_concept(code: str, famille: str, field: str = "code") -> ConceptSerafin:
    """The active concept `code` of `famille`, or a French field error."""
    code = (code or "").strip()
    concept = ConceptSerafin.objects.filter(code=code).first()
    if concept is None:
        raise ValidationError(
            {field: f"Le code SERAFIN-PH « {code} » n'existe pas dans la nomenclature."}
        )
    if not concept.actif:
        raise ValidationError({field: f"Le code SERAFIN-PH « {code} » n'est plus en vigueur."})
    if concept.famille != famille:
        attendu = FamilleSerafin(famille).label.lower()
        raise ValidationError(
            {field: f"Le code « {code} » n'appartient pas aux {attendu} de SERAFIN-PH."}
        )
    if concept.niveau == 1:
        raise ValidationError(
            {field: f"Choisissez un code plus précis que « {code} {concept.libelle} »."}
        )
    return concept


def _check_professionnel(user: Utilisateur | None, usager: Usager, field: str) -> None:
    """A professional named in a plan must be able to open the person's plan."""
    if user is None:
        return
    if not securite_access.usager_can(user, usager, CATEGORIE, "lire"):
        raise ValidationError(
            {
                field: f"{user} n'a pas accès au projet de cette personne : choisissez un "
                "professionnel de son équipe."
            }
        )


def _etablissement_du_sejour(usager: Usager, acteur: Utilisateur) -> Etablissement:
    jour = timezone.localdate()
    sejour = (
        securite_access.sejours_en_cours_visibles(acteur, jour)
        .filter(usager=usager)
        .select_related("etablissement")
        .first()
    ) or Sejour.objects.filter(usager=usager).select_related("etablissement").first()
    if sejour is None:
        raise ValidationError(
            {
                "etablissement": "Cette personne n'a aucun séjour : le projet se rattache à un "
                "établissement."
            }
        )
    return sejour.etablissement


def _projet_ouvert_existant(
    usager: Usager, type_projet: TypeProjet, exclude: int | None = None
) -> ProjetPersonnalise | None:
    qs = ProjetPersonnalise.objects.filter(usager=usager, type_projet=type_projet).exclude(
        statut=StatutProjet.CLOS
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("-version").first()


def _refuse_second(existing: ProjetPersonnalise) -> ValidationError:
    return ValidationError(
        {
            "type_projet": (
                f"Un projet de type {existing.type_projet.code} est déjà ouvert pour cette "
                f"personne (version {existing.version}, "
                f"{existing.get_statut_display().lower()}). Deux projets actifs du même type "
                "ne peuvent coexister : faites évoluer celui-ci par une nouvelle version."
            )
        }
    )


# ---------------------------------------------------------------------------
# The plan
# ---------------------------------------------------------------------------
PROJET_CHAMPS_MODIFIABLES = (
    "titre",
    "description",
    "type_projet",
    "date_debut",
    "date_fin",
    "date_reevaluation",
    "referent",
    "usager_present",
    "modalites_communication",
)


@transaction.atomic
def projet_creer(
    *,
    acteur: Utilisateur,
    usager: Usager,
    type_projet: TypeProjet,
    titre: str,
    referent: Utilisateur | None = None,
    etablissement: Etablissement | None = None,
    date_debut: date | None = None,
    date_fin: date | None = None,
    description: str = "",
    modalites_communication: str = "",
    usager_present: bool | None = None,
    request: HttpRequest | None = None,
) -> ProjetPersonnalise:
    """Start a person's plan (version 1, draft). The référent defaults to the author."""
    if not access.projet_can_create(acteur, usager):
        raise ValidationError("Vous ne pouvez pas créer de projet pour cette personne.")
    if not type_projet.actif:
        raise ValidationError({"type_projet": "Ce type de projet n'est plus en vigueur."})
    existing = _projet_ouvert_existant(usager, type_projet)
    if existing is not None:
        raise _refuse_second(existing)
    referent = referent or acteur
    _check_professionnel(referent, usager, "referent")
    if etablissement is None:
        etablissement = _etablissement_du_sejour(usager, acteur)
    elif not securite_access.etablissements_visibles(acteur).filter(pk=etablissement.pk).exists():
        raise ValidationError({"etablissement": "Choisissez un établissement où vous travaillez."})
    projet = ProjetPersonnalise(
        usager=usager,
        etablissement=etablissement,
        type_projet=type_projet,
        titre=titre,
        description=description,
        referent=referent,
        date_debut=date_debut,
        date_fin=date_fin,
        modalites_communication=modalites_communication,
        usager_present=usager_present,
    )
    _save(projet)
    _audit(
        acteur=acteur,
        action=AuditAction.CREATION,
        projet=projet,
        objet=projet,
        champs=("type_projet", "titre", "referent", "date_debut", "date_fin"),
        request=request,
    )
    return projet


@transaction.atomic
def projet_modifier(
    *,
    acteur: Utilisateur,
    projet: ProjetPersonnalise,
    request: HttpRequest | None = None,
    **changes: Any,
) -> ProjetPersonnalise:
    """Change the plan's header while it is being prepared."""
    unknown = set(changes) - set(PROJET_CHAMPS_MODIFIABLES)
    if unknown:
        raise ValueError(f"Champs non modifiables : {sorted(unknown)}")
    _check_edit(acteur, projet)
    _check_preparation(projet)
    changed = [name for name, value in changes.items() if getattr(projet, name) != value]
    if not changed:
        return projet
    for name in changed:
        setattr(projet, name, changes[name])
    if "type_projet" in changed:
        existing = _projet_ouvert_existant(projet.usager, projet.type_projet, exclude=projet.pk)
        if existing is not None:
            raise _refuse_second(existing)
    if "referent" in changed:
        _check_professionnel(projet.referent, projet.usager, "referent")
    projet.full_clean()
    projet.save(update_fields=[*changed, "updated_at"])
    _audit(
        acteur=acteur,
        action=AuditAction.MODIFICATION,
        projet=projet,
        objet=projet,
        champs=changed,
        request=request,
    )
    return projet


# ---------------------------------------------------------------------------
# Content: the person's words, needs, objectives, services, participants
# ---------------------------------------------------------------------------
@transaction.atomic
def projet_de_vie_enregistrer(
    *,
    acteur: Utilisateur,
    projet: ProjetPersonnalise,
    titre: str,
    aspirations: str = "",
    date_debut: date | None = None,
    date_fin: date | None = None,
    request: HttpRequest | None = None,
) -> ProjetDeVie:
    _check_edit(acteur, projet)
    _check_preparation(projet)
    projet_de_vie = ProjetDeVie.objects.filter(projet=projet).first()
    action = AuditAction.MODIFICATION if projet_de_vie else AuditAction.CREATION
    projet_de_vie = projet_de_vie or ProjetDeVie(projet=projet)
    projet_de_vie.titre = titre
    projet_de_vie.aspirations = aspirations
    projet_de_vie.date_debut = date_debut
    projet_de_vie.date_fin = date_fin
    _save(projet_de_vie)
    _audit(
        acteur=acteur,
        action=action,
        projet=projet,
        objet=projet_de_vie,
        champs=("titre", "aspirations", "date_debut", "date_fin"),
        request=request,
    )
    return projet_de_vie


def _next_ordre(queryset: Any) -> int:
    last = queryset.order_by("-ordre").values_list("ordre", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def attente_ajouter(
    *,
    acteur: Utilisateur,
    projet: ProjetPersonnalise,
    origine: str,
    description: str,
    origine_precision: str = "",
    commentaire: str = "",
    request: HttpRequest | None = None,
) -> Attente:
    _check_edit(acteur, projet)
    _check_preparation(projet)
    attente = Attente(
        projet=projet,
        origine=origine,
        origine_precision=origine_precision,
        description=description,
        commentaire=commentaire,
        ordre=_next_ordre(projet.attentes),
    )
    _save(attente)
    _audit(
        acteur=acteur,
        action=AuditAction.CREATION,
        projet=projet,
        objet=attente,
        champs=("origine", "description", "commentaire"),
        request=request,
    )
    return attente


@transaction.atomic
def besoin_ajouter(
    *,
    acteur: Utilisateur,
    projet: ProjetPersonnalise,
    code: str,
    description: str = "",
    commentaire: str = "",
    request: HttpRequest | None = None,
) -> Besoin:
    """Add an assessed need, coded in SERAFIN-PH family 1."""
    _check_edit(acteur, projet)
    _check_preparation(projet)
    concept = serafin_concept(code, FamilleSerafin.BESOIN)
    if projet.besoins.filter(code=concept).exists():
        raise ValidationError({"code": "Ce besoin figure déjà dans le projet."})
    besoin = Besoin(
        projet=projet,
        code=concept,
        description=description,
        commentaire=commentaire,
        ordre=_next_ordre(projet.besoins),
    )
    _save(besoin)
    _audit(
        acteur=acteur,
        action=AuditAction.CREATION,
        projet=projet,
        objet=besoin,
        champs=("code", "description", "commentaire"),
        request=request,
    )
    return besoin


OBJECTIF_CHAMPS = (
    "besoin",
    "titre",
    "titre_facile",
    "description",
    "date_debut",
    "date_cible",
    "indicateur",
    "priorite",
    "strategie",
    "avis_usager",
    "referent",
)


def _objectif_check(projet: ProjetPersonnalise, objectif: Objectif) -> None:
    if objectif.besoin_id is None:
        raise ValidationError(
            {"besoin": "Un objectif répond à un besoin : choisissez le besoin auquel il répond."}
        )
    if objectif.besoin.projet_id != projet.pk:
        raise ValidationError({"besoin": "Ce besoin n'appartient pas à ce projet."})
    _check_professionnel(objectif.referent, projet.usager, "referent")


@transaction.atomic
def objectif_ajouter(
    *,
    acteur: Utilisateur,
    projet: ProjetPersonnalise,
    besoin: Besoin | None,
    titre: str,
    request: HttpRequest | None = None,
    **fields: Any,
) -> Objectif:
    """Add an objective; it answers one of the plan's needs."""
    _check_edit(acteur, projet)
    _check_preparation(projet)
    unknown = set(fields) - set(OBJECTIF_CHAMPS)
    if unknown:
        raise ValueError(f"Champs inconnus : {sorted(unknown)}")
    objectif = Objectif(
        projet=projet, besoin=besoin, titre=titre, ordre=_next_ordre(projet.objectifs), **fields
    )
    _objectif_check(projet, objectif)
    _save(objectif)
    _audit(
        acteur=acteur,
        action=AuditAction.CREATION,
        projet=projet,
        objet=objectif,
        champs=("titre", "besoin", *fields),
        request=request,
    )
    return objectif


@transaction.atomic
def objectif_modifier(
    *,
    acteur: Utilisateur,
    objectif: Objectif,
    request: HttpRequest | None = None,
    **changes: Any,
) -> Objectif:
    projet = objectif.projet
    _check_edit(acteur, projet)
    _check_preparation(projet)
    unknown = set(changes) - set(OBJECTIF_CHAMPS)
    if unknown:
        raise ValueError(f"Champs inconnus : {sorted(unknown)}")
    changed = [name for name, value in changes.items() if getattr(objectif, name) != value]
    if not changed:
        return objectif
    for name in changed:
        setattr(objectif, name, changes[name])
    _objectif_check(projet, objectif)
    objectif.full_clean()
    objectif.save(update_fields=changed)
    _audit(
        acteur=acteur,
        action=AuditAction.MODIFICATION,
        projet=projet,
        objet=objectif,
        champs=changed,
        request=request,
    )
    return objectif


@transaction.atomic
def prestation_ajouter(
    *,
    acteur: Utilisateur,
    projet: ProjetPersonnalise,
    code: str,
    titre: str,
    objectifs: Sequence[Objectif] = (),
    responsable: Utilisateur | None = None,
    frequence: str = "",
    moyens: str = "",
    description: str = "",
    date_debut: date | None = None,
    date_fin: date | None = None,
    request: HttpRequest | None = None,
) -> Prestation:
    """Add an action delivering a SERAFIN-PH direct service (family 2)."""
    _check_edit(acteur, projet)
    _check_preparation(projet)
    concept = serafin_concept(code, FamilleSerafin.PRESTATION_DIRECTE)
    if any(o.projet_id != projet.pk for o in objectifs):
        raise ValidationError({"objectifs": "Ces objectifs n'appartiennent pas à ce projet."})
    _check_professionnel(responsable, projet.usager, "responsable")
    if date_debut and date_fin and date_fin < date_debut:
        raise ValidationError({"date_fin": "La fin ne peut pas précéder le début."})
    prestation = Prestation(
        projet=projet,
        code=concept,
        titre=titre,
        description=description,
        responsable=responsable,
        frequence=frequence,
        moyens=moyens,
        date_debut=date_debut,
        date_fin=date_fin,
        ordre=_next_ordre(projet.prestations),
    )
    _save(prestation)
    prestation.objectifs.set(objectifs)
    _audit(
        acteur=acteur,
        action=AuditAction.CREATION,
        projet=projet,
        objet=prestation,
        champs=("code", "titre", "objectifs", "responsable", "frequence", "moyens"),
        request=request,
    )
    return prestation


@transaction.atomic
def participant_ajouter(
    *,
    acteur: Utilisateur,
    projet: ProjetPersonnalise,
    type: str,
    utilisateur: Utilisateur | None = None,
    nom: str = "",
    qualite: str = "",
    present: bool = True,
    request: HttpRequest | None = None,
) -> Participant:
    """Name a participant. A professional named here may then edit the plan."""
    _check_edit(acteur, projet)
    _check_preparation(projet)
    if type == TypeParticipant.PROFESSIONNEL:
        if utilisateur is None:
            raise ValidationError({"utilisateur": "Choisissez le professionnel."})
        _check_professionnel(utilisateur, projet.usager, "utilisateur")
        if projet.participants.filter(utilisateur=utilisateur).exists():
            raise ValidationError({"utilisateur": "Ce professionnel participe déjà."})
    participant = Participant(
        projet=projet, type=type, utilisateur=utilisateur, nom=nom, qualite=qualite, present=present
    )
    _save(participant)
    _audit(
        acteur=acteur,
        action=AuditAction.CREATION,
        projet=projet,
        objet=participant,
        champs=("type", "utilisateur", "nom", "qualite", "present"),
        request=request,
    )
    return participant


@transaction.atomic
def element_supprimer(
    *,
    acteur: Utilisateur,
    element: Attente | Besoin | Objectif | Prestation | Participant,
    request: HttpRequest | None = None,
) -> None:
    """Remove an item from a plan being prepared (afterwards, a new version)."""
    projet = element.projet
    _check_edit(acteur, projet)
    _check_preparation(projet)
    if isinstance(element, Besoin) and element.objectifs.exists():
        raise ValidationError(
            "Des objectifs répondent à ce besoin : supprimez-les ou rattachez-les à un autre "
            "besoin d'abord."
        )
    _audit(
        acteur=acteur,
        action=AuditAction.SUPPRESSION,
        projet=projet,
        objet=element,
        champs=(),
        request=request,
    )
    element.delete()


# ---------------------------------------------------------------------------
# Agreements, evaluations, reviews
# ---------------------------------------------------------------------------
def _document_check(document: UploadedFile | None) -> None:
    if document is None:
        return
    if document.size is not None and document.size > DOCUMENT_MAX_OCTETS:
        raise ValidationError({"document": "Le document dépasse 5 Mo."})
    head = document.read(8)
    document.seek(0)
    is_pdf = head.startswith(b"%PDF-")
    is_png = head.startswith(b"\x89PNG")
    is_jpeg = head.startswith(b"\xff\xd8\xff")
    if not (is_pdf or is_png or is_jpeg):
        raise ValidationError({"document": "Joignez un PDF, une image JPEG ou PNG."})


@transaction.atomic
def accord_enregistrer(
    *,
    acteur: Utilisateur,
    projet: ProjetPersonnalise,
    partie: str,
    forme: str,
    date: date,
    signataire: str = "",
    temoin: str = "",
    motif_refus: str = "",
    document: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> Accord:
    """Record the person's, the representative's or the establishment's agreement (or
    refusal) during the concertation."""
    if partie != PartieAccord.STRUCTURE:
        _check_edit(acteur, projet)
    elif not access.projet_can_sign_for_structure(acteur, projet):
        raise ValidationError(
            {
                "partie": "L'accord de l'établissement est donné par le chef de service ou la "
                "direction."
            }
        )
    if projet.statut != StatutProjet.CONCERTATION:
        raise ValidationError(
            "Les accords se recueillent pendant la concertation : passez d'abord le projet "
            "« en concertation »."
        )
    _not_future(date, "date", "La date de l'accord")
    _document_check(document)
    accord = Accord(
        projet=projet,
        partie=partie,
        forme=forme,
        date=date,
        signataire=signataire,
        temoin=temoin,
        motif_refus=motif_refus,
        enregistre_par=acteur,
    )
    if document is not None:
        accord.document = document  # type: ignore[assignment]
    _save(accord)
    _audit(
        acteur=acteur,
        action=AuditAction.CREATION,
        projet=projet,
        objet=accord,
        champs=("partie", "forme", "date", "temoin", "motif_refus", "document"),
        request=request,
    )
    return accord


def _check_started(projet: ProjetPersonnalise, value: date, what: str) -> None:
    if not projet.is_evaluable:
        raise ValidationError(
            f"Le projet est « {projet.get_statut_display().lower()} » : on évalue une fois "
            "le projet en cours."
        )
    if projet.date_debut and value < projet.date_debut:
        raise ValidationError(
            {
                "date": f"{what} ({value:%d/%m/%Y}) ne peut pas précéder le début du projet "
                f"({projet.date_debut:%d/%m/%Y})."
            }
        )
    _not_future(value, "date", what)


@transaction.atomic
def evaluation_enregistrer(
    *,
    acteur: Utilisateur,
    objectif: Objectif,
    date: date,
    resultat: str,
    commentaire: str = "",
    request: HttpRequest | None = None,
) -> EvaluationObjectif:
    """Evaluate an objective: atteint, partiellement atteint, non atteint or abandonné."""
    projet = objectif.projet
    _check_edit(acteur, projet)
    _check_started(projet, date, "L'évaluation")
    evaluation = EvaluationObjectif(
        objectif=objectif, date=date, resultat=resultat, commentaire=commentaire, evaluateur=acteur
    )
    _save(evaluation)
    _audit(
        acteur=acteur,
        action=AuditAction.CREATION,
        projet=projet,
        objet=evaluation,
        champs=("date", "resultat", "commentaire"),
        request=request,
    )
    return evaluation


@transaction.atomic
def bilan_enregistrer(
    *,
    acteur: Utilisateur,
    projet: ProjetPersonnalise,
    date: date,
    categorie: str,
    synthese: str,
    invites: str = "",
    date_prochain_bilan: date | None = None,
    request: HttpRequest | None = None,
) -> Bilan:
    """Record a review of the plan; a next review date becomes the plan's due date."""
    _check_edit(acteur, projet)
    _check_started(projet, date, "Le bilan")
    if date_prochain_bilan and date_prochain_bilan <= date:
        raise ValidationError(
            {
                "date_prochain_bilan": "Le prochain bilan suit celui-ci : choisissez une date "
                "postérieure."
            }
        )
    bilan = Bilan(
        projet=projet,
        date=date,
        categorie=categorie,
        synthese=synthese,
        invites=invites,
        date_prochain_bilan=date_prochain_bilan,
        auteur=acteur,
    )
    _save(bilan)
    champs = ["date", "categorie", "synthese", "invites", "date_prochain_bilan"]
    if date_prochain_bilan:
        projet.date_reevaluation = date_prochain_bilan
        projet.save(update_fields=["date_reevaluation", "updated_at"])
        champs.append("date_reevaluation")
    _audit(
        acteur=acteur,
        action=AuditAction.CREATION,
        projet=projet,
        objet=bilan,
        champs=champs,
        request=request,
    )
    return bilan


# ---------------------------------------------------------------------------
# Lifecycle
# ---------------------------------------------------------------------------
def accords_manquants(projet: ProjetPersonnalise) -> list[str]:
    """What the plan lacks to be validated, in French (empty: it may be validated)."""
    manquants: list[str] = []
    accords = list(projet.accords.order_by("date", "id"))
    personne = [a for a in accords if a.partie in (PartieAccord.USAGER, PartieAccord.REPRESENTANT)]
    if not personne:
        manquants.append("l'accord de la personne (ou de son représentant légal)")
    elif personne[-1].forme == FormeAccord.REFUS:
        manquants.append(
            "l'accord de la personne : son dernier avis est un refus ; reprenez la "
            "concertation avec elle"
        )
    if not any(a.partie == PartieAccord.STRUCTURE for a in accords):
        manquants.append("l'accord de l'établissement (chef de service ou direction)")
    return manquants


def _valider(projet: ProjetPersonnalise, acteur: Utilisateur | None, jour: date) -> list[str]:
    errors: dict[str, list[str]] = {}
    manquants = accords_manquants(projet)
    if manquants:
        errors["accords"] = ["Validation impossible sans " + " ; ".join(manquants) + "."]
    if not projet.objectifs.exists():
        errors.setdefault("objectifs", []).append("Le projet n'a aucun objectif.")
    if projet.date_debut is None:
        errors["date_debut"] = ["Indiquez la date de début de mise en œuvre."]
    if errors:
        raise ValidationError(errors)
    champs = ["statut", "valide_le"]
    precedent = projet.precedent
    if precedent is not None and precedent.statut != StatutProjet.CLOS:
        precedent.statut = StatutProjet.CLOS
        precedent.clos_le = timezone.now()
        precedent.motif_cloture = f"Remplacé par la version {projet.version}."
        precedent.save(update_fields=["statut", "clos_le", "motif_cloture", "updated_at"])
        _audit(
            acteur=acteur,
            action=AuditAction.MODIFICATION,
            projet=precedent,
            objet=precedent,
            champs=("statut", "clos_le", "motif_cloture"),
            request=None,
            motif=precedent.motif_cloture,
        )
    assert projet.date_debut is not None  # noqa: S101 - checked above
    if projet.date_reevaluation is None:
        mois = delai_reevaluation_mois(projet.type_projet, projet.etablissement.categorie)
        projet.date_reevaluation = add_months(projet.date_debut, mois)
        champs.append("date_reevaluation")
    projet.valide_le = timezone.now()
    started = projet.date_debut <= jour
    projet.statut = StatutProjet.EN_COURS if started else StatutProjet.VALIDE
    return champs


@transaction.atomic
def projet_transition(
    *,
    acteur: Utilisateur | None,
    projet: ProjetPersonnalise,
    vers: str,
    motif: str = "",
    request: HttpRequest | None = None,
    jour: date | None = None,
) -> ProjetPersonnalise:
    """Move the plan along its lifecycle (brouillon → en concertation → validé → en cours →
    en réévaluation → clos). `acteur` None: the daily start of validated plans (system);
    `jour`: the day it happens (default today)."""
    jour = jour or timezone.localdate()
    projet = ProjetPersonnalise.objects.select_for_update().get(pk=projet.pk)
    if acteur is not None:
        _check_edit(acteur, projet)
    if vers not in TRANSITIONS.get(projet.statut, ()):
        try:
            cible = StatutProjet(vers).label
        except ValueError:
            cible = vers
        raise ValidationError(
            {"statut": f"Passage impossible de « {projet.get_statut_display()} » à « {cible} »."}
        )
    champs = ["statut"]
    if vers == StatutProjet.CONCERTATION and not projet.objectifs.exists():
        raise ValidationError(
            {"objectifs": "Ajoutez au moins un objectif avant de concerter la personne."}
        )
    if vers == StatutProjet.VALIDE:
        champs = _valider(projet, acteur, jour)
    elif vers == StatutProjet.EN_COURS and projet.statut == StatutProjet.VALIDE:
        if projet.date_debut and projet.date_debut > jour:
            raise ValidationError(
                {"statut": f"Le projet commence le {projet.date_debut:%d/%m/%Y}."}
            )
        projet.statut = vers
    elif vers == StatutProjet.CLOS:
        motif = (motif or "").strip()
        if not motif:
            raise ValidationError({"motif": "Indiquez le motif de la clôture."})
        projet.statut = vers
        projet.motif_cloture = motif[:300]
        projet.clos_le = timezone.now()
        champs += ["motif_cloture", "clos_le"]
    else:
        projet.statut = vers
    try:
        with transaction.atomic():
            projet.save(update_fields=[*champs, "updated_at"])
    except IntegrityError:
        existing = _projet_ouvert_existant(projet.usager, projet.type_projet, exclude=projet.pk)
        if existing is None:
            raise
        raise _refuse_second(existing) from None
    _audit(
        acteur=acteur,
        action=AuditAction.MODIFICATION,
        projet=projet,
        objet=projet,
        champs=champs,
        request=request,
        motif=motif,
    )
    if vers == StatutProjet.VALIDE and acteur is not None:
        # The N1 document goes to the DMP outbox in this transaction (issue 8): a rollback
        # leaves no delivery, the commit queues it. An identity that is not qualified (or
        # an objection) records none; the page says why (interop.partage.projet_partage_etat).
        from interop.partage import projet_partager  # interop depends on this app

        projet_partager(projet=projet, acteur=acteur, request=request)
    return projet


def projets_demarrer(jour: date) -> int:
    """Start the validated plans whose start date has come (daily task). Returns how many."""
    count = 0
    for projet in ProjetPersonnalise.objects.filter(
        statut=StatutProjet.VALIDE, date_debut__lte=jour
    ).select_related("usager"):
        projet_transition(acteur=None, projet=projet, vers=StatutProjet.EN_COURS, jour=jour)
        count += 1
    return count


# ---------------------------------------------------------------------------
# Versions
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Reprise:
    """What a new version took from the previous one."""

    objectifs_repris: int
    objectifs_clos: int


def _latest_resultats(projet: ProjetPersonnalise) -> dict[int, str]:
    latest: dict[int, str] = {}
    for objectif_id, resultat in (
        EvaluationObjectif.objects.filter(objectif__projet=projet)
        .order_by("objectif_id", "-date", "-id")
        .values_list("objectif_id", "resultat")
    ):
        latest.setdefault(objectif_id, resultat)
    return latest


@transaction.atomic
def projet_nouvelle_version(
    *,
    acteur: Utilisateur,
    projet: ProjetPersonnalise,
    request: HttpRequest | None = None,
) -> ProjetPersonnalise:
    """Start version n+1 from a plan in force: the person's words, needs, participants and the
    objectives still open (not atteint, not abandonné) are carried over, with the services
    that serve them. The previous version, its evaluations and reviews stay as they are; it is
    closed when the new version is validated."""
    projet = ProjetPersonnalise.objects.select_for_update().get(pk=projet.pk)
    _check_edit(acteur, projet)
    if projet.statut not in STATUTS_EN_VIGUEUR:
        raise ValidationError(
            {"statut": "Une nouvelle version part d'un projet validé, en cours ou en réévaluation."}
        )
    if ProjetPersonnalise.objects.filter(precedent=projet).exists():
        raise ValidationError({"statut": "Une nouvelle version de ce projet est déjà en cours."})
    if projet.statut == StatutProjet.EN_COURS:
        projet.statut = StatutProjet.REEVALUATION
        projet.save(update_fields=["statut", "updated_at"])
    nouveau = ProjetPersonnalise(
        usager=projet.usager,
        etablissement=projet.etablissement,
        type_projet=projet.type_projet,
        titre=projet.titre,
        description=projet.description,
        version=projet.version + 1,
        precedent=projet,
        referent=projet.referent,
        date_debut=max(timezone.localdate(), projet.date_debut or timezone.localdate()),
        modalites_communication=projet.modalites_communication,
        statut=StatutProjet.BROUILLON,
    )
    _save(nouveau)
    pdv = ProjetDeVie.objects.filter(projet=projet).first()
    if pdv is not None:
        ProjetDeVie.objects.create(
            projet=nouveau,
            titre=pdv.titre,
            aspirations=pdv.aspirations,
            date_debut=pdv.date_debut,
            date_fin=pdv.date_fin,
        )
    Attente.objects.bulk_create(
        Attente(
            projet=nouveau,
            origine=a.origine,
            origine_precision=a.origine_precision,
            description=a.description,
            commentaire=a.commentaire,
            ordre=a.ordre,
            origine_version=a,
        )
        for a in projet.attentes.all()
    )
    besoins: dict[int, Besoin] = {}
    for b in projet.besoins.all():
        besoins[b.pk] = Besoin(
            projet=nouveau,
            code=b.code,
            description=b.description,
            commentaire=b.commentaire,
            ordre=b.ordre,
            origine_version=b,
        )
    Besoin.objects.bulk_create(besoins.values())
    resultats = _latest_resultats(projet)
    objectifs: dict[int, Objectif] = {}
    clos = 0
    for o in projet.objectifs.all():
        if resultats.get(o.pk) in RESULTATS_FINAUX:
            clos += 1
            continue
        objectifs[o.pk] = Objectif(
            projet=nouveau,
            besoin=besoins[o.besoin_id],
            titre=o.titre,
            titre_facile=o.titre_facile,
            description=o.description,
            date_debut=o.date_debut,
            date_cible=o.date_cible,
            indicateur=o.indicateur,
            priorite=o.priorite,
            strategie=o.strategie,
            avis_usager=o.avis_usager,
            referent=o.referent,
            ordre=o.ordre,
            origine_version=o,
        )
    Objectif.objects.bulk_create(objectifs.values())
    for p in projet.prestations.prefetch_related("objectifs"):
        anciens = [o.pk for o in p.objectifs.all()]
        repris = [objectifs[pk] for pk in anciens if pk in objectifs]
        if anciens and not repris:
            continue  # every objective it served is reached or abandoned
        copie = Prestation.objects.create(
            projet=nouveau,
            code=p.code,
            titre=p.titre,
            description=p.description,
            responsable=p.responsable,
            frequence=p.frequence,
            moyens=p.moyens,
            date_debut=p.date_debut,
            date_fin=p.date_fin,
            ordre=p.ordre,
            origine_version=p,
        )
        copie.objectifs.set(repris)
    Participant.objects.bulk_create(
        Participant(
            projet=nouveau,
            type=p.type,
            utilisateur=p.utilisateur,
            nom=p.nom,
            qualite=p.qualite,
            present=p.present,
        )
        for p in projet.participants.all()
    )
    _audit(
        acteur=acteur,
        action=AuditAction.CREATION,
        projet=nouveau,
        objet=nouveau,
        champs=("version", "precedent", "objectifs"),
        request=request,
        motif=f"Nouvelle version ({len(objectifs)} objectifs repris, {clos} clos).",
    )
    return nouveau


def echeance_par_defaut(projet: ProjetPersonnalise) -> date | None:
    """The due date a plan would get at validation (shown in the editor)."""
    if projet.date_debut is None:
        return None
    mois = delai_reevaluation_mois(projet.type_projet, projet.etablissement.categorie)
    return add_months(projet.date_debut, mois)


def jours_avant(jour: date, days: int) -> date:
    return jour + timedelta(days=days)
