"""Writes of the daily support. Each service checks the access policy, validates (French
messages, all errors at once), writes in one transaction and records its audit row there:
nothing is half-saved."""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from dui.models import Etablissement, Unite
from securite import access
from securite.audit import audit_record, audit_record_many
from securite.models import Action, AuditAction, Categorie, Utilisateur
from usagers.models import Sejour, Usager
from usagers.projet.access import CATEGORIE as PROJET_CATEGORIE
from usagers.projet.models import STATUTS_EN_VIGUEUR, Objectif

from . import notifications, plausibilite, presence
from .acces import incident_can_manage, incidents_visibles
from .models import (
    EVENEMENT_DUREE_MAX,
    AbsencePrevue,
    Evenement,
    EvenementIndesirable,
    NatureSignalement,
    Observation,
    PalierRelance,
    Participant,
    Presence,
    Recurrence,
    RelanceEIGS,
    Releve,
    SourcePresence,
    StatutEvenement,
    StatutIncident,
    StatutPresence,
    Transmission,
    TypeObservation,
    add_months,
)
from .referentiels import is_serafin_prestation
from .tasks import incident_notifier

# A measurement may be dated a little ahead (clocks of tablets drift), never further.
TOLERANCE_HORLOGE = timedelta(minutes=10)
RECURRENCE_MAX_OCCURRENCES = 366


def _categorie_libelle(categorie: str) -> str:
    return str(Categorie(categorie).label).lower() if categorie in Categorie.values else categorie


def _check_scope(acteur: Utilisateur, usager: Usager) -> None:
    if not access.usager_visible(acteur, usager.pk):
        raise ValidationError(
            "Cette personne n'est pas dans votre périmètre : vous ne pouvez pas écrire dans "
            "son dossier."
        )


def _raise_if(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


# ---------------------------------------------------------------------------
# Transmissions
# ---------------------------------------------------------------------------
def objectifs_en_vigueur(usager: Usager) -> QuerySet[Objectif]:
    """Objectives of the person's plans in force: what a transmission may be linked to."""
    return Objectif.objects.filter(
        projet__usager=usager, projet__statut__in=STATUTS_EN_VIGUEUR
    ).select_related("projet")


TRANSMISSION_CHAMPS = ("cible", "donnees", "actions", "resultats", "categorie", "objectif")


def transmission_create(
    *,
    acteur: Utilisateur,
    usager: Usager,
    categorie: str,
    cible: str,
    donnees: str,
    actions: str = "",
    resultats: str = "",
    is_importante: bool = False,
    is_partageable_famille: bool = False,
    prestation_serafin: str = "",
    objectif: Objectif | None = None,
    request: HttpRequest | None = None,
) -> Transmission:
    """Write a targeted note for a person in the author's scope, in a category they may write.
    Author and time are set here."""
    _check_scope(acteur, usager)
    droits = access.droits(acteur, usager)
    errors: dict[str, list[str]] = {}
    if categorie not in Categorie.values:
        errors["categorie"] = ["Choisissez une catégorie."]
    elif categorie not in droits.ecriture:
        errors["categorie"] = [
            f"Vous ne pouvez pas écrire de transmission « {_categorie_libelle(categorie)} » "
            "pour cette personne."
        ]
    cible = (cible or "").strip()
    if not cible:
        errors["cible"] = [
            "Indiquez la cible de la transmission (par exemple : Sommeil, Repas, Douleur)."
        ]
    if not (donnees or "").strip():
        errors["donnees"] = ["Décrivez les données : ce que vous avez observé ou entendu."]
    if prestation_serafin and not is_serafin_prestation(prestation_serafin):
        errors["prestation_serafin"] = ["Cette prestation SERAFIN-PH n'existe pas."]
    if objectif is not None and PROJET_CATEGORIE not in droits.lecture:
        # Linking a note to an objective reveals and relies on the plan: reading it is needed.
        errors["objectif"] = [
            "Vous ne pouvez pas lire le projet personnalisé de cette personne : la transmission "
            "ne peut pas être reliée à l'un de ses objectifs."
        ]
    elif objectif is not None and not objectifs_en_vigueur(usager).filter(pk=objectif.pk).exists():
        errors["objectif"] = ["Cet objectif n'est pas dans le projet en vigueur de la personne."]
    _raise_if(errors)
    transmission = Transmission(
        usager=usager,
        auteur=acteur,
        ecrite_le=timezone.now(),
        categorie=categorie,
        cible=cible,
        donnees=donnees.strip(),
        actions=(actions or "").strip(),
        resultats=(resultats or "").strip(),
        is_importante=is_importante,
        is_partageable_famille=is_partageable_famille,
        prestation_serafin=prestation_serafin,
        objectif=objectif,
    )
    # The person and the author were just read (through the policy): no query to check they
    # exist.
    transmission.full_clean(exclude=["usager", "auteur"])
    with transaction.atomic():
        transmission.save(force_insert=True)
        audit_record(
            acteur=acteur,
            action=AuditAction.CREATION,
            usager=usager,
            objet=transmission,
            categorie=categorie,
            champs=TRANSMISSION_CHAMPS,
            request=request,
        )
    return transmission


def transmission_completer(
    *,
    acteur: Utilisateur,
    transmission: Transmission,
    donnees: str,
    actions: str = "",
    resultats: str = "",
    request: HttpRequest | None = None,
) -> Transmission:
    """Correct or complete a note: a new note (addendum) pointing to the original, which stays
    as it was. A complement to a complement goes to the original."""
    original = transmission.complete or transmission
    usager = original.usager
    _check_scope(acteur, usager)
    if original.categorie not in access.categories_permises(acteur, usager, Action.ECRIRE):
        raise ValidationError(
            f"Vous ne pouvez pas compléter une transmission « "
            f"{_categorie_libelle(original.categorie)} »."
        )
    if not (donnees or "").strip():
        raise ValidationError({"donnees": ["Écrivez la correction ou le complément."]})
    addendum = Transmission(
        usager=usager,
        auteur=acteur,
        ecrite_le=timezone.now(),
        categorie=original.categorie,
        cible=original.cible,
        donnees=donnees.strip(),
        actions=(actions or "").strip(),
        resultats=(resultats or "").strip(),
        is_importante=original.is_importante,
        # A correction reaches whoever could read the original.
        is_partageable_famille=original.is_partageable_famille,
        prestation_serafin=original.prestation_serafin,
        objectif=original.objectif,
        complete=original,
    )
    addendum.full_clean()
    with transaction.atomic():
        addendum.save(force_insert=True)
        audit_record(
            acteur=acteur,
            action=AuditAction.CREATION,
            usager=usager,
            objet=addendum,
            categorie=original.categorie,
            champs=("complete", "donnees", "actions", "resultats"),
            motif=f"Complément de la transmission n° {original.pk}",
            request=request,
        )
    return addendum


def releve_marquer_lue(*, acteur: Utilisateur, jusqu_au: datetime | None = None) -> Releve:
    """End of the handover: the transmissions up to now are read (no health data here)."""
    moment = min(jusqu_au or timezone.now(), timezone.now())
    releve, _ = Releve.objects.update_or_create(
        utilisateur=acteur, defaults={"lu_jusqu_au": moment}
    )
    return releve


# ---------------------------------------------------------------------------
# Observations
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class MesureSaisie:
    type: str
    valeur: Any
    valeur_2: Any = None
    repas: str = ""


def observations_enregistrer(
    *,
    acteur: Utilisateur,
    usager: Usager,
    mesuree_le: datetime,
    mesures: Sequence[MesureSaisie],
    commentaire: str = "",
    request: HttpRequest | None = None,
) -> list[Observation]:
    """Record one or more measurements taken together. An impossible value refuses the whole
    entry (nothing half-saved); an abnormal one is saved and flagged."""
    _check_scope(acteur, usager)
    errors: dict[str, list[str]] = {}
    if not mesures:
        errors["__all__"] = ["Saisissez au moins une mesure."]
    if mesuree_le > timezone.now() + TOLERANCE_HORLOGE:
        errors["mesuree_le"] = ["Une mesure ne peut pas être datée dans le futur."]
    permises = access.categories_permises(acteur, usager, Action.ECRIRE)
    poids_anciens: list[tuple[datetime, Any]] | None = None
    observations: list[Observation] = []
    for mesure in mesures:
        regle = plausibilite.MESURES.get(mesure.type)
        if regle is None:
            errors.setdefault("__all__", []).append("Type de mesure inconnu.")
            continue
        categorie = next((c for c in regle.categories if c in permises), None)
        if categorie is None:
            errors.setdefault(mesure.type, []).append(
                f"Vous ne pouvez pas saisir de mesure « {regle.libelle} » pour cette personne."
            )
            continue
        try:
            verdict = plausibilite.valeur_verifier(mesure.type, mesure.valeur, mesure.valeur_2)
        except ValidationError as error:
            errors.setdefault(mesure.type, []).extend(error.messages)
            continue
        motif = verdict.motif_anomalie
        if mesure.type == TypeObservation.POIDS and not motif:
            if poids_anciens is None:
                poids_anciens = list(
                    Observation.objects.filter(
                        usager=usager,
                        type=TypeObservation.POIDS,
                        mesuree_le__gte=mesuree_le - plausibilite.PERTE_POIDS[-1][0],
                        mesuree_le__lt=mesuree_le,
                    ).values_list("mesuree_le", "valeur")
                )
            motif = plausibilite.perte_de_poids(verdict.valeur, mesuree_le, poids_anciens)
        observations.append(
            Observation(
                usager=usager,
                auteur=acteur,
                type=mesure.type,
                categorie=categorie,
                mesuree_le=mesuree_le,
                valeur=verdict.valeur,
                valeur_2=verdict.valeur_2,
                repas=mesure.repas if mesure.type == TypeObservation.REPAS else "",
                is_anormale=bool(motif),
                motif_anomalie=motif[:200],
                commentaire=(commentaire or "").strip(),
            )
        )
    _raise_if(errors)
    for observation in observations:
        observation.full_clean()
    with transaction.atomic():
        for observation in observations:
            observation.save(force_insert=True)
            audit_record(
                acteur=acteur,
                action=AuditAction.CREATION,
                usager=usager,
                objet=observation,
                categorie=observation.categorie,
                champs=("type", "valeur", "valeur_2", "mesuree_le", "commentaire"),
                request=request,
            )
    return observations


# ---------------------------------------------------------------------------
# Adverse events
# ---------------------------------------------------------------------------
def incident_declarer(
    *,
    acteur: Utilisateur,
    etablissement: Etablissement,
    survenu_le: datetime,
    type: str,
    gravite: int,
    recit: str,
    usager: Usager | None = None,
    lieu: str = "",
    mesures_immediates: str = "",
    is_famille_informee: bool = False,
    is_eigs: bool = False,
    request: HttpRequest | None = None,
) -> EvenementIndesirable:
    """Declare an adverse event in an establishment of one's scope (about a person of one's
    scope, or nobody in particular). Heads of service and directors are told after commit."""
    if access.professional(acteur) is None:
        raise ValidationError("Seul un professionnel peut déclarer un événement indésirable.")
    errors: dict[str, list[str]] = {}
    if usager is not None:
        _check_scope(acteur, usager)
        if usager.organisme_id != etablissement.organisme_id:
            errors["usager"] = ["Cette personne n'est pas accompagnée par cet établissement."]
    elif not access.etablissements_visibles(acteur).filter(pk=etablissement.pk).exists():
        errors["etablissement"] = ["Vous ne travaillez pas dans cet établissement."]
    if survenu_le > timezone.now() + TOLERANCE_HORLOGE:
        errors["survenu_le"] = ["Un événement ne peut pas survenir dans le futur."]
    if not (recit or "").strip():
        errors["recit"] = ["Racontez ce qui s'est passé : faits, personnes concernées, heure."]
    _raise_if(errors)
    incident = EvenementIndesirable(
        etablissement=etablissement,
        usager=usager,
        declarant=acteur,
        survenu_le=survenu_le,
        type=type,
        gravite=gravite,
        lieu=lieu.strip(),
        recit=recit.strip(),
        mesures_immediates=(mesures_immediates or "").strip(),
        is_famille_informee=is_famille_informee,
        is_eigs=is_eigs,
    )
    incident.full_clean()
    with transaction.atomic():
        incident.save(force_insert=True)
        audit_record(
            acteur=acteur,
            action=AuditAction.CREATION,
            usager=usager,
            objet=incident,
            champs=("type", "gravite", "recit", "mesures_immediates", "is_eigs"),
            request=request,
        )
        transaction.on_commit(lambda: incident_notifier.delay(incident.pk))
    return incident


class EtapeIncident:
    ANALYSE = "analyse"
    QUALIFIER_EIGS = "qualifier_eigs"
    EIGS_PARTIE1 = "eigs_partie1"
    EIGS_PARTIE2 = "eigs_partie2"
    SIGNALEMENT = "signalement"
    CLORE = "clore"
    CHOICES = (
        (ANALYSE, "Commencer l'analyse"),
        (QUALIFIER_EIGS, "Qualifier en événement grave associé aux soins (EIGS)"),
        (EIGS_PARTIE1, "EIGS : partie 1 transmise à l'ARS"),
        (EIGS_PARTIE2, "EIGS : partie 2 (analyse approfondie) transmise à l'ARS"),
        (SIGNALEMENT, "Signalement à l'autorité (L331-8-1) transmis"),
        (CLORE, "Clore l'événement"),
    )


def _etape_appliquer(
    incident: EvenementIndesirable, etape: str, quand: datetime, nature: str
) -> list[str]:
    """Apply one workflow step to the instance; returns the changed field names."""
    deja = "Cette étape a déjà été enregistrée."
    if incident.statut == StatutIncident.CLOS:
        raise ValidationError("L'événement est clos.")
    if etape == EtapeIncident.ANALYSE:
        if incident.statut != StatutIncident.DECLARE:
            raise ValidationError(deja)
        incident.statut = StatutIncident.EN_ANALYSE
        return ["statut"]
    if etape == EtapeIncident.QUALIFIER_EIGS:
        if incident.is_eigs:
            raise ValidationError(deja)
        incident.is_eigs = True
        return ["is_eigs"]
    if etape == EtapeIncident.EIGS_PARTIE1:
        if not incident.is_eigs:
            raise ValidationError("Qualifiez d'abord l'événement en EIGS.")
        if incident.eigs_partie1_le:
            raise ValidationError(deja)
        incident.eigs_partie1_le = quand
        return ["eigs_partie1_le"]
    if etape == EtapeIncident.EIGS_PARTIE2:
        if incident.eigs_partie1_le is None:
            raise ValidationError("La partie 2 suit la partie 1 : transmettez d'abord la partie 1.")
        if incident.eigs_partie2_le:
            raise ValidationError(deja)
        if quand < incident.eigs_partie1_le:
            raise ValidationError("La partie 2 ne peut pas précéder la partie 1.")
        incident.eigs_partie2_le = quand
        return ["eigs_partie2_le"]
    if etape == EtapeIncident.SIGNALEMENT:
        if nature not in NatureSignalement.values:
            raise ValidationError(
                {"nature": ["Choisissez la nature de l'événement signalé (arrêté du 28/12/2016)."]}
            )
        if incident.signalement_le:
            raise ValidationError(deja)
        incident.signalement_nature = nature
        incident.signalement_le = quand
        return ["signalement_nature", "signalement_le"]
    if etape == EtapeIncident.CLORE:
        if incident.is_eigs and incident.eigs_partie2_le is None:
            raise ValidationError(
                "Un EIGS ne se clôt qu'après la transmission de sa partie 2 à l'ARS."
            )
        incident.statut = StatutIncident.CLOS
        incident.clos_le = quand
        return ["statut", "clos_le"]
    raise ValidationError("Étape inconnue.")


def incident_etape(
    *,
    acteur: Utilisateur,
    incident: EvenementIndesirable,
    etape: str,
    quand: datetime | None = None,
    nature: str = "",
    request: HttpRequest | None = None,
) -> EvenementIndesirable:
    """One step of the workflow (analysis, EIGS parts, report, closing), by a head of service
    or a director of the establishment."""
    if not incident_can_manage(acteur):
        raise ValidationError("Seuls les chefs de service et la direction suivent les événements.")
    with transaction.atomic():
        incident = incidents_visibles(acteur).select_for_update().get(pk=incident.pk)
        quand = quand or timezone.now()
        if quand > timezone.now() + TOLERANCE_HORLOGE:
            raise ValidationError("Cette date est dans le futur.")
        champs = _etape_appliquer(incident, etape, quand, nature)
        incident.full_clean()
        incident.save(update_fields=champs)
        audit_record(
            acteur=acteur,
            action=AuditAction.MODIFICATION,
            usager=incident.usager,
            objet=incident,
            champs=champs,
            request=request,
        )
    return incident


def _paliers_dus(incident: EvenementIndesirable, today: date) -> list[str]:
    """Reminder steps due today, most urgent last."""
    if incident.eigs_partie1_le is None:
        return [PalierRelance.PARTIE1]
    echeance = incident.eigs_partie2_echeance
    if incident.eigs_partie2_le is not None or echeance is None:
        return []
    paliers: list[str] = []
    if today >= echeance - timedelta(days=30):
        paliers.append(PalierRelance.PARTIE2_J30)
    if today >= echeance - timedelta(days=7):
        paliers.append(PalierRelance.PARTIE2_J7)
    if today > echeance:
        paliers.append(PalierRelance.PARTIE2_RETARD)
    return paliers


def eigs_relances_envoyer(*, maintenant: datetime | None = None) -> int:
    """Send the reminders of serious events (EIGS) that are due: part 1 missing, part 2 due in
    30 days, in 7 days, overdue. Idempotent: each step is sent once (RelanceEIGS is unique per
    step); when several are due at once only the most urgent goes out. Returns the number of
    e-mails sent."""
    maintenant = maintenant or timezone.now()
    today = timezone.localdate(maintenant)
    sent = 0
    pending = (
        EvenementIndesirable.objects.filter(is_eigs=True, eigs_partie2_le__isnull=True)
        .exclude(statut=StatutIncident.CLOS)
        .select_related("etablissement")
        .order_by("pk")
    )
    for incident in pending:
        dus = _paliers_dus(incident, today)
        if not dus:
            continue
        deja = set(incident.relances.values_list("palier", flat=True))
        if dus[-1] in deja:
            continue
        try:
            with transaction.atomic():
                for palier in dus[:-1]:
                    if palier not in deja:
                        # Superseded by a more urgent step: recorded, not sent.
                        RelanceEIGS.objects.create(
                            evenement=incident, palier=palier, envoyee_le=maintenant
                        )
                relance = RelanceEIGS.objects.create(
                    evenement=incident, palier=dus[-1], envoyee_le=maintenant
                )
                relance.destinataires = notifications.eigs_relance_envoyer(incident, dus[-1])
                relance.save(update_fields=["destinataires"])
        except IntegrityError:
            continue  # another run sent it meanwhile
        sent += 1
    return sent


# ---------------------------------------------------------------------------
# Agenda
# ---------------------------------------------------------------------------
def _occurrences(debut: datetime, recurrence: str, jusqu_au: date | None) -> list[datetime]:
    if not recurrence:
        return [debut]
    if jusqu_au is None:
        raise ValidationError({"recurrence_fin": ["Indiquez jusqu'à quand l'événement se répète."]})
    local = timezone.localtime(debut)
    if jusqu_au < local.date():
        raise ValidationError(
            {"recurrence_fin": ["La fin de la répétition précède le premier événement."]}
        )
    if jusqu_au > local.date() + timedelta(days=366):
        raise ValidationError({"recurrence_fin": ["Une série dure au plus un an."]})
    step = {
        Recurrence.QUOTIDIENNE: timedelta(days=1),
        Recurrence.HEBDOMADAIRE: timedelta(weeks=1),
        Recurrence.BIMENSUELLE: timedelta(weeks=2),
    }.get(Recurrence(recurrence))
    starts: list[datetime] = []
    index = 0
    while len(starts) < RECURRENCE_MAX_OCCURRENCES:
        day = add_months(local.date(), index) if step is None else local.date() + step * index
        if day > jusqu_au:
            break
        # Same wall-clock time each day, across daylight saving changes.
        naive = datetime.combine(day, local.time().replace(tzinfo=None))
        starts.append(timezone.make_aware(naive, timezone.get_current_timezone()))
        index += 1
    return starts


def evenement_creer(
    *,
    acteur: Utilisateur,
    etablissement: Etablissement,
    titre: str,
    nature: str,
    debut: datetime,
    fin: datetime,
    unite: Unite | None = None,
    categorie: str = Categorie.EDUCATIF,
    lieu: str = "",
    transport: str = "aucun",
    prestation_serafin: str = "",
    usagers: Iterable[Usager] = (),
    professionnels: Iterable[Utilisateur] = (),
    recurrence: str = "",
    recurrence_fin: date | None = None,
    request: HttpRequest | None = None,
) -> list[Evenement]:
    """Plan an appointment or an activity (one occurrence per row for a recurring event).
    Every person must be in the author's scope, and the author must be allowed to write the
    event's category for each of them."""
    usagers = list(usagers)
    professionnels = list(professionnels)
    errors: dict[str, list[str]] = {}
    if fin <= debut:
        errors["fin"] = ["La fin de l'événement doit être postérieure à son début."]
    elif fin - debut > EVENEMENT_DUREE_MAX:
        errors["fin"] = [
            "Un événement dure au plus un mois : pour une absence, enregistrez une absence prévue."
        ]
    if not (titre or "").strip():
        errors["titre"] = ["Donnez un intitulé à l'événement."]
    if prestation_serafin and not is_serafin_prestation(prestation_serafin):
        errors["prestation_serafin"] = ["Cette prestation SERAFIN-PH n'existe pas."]
    if unite is not None:
        if not access.unites_visibles(acteur).filter(pk=unite.pk).exists():
            errors["unite"] = ["Vous ne travaillez pas dans cette unité."]
        elif unite.etablissement_id != etablissement.pk:
            errors["unite"] = ["Cette unité n'appartient pas à l'établissement."]
    elif (
        not usagers
        and not access.etablissements_visibles(acteur).filter(pk=etablissement.pk).exists()
    ):
        errors["etablissement"] = ["Vous ne travaillez pas dans cet établissement."]
    if usagers:
        visibles = set(
            access.usagers_visibles(acteur)
            .filter(pk__in=[u.pk for u in usagers])
            .values_list("pk", flat=True)
        )
        ecriture = access.categories_par_usager(acteur, [u.pk for u in usagers], Action.ECRIRE)
        for usager in usagers:
            if usager.pk not in visibles:
                errors.setdefault("usagers", []).append(f"{usager} n'est pas dans votre périmètre.")
            elif categorie not in ecriture[usager.pk]:
                errors.setdefault("usagers", []).append(
                    f"Vous ne pouvez pas inscrire d'événement « {_categorie_libelle(categorie)} » "
                    f"à l'agenda de {usager}."
                )
    if any(p.organisme_id != etablissement.organisme_id for p in professionnels):
        errors["professionnels"] = ["Un professionnel n'appartient pas à l'organisme."]
    _raise_if(errors)
    starts = _occurrences(debut, recurrence, recurrence_fin)
    duree = fin - debut
    serie = uuid.uuid4() if len(starts) > 1 else None
    evenements = [
        Evenement(
            etablissement=etablissement,
            unite=unite,
            titre=titre.strip(),
            nature=nature,
            prestation_serafin=prestation_serafin,
            categorie=categorie,
            debut=start,
            fin=start + duree,
            lieu=lieu.strip(),
            transport=transport,
            recurrence=recurrence,
            serie=serie,
            cree_par=acteur,
        )
        for start in starts
    ]
    evenements[0].full_clean()
    with transaction.atomic():
        Evenement.objects.bulk_create(evenements)
        Participant.objects.bulk_create(
            [
                Participant(evenement=e, usager=u, debut=e.debut, categorie=e.categorie)
                for e in evenements
                for u in usagers
            ]
        )
        if professionnels:
            through = Evenement.professionnels.through
            through.objects.bulk_create(
                [
                    through(evenement_id=e.pk, utilisateur_id=p.pk)
                    for e in evenements
                    for p in professionnels
                ]
            )
        audit_record_many(
            acteur=acteur,
            usager_ids=[u.pk for u in usagers],
            objet_type=Evenement._meta.label,
            action=AuditAction.CREATION,
            categorie=categorie,
            champs=("titre", "debut", "fin", "lieu"),
            request=request,
        )
    return evenements


def evenement_statut_changer(
    *,
    acteur: Utilisateur,
    evenement: Evenement,
    statut: str,
    toute_la_serie: bool = False,
    request: HttpRequest | None = None,
) -> int:
    """Mark an event done or cancelled (and the following occurrences of its series).
    Nothing is deleted: a cancelled event stays in the agenda, struck through."""
    if statut not in StatutEvenement.values:
        raise ValidationError("Statut inconnu.")
    usager_ids = list(evenement.participants.values_list("usager_id", flat=True))
    ecriture = access.categories_par_usager(acteur, usager_ids, Action.ECRIRE)
    visibles = set(
        access.usagers_visibles(acteur).filter(pk__in=usager_ids).values_list("pk", flat=True)
    )
    allowed = all(i in visibles and evenement.categorie in ecriture[i] for i in usager_ids)
    if usager_ids and not allowed:
        raise ValidationError("Vous ne pouvez pas modifier cet événement.")
    if (
        not usager_ids
        and not access.etablissements_visibles(acteur)
        .filter(pk=evenement.etablissement_id)
        .exists()
    ):
        raise ValidationError("Vous ne pouvez pas modifier cet événement.")
    targets = Evenement.objects.filter(pk=evenement.pk)
    if toute_la_serie and evenement.serie:
        targets = Evenement.objects.filter(serie=evenement.serie, debut__gte=evenement.debut)
    with transaction.atomic():
        count = targets.exclude(statut=statut).update(statut=statut)
        audit_record_many(
            acteur=acteur,
            usager_ids=usager_ids,
            objet_type=Evenement._meta.label,
            action=AuditAction.MODIFICATION,
            categorie=evenement.categorie,
            champs=("statut",),
            request=request,
        )
    return count


def _check_evenement_ecriture(acteur: Utilisateur, evenement: Evenement) -> list[int]:
    """Changing an event needs what creating it needed: every person in the author's scope
    with the right to write the event's category, or, for an event of the whole unit, working
    in that unit (in that establishment when it has no unit). Returns the participants' ids."""
    usager_ids = list(evenement.participants.values_list("usager_id", flat=True))
    refus = ValidationError("Vous ne pouvez pas modifier cet événement.")
    if usager_ids:
        ecriture = access.categories_par_usager(acteur, usager_ids, Action.ECRIRE)
        visibles = set(
            access.usagers_visibles(acteur).filter(pk__in=usager_ids).values_list("pk", flat=True)
        )
        if not all(i in visibles and evenement.categorie in ecriture[i] for i in usager_ids):
            raise refus
    elif evenement.unite_id is not None:
        if not access.unites_visibles(acteur).filter(pk=evenement.unite_id).exists():
            raise refus
    elif not access.etablissements_visibles(acteur).filter(pk=evenement.etablissement_id).exists():
        raise refus
    return usager_ids


def evenement_deplacer(
    *,
    acteur: Utilisateur,
    evenement: Evenement,
    debut: datetime,
    fin: datetime,
    toute_la_serie: bool = False,
    request: HttpRequest | None = None,
) -> list[Evenement]:
    """Move an occurrence (or it and the following occurrences of its series, by the same
    shift in wall-clock time) to a new start and end, checked as at creation. A done or
    cancelled event stays where it happened. Returns the moved events."""
    usager_ids = _check_evenement_ecriture(acteur, evenement)
    errors: dict[str, list[str]] = {}
    if evenement.statut != StatutEvenement.PLANIFIE:
        raise ValidationError(
            f"Un événement {evenement.get_statut_display().lower()} ne se déplace pas."
        )
    if fin <= debut:
        errors["fin"] = ["La fin de l'événement doit être postérieure à son début."]
    elif fin - debut > EVENEMENT_DUREE_MAX:
        errors["fin"] = [
            "Un événement dure au plus un mois : pour une absence, enregistrez une absence prévue."
        ]
    _raise_if(errors)
    tz = timezone.get_current_timezone()

    def mur(moment: datetime) -> datetime:
        return timezone.localtime(moment, tz).replace(tzinfo=None)

    decalage, duree = mur(debut) - mur(evenement.debut), fin - debut
    targets = [evenement]
    if toute_la_serie and evenement.serie:
        targets = list(
            Evenement.objects.filter(
                serie=evenement.serie,
                debut__gte=evenement.debut,
                statut=StatutEvenement.PLANIFIE,
            ).order_by("debut")
        )
    for target in targets:
        # Same wall-clock shift for each occurrence, across daylight saving changes.
        target.debut = (
            debut
            if target.pk == evenement.pk
            else timezone.make_aware(mur(target.debut) + decalage, tz)
        )
        target.fin = target.debut + duree
        target.full_clean()
    with transaction.atomic():
        Evenement.objects.bulk_update(targets, ["debut", "fin"])
        participants = list(Participant.objects.filter(evenement__in=targets))
        starts = {t.pk: t.debut for t in targets}
        for participant in participants:
            participant.debut = starts[participant.evenement_id]
        Participant.objects.bulk_update(participants, ["debut"])
        audit_record_many(
            acteur=acteur,
            usager_ids=usager_ids,
            objet_type=Evenement._meta.label,
            action=AuditAction.MODIFICATION,
            categorie=evenement.categorie,
            champs=("debut", "fin"),
            request=request,
        )
    return targets


# ---------------------------------------------------------------------------
# Planned absences and presence
# ---------------------------------------------------------------------------
POINTAGE_CATEGORIES = frozenset({Categorie.ADMINISTRATIF, Categorie.EDUCATIF, Categorie.SOINS})


def _check_pointage(acteur: Utilisateur, usager: Usager) -> None:
    """Presence and planned absences are written by whoever works with the person day to day
    (educative or care team) and by the administration."""
    _check_scope(acteur, usager)
    if not POINTAGE_CATEGORIES & access.categories_permises(acteur, usager, Action.ECRIRE):
        raise ValidationError("Vous ne pouvez pas enregistrer la présence de cette personne.")


def absence_prevue_creer(
    *,
    acteur: Utilisateur,
    usager: Usager,
    debut: date,
    fin: date,
    motif: str,
    debut_demi_journee: str = "matin",
    fin_demi_journee: str = "apres_midi",
    request: HttpRequest | None = None,
) -> AbsencePrevue:
    """Plan an absence (holidays, hospital stay, family weekend). Refused when it overlaps
    another planned absence of the person."""
    _check_pointage(acteur, usager)
    absence = AbsencePrevue(
        usager=usager,
        debut=debut,
        debut_demi_journee=debut_demi_journee,
        fin=fin,
        fin_demi_journee=fin_demi_journee,
        motif=motif,
        cree_par=acteur,
    )
    absence.full_clean(exclude=["cree_par", "usager"])
    with transaction.atomic():
        Usager.objects.select_for_update().filter(pk=usager.pk).first()
        _absence_chevauchement_refuser(absence)
        absence.save(force_insert=True)
        audit_record(
            acteur=acteur,
            action=AuditAction.CREATION,
            usager=usager,
            objet=absence,
            categorie=Categorie.ADMINISTRATIF,
            champs=("debut", "fin", "motif"),
            request=request,
        )
        _presences_rederiver(usager, [(debut, fin)])
    return absence


def _absence_chevauchement_refuser(absence: AbsencePrevue) -> None:
    """Refuse an absence overlapping another planned absence of the person (itself excepted
    when it is being changed)."""
    premier, dernier = absence.demi_journees()
    autres = AbsencePrevue.objects.filter(
        usager_id=absence.usager_id, debut__lte=absence.fin, fin__gte=absence.debut
    )
    if absence.pk is not None:
        autres = autres.exclude(pk=absence.pk)
    for autre in autres:
        autre_premier, autre_dernier = autre.demi_journees()
        if premier <= autre_dernier and autre_premier <= dernier:
            raise ValidationError(
                f"Cette absence chevauche l'absence prévue du {autre.debut:%d/%m/%Y} au "
                f"{autre.fin:%d/%m/%Y} ({autre.get_motif_display().lower()})."
            )


def _presences_rederiver(usager: Usager, periodes: Iterable[tuple[date, date]]) -> None:
    """Days already counted (up to today) are derived again after a planned absence changed;
    future days are derived when they come."""
    today = timezone.localdate()
    jours: set[date] = set()
    for debut, fin in periodes:
        jour = debut
        while jour <= min(fin, today):
            jours.add(jour)
            jour += timedelta(days=1)
    for jour in sorted(jours):
        presences_deriver(jour=jour, usager_ids=[usager.pk])


def absence_prevue_modifier(
    *,
    acteur: Utilisateur,
    absence: AbsencePrevue,
    debut: date,
    fin: date,
    motif: str,
    debut_demi_journee: str = "matin",
    fin_demi_journee: str = "apres_midi",
    request: HttpRequest | None = None,
) -> AbsencePrevue:
    """Change the dates or the reason of a planned absence (a hospital stay that lasts longer,
    holidays moved), checked as at creation; the presence of the days counted before and after
    the change is derived again."""
    usager = absence.usager
    _check_pointage(acteur, usager)
    avant = (absence.debut, absence.fin)
    absence.debut, absence.fin, absence.motif = debut, fin, motif
    absence.debut_demi_journee, absence.fin_demi_journee = debut_demi_journee, fin_demi_journee
    absence.full_clean(exclude=["cree_par", "usager"])
    with transaction.atomic():
        Usager.objects.select_for_update().filter(pk=usager.pk).first()
        _absence_chevauchement_refuser(absence)
        absence.save(
            update_fields=["debut", "debut_demi_journee", "fin", "fin_demi_journee", "motif"]
        )
        audit_record(
            acteur=acteur,
            action=AuditAction.MODIFICATION,
            usager=usager,
            objet=absence,
            categorie=Categorie.ADMINISTRATIF,
            champs=("debut", "fin", "motif"),
            request=request,
        )
        _presences_rederiver(usager, [avant, (debut, fin)])
    return absence


def absence_prevue_annuler(
    *, acteur: Utilisateur, absence: AbsencePrevue, request: HttpRequest | None = None
) -> None:
    """Cancel a planned absence: the row goes, the audit keeps who cancelled what, and the
    days already counted become presence again (unless a professional entered them)."""
    usager = absence.usager
    _check_pointage(acteur, usager)
    periode = (absence.debut, absence.fin)
    with transaction.atomic():
        Usager.objects.select_for_update().filter(pk=usager.pk).first()
        audit_record(
            acteur=acteur,
            action=AuditAction.SUPPRESSION,
            usager=usager,
            objet=absence,
            categorie=Categorie.ADMINISTRATIF,
            champs=("debut", "fin", "motif"),
            request=request,
        )
        absence.delete()
        _presences_rederiver(usager, [periode])


def _sejour_du_jour(usager: Usager, jour: date) -> Sejour | None:
    return (
        Sejour.objects.filter(usager=usager, date_entree__lte=jour)
        .exclude(date_sortie__lt=jour)
        .order_by("-date_entree")
        .first()
    )


def presence_enregistrer(
    *,
    acteur: Utilisateur,
    usager: Usager,
    jour: date,
    periode: str,
    statut: str,
    motif_absence: str = "",
    request: HttpRequest | None = None,
) -> Presence:
    """Record (or correct) the presence of a person for a day or a half-day. Refused when it
    overlaps another half-day already entered (correct that one instead)."""
    _check_pointage(acteur, usager)
    errors: dict[str, list[str]] = {}
    if jour > timezone.localdate():
        errors["jour"] = [
            "On ne pointe pas une présence à l'avance : enregistrez plutôt une absence prévue."
        ]
    if statut == StatutPresence.ABSENT and not motif_absence:
        errors["motif_absence"] = ["Indiquez le motif de l'absence."]
    if statut == StatutPresence.PRESENT:
        motif_absence = ""
    sejour = _sejour_du_jour(usager, jour)
    if sejour is None:
        errors["jour"] = [f"{usager} n'a pas de séjour en cours le {jour:%d/%m/%Y}."]
        raise ValidationError(errors)
    _raise_if(errors)
    with transaction.atomic():
        Usager.objects.select_for_update().filter(pk=usager.pk).first()
        saisies = Presence.objects.filter(usager=usager, jour=jour, source=SourcePresence.SAISIE)
        for autre in saisies:
            if autre.periode != periode and presence.chevauche(autre.periode, periode):
                raise ValidationError(
                    f"Une présence est déjà saisie pour {autre.get_periode_display().lower()} du "
                    f"{jour:%d/%m/%Y} : corrigez-la plutôt que d'en ajouter une autre."
                )
        existing = next((s for s in saisies if s.periode == periode), None)
        Presence.objects.filter(usager=usager, jour=jour, source=SourcePresence.DEDUITE).delete()
        if existing is None:
            row = Presence(
                usager=usager,
                etablissement_id=sejour.etablissement_id,
                jour=jour,
                periode=periode,
                statut=statut,
                motif_absence=motif_absence,
                source=SourcePresence.SAISIE,
                saisie_par=acteur,
            )
            row.full_clean()
            row.save(force_insert=True)
            action = AuditAction.CREATION
        else:
            row = existing
            row.statut, row.motif_absence = statut, motif_absence
            row.saisie_par, row.saisie_le = acteur, timezone.now()
            row.full_clean()
            row.save(update_fields=["statut", "motif_absence", "saisie_par", "saisie_le"])
            action = AuditAction.MODIFICATION
        audit_record(
            acteur=acteur,
            action=action,
            usager=usager,
            objet=row,
            categorie=Categorie.ADMINISTRATIF,
            champs=("statut", "motif_absence"),
            request=request,
        )
        presences_deriver(jour=jour, usager_ids=[usager.pk])
    return row


def presences_deriver(
    *,
    jour: date,
    usager_ids: Iterable[int] | None = None,
    etablissement_ids: Iterable[int] | None = None,
) -> int:
    """Store the derived presence of a day (idempotent): rows entered by professionals stay,
    derived rows are recomputed from the stays and planned absences. Returns the number of
    derived rows."""
    sejours = (
        Sejour.objects.filter(date_entree__lte=jour)
        .exclude(date_sortie__lt=jour)
        .order_by("usager_id", "-date_entree")
    )
    derived = Presence.objects.filter(jour=jour, source=SourcePresence.DEDUITE)
    if usager_ids is not None:
        ids = list(usager_ids)
        sejours = sejours.filter(usager_id__in=ids)
        derived = derived.filter(usager_id__in=ids)
    if etablissement_ids is not None:
        etabs = list(etablissement_ids)
        sejours = sejours.filter(etablissement_id__in=etabs)
        derived = derived.filter(etablissement_id__in=etabs)
    courant: dict[int, Sejour] = {}
    for sejour in sejours.only("usager_id", "etablissement_id", "mode_accueil"):
        courant.setdefault(sejour.usager_id, sejour)
    absences: dict[int, list[AbsencePrevue]] = {}
    for absence in AbsencePrevue.objects.filter(
        usager_id__in=list(courant), debut__lte=jour, fin__gte=jour
    ):
        absences.setdefault(absence.usager_id, []).append(absence)
    saisies: dict[int, list[str]] = {}
    for usager_id, periode in Presence.objects.filter(
        usager_id__in=list(courant), jour=jour, source=SourcePresence.SAISIE
    ).values_list("usager_id", "periode"):
        saisies.setdefault(usager_id, []).append(periode)
    rows = [
        Presence(
            usager_id=usager_id,
            etablissement_id=sejour.etablissement_id,
            jour=jour,
            periode=ligne.periode,
            statut=ligne.statut,
            motif_absence=ligne.motif_absence,
            is_absence_prevue=ligne.is_absence_prevue,
            source=SourcePresence.DEDUITE,
        )
        for usager_id, sejour in courant.items()
        for ligne in presence.presence_deduire(
            jour=jour,
            mode_accueil=sejour.mode_accueil,
            absences=absences.get(usager_id, ()),
            periodes_saisies=saisies.get(usager_id, ()),
        )
    ]
    with transaction.atomic():
        derived.delete()
        Presence.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
