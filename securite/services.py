"""Writes of the securite app: care team, objections, matrix adjustments, break the glass.

Each service records its audit row in the same transaction."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from usagers.models import Usager

from . import access
from .audit import audit_record
from .models import (
    AccesExceptionnel,
    Action,
    AuditAction,
    Categorie,
    MembreEquipe,
    Opposition,
    Profession,
    RegleAcces,
    Utilisateur,
)
from .tasks import bris_glace_notifier

MOTIF_MIN_LENGTH = 15


def acces_exceptionnel_ouvrir(
    *, acteur: Utilisateur, identifiant_local: str, motif: str, request: HttpRequest | None = None
) -> AccesExceptionnel:
    """Break the glass: open a usager of the actor's organisme for a limited time.

    The usager is designated by their local identifier (not searchable by name, so break the
    glass cannot be used to browse the organisme). Heads of service of the establishments
    where the person stays are notified after commit."""
    if access.professional(acteur) is None:
        raise ValidationError("Seul un professionnel peut demander un accès exceptionnel.")
    motif = (motif or "").strip()
    if len(motif) < MOTIF_MIN_LENGTH:
        raise ValidationError(
            {
                "motif": f"Expliquez la situation en {MOTIF_MIN_LENGTH} caractères au moins : "
                "le motif est transmis au chef de service."
            }
        )
    usager = Usager.objects.filter(
        organisme_id=acteur.organisme_id,  # type: ignore[misc]
        identifiant_local=identifiant_local.strip(),
    ).first()
    if usager is None:
        raise ValidationError(
            {"identifiant_local": "Aucun dossier ne porte cet identifiant dans votre organisme."}
        )
    now = timezone.now()
    with transaction.atomic():
        acces = AccesExceptionnel.objects.create(
            utilisateur=acteur,
            usager=usager,
            motif=motif,
            debut=now,
            fin=now + timedelta(hours=settings.BRIS_GLACE_DUREE_HEURES),
        )
        audit_record(
            acteur=acteur,
            action=AuditAction.BRIS_GLACE,
            usager=usager,
            objet=acces,
            request=request,
            is_bris_glace=True,
        )
        transaction.on_commit(lambda: bris_glace_notifier.delay(acces.pk))
    return acces


def membre_equipe_ajouter(
    *,
    acteur: Utilisateur,
    usager: Usager,
    utilisateur: Utilisateur,
    role: str,
    date_debut: date,
    date_fin: date | None = None,
    request: HttpRequest | None = None,
) -> MembreEquipe:
    """Add a professional to a usager's care team (`access.equipe_can_manage`). A second
    membership of the same professional over an overlapping period is refused."""
    if not access.equipe_can_manage(acteur, usager):
        raise ValidationError("Vous ne pouvez pas modifier l'équipe de ce dossier.")
    if utilisateur.organisme_id != usager.organisme_id or access.professional(utilisateur) is None:
        raise ValidationError({"utilisateur": "Ce professionnel n'appartient pas à l'organisme."})
    if date_fin is None or date_fin >= date_debut:
        chevauchement = MembreEquipe.objects.filter(usager=usager, utilisateur=utilisateur).filter(
            Q(date_fin__isnull=True) | Q(date_fin__gte=date_debut)
        )
        if date_fin is not None:
            chevauchement = chevauchement.filter(date_debut__lte=date_fin)
        if chevauchement.exists():
            raise ValidationError(
                {"utilisateur": "Ce professionnel fait déjà partie de l'équipe sur cette période."}
            )
    with transaction.atomic():
        membre = MembreEquipe(
            usager=usager,
            utilisateur=utilisateur,
            role=role,
            date_debut=date_debut,
            date_fin=date_fin,
        )
        membre.full_clean()
        membre.save()
        audit_record(
            acteur=acteur,
            action=AuditAction.CREATION,
            usager=usager,
            objet=membre,
            categorie=Categorie.ADMINISTRATIF,
            champs=("utilisateur", "role", "date_debut", "date_fin"),
            request=request,
        )
    return membre


def opposition_enregistrer(
    *,
    acteur: Utilisateur,
    usager: Usager,
    categorie: str,
    exprimee_par: str,
    date: date,
    profession: str = "",
    utilisateur: Utilisateur | None = None,
    request: HttpRequest | None = None,
) -> Opposition:
    """Record the person's objection to sharing a category with a profession or a person
    (`access.opposition_can_manage`)."""
    if not access.opposition_can_manage(acteur, usager):
        raise ValidationError("Vous ne pouvez pas enregistrer d'opposition sur ce dossier.")
    if utilisateur is not None and utilisateur.organisme_id != usager.organisme_id:
        raise ValidationError({"utilisateur": "Ce professionnel n'appartient pas à l'organisme."})
    with transaction.atomic():
        opposition = Opposition(
            usager=usager,
            categorie=categorie,
            profession=profession,
            utilisateur=utilisateur,
            exprimee_par=exprimee_par,
            date=date,
        )
        opposition.full_clean()
        opposition.save()
        audit_record(
            acteur=acteur,
            action=AuditAction.CREATION,
            usager=usager,
            objet=opposition,
            categorie=Categorie.ADMINISTRATIF,
            champs=("categorie", "profession", "utilisateur"),
            request=request,
        )
    return opposition


def membre_equipe_terminer(
    *,
    acteur: Utilisateur,
    membre: MembreEquipe,
    date_fin: date,
    request: HttpRequest | None = None,
) -> MembreEquipe:
    """End a care-team membership on `date_fin` (the member keeps access until that day)."""
    if not access.equipe_can_manage(acteur, membre.usager):
        raise ValidationError("Vous ne pouvez pas modifier l'équipe de ce dossier.")
    if date_fin < membre.date_debut:
        raise ValidationError(
            {"date_fin": "La fin ne peut pas précéder le début de l'appartenance à l'équipe."}
        )
    with transaction.atomic():
        membre.date_fin = date_fin
        membre.full_clean()
        membre.save(update_fields=["date_fin"])
        audit_record(
            acteur=acteur,
            action=AuditAction.MODIFICATION,
            usager=membre.usager,
            objet=membre,
            categorie=Categorie.ADMINISTRATIF,
            champs=("date_fin",),
            request=request,
        )
    return membre


def opposition_retirer(
    *,
    acteur: Utilisateur,
    opposition: Opposition,
    retrait_exprime_par: str,
    request: HttpRequest | None = None,
) -> None:
    """Withdraw an objection at the person's (or legal representative's) request. The row is
    deleted (the model keeps objections in force only); the audit row keeps the trace of the
    objection, of its withdrawal and of who asked for it."""
    if not access.opposition_can_manage(acteur, opposition.usager):
        raise ValidationError("Vous ne pouvez pas retirer d'opposition sur ce dossier.")
    retrait_exprime_par = (retrait_exprime_par or "").strip()
    if not retrait_exprime_par:
        raise ValidationError(
            {"retrait_exprime_par": "Indiquez qui demande le retrait de l'opposition."}
        )
    with transaction.atomic():
        audit_record(
            acteur=acteur,
            action=AuditAction.SUPPRESSION,
            usager=opposition.usager,
            objet=opposition,
            categorie=Categorie.ADMINISTRATIF,
            champs=("categorie", "profession", "utilisateur"),
            motif=f"Retrait demandé par : {retrait_exprime_par[:200]}",
            request=request,
        )
        opposition.delete()


def _organisme_gere(acteur: Utilisateur) -> int:
    """The organisme whose matrix the actor adjusts (`access.matrice_can_manage`)."""
    if not access.matrice_can_manage(acteur) or acteur.organisme_id is None:
        raise ValidationError("Seule la direction peut modifier les règles d'accès.")
    return acteur.organisme_id


def regle_acces_definir(
    *,
    acteur: Utilisateur,
    profession: str,
    categorie: str,
    peut_lire: bool,
    peut_ecrire: bool,
    request: HttpRequest | None = None,
) -> RegleAcces:
    """Adjust one cell of the organisme's matrix (`access.matrice_can_manage`). Validated
    before anything is written."""
    organisme_id = _organisme_gere(acteur)
    with transaction.atomic():
        regle = (
            RegleAcces.objects.select_for_update()
            .filter(organisme_id=organisme_id, profession=profession, categorie=categorie)
            .first()
        ) or RegleAcces(organisme_id=organisme_id, profession=profession, categorie=categorie)
        regle.peut_lire = peut_lire
        regle.peut_ecrire = peut_ecrire
        regle.full_clean(validate_unique=False)
        regle.save()
        audit_record(
            acteur=acteur,
            action=AuditAction.ADMINISTRATION,
            objet=regle,
            champs=("peut_lire", "peut_ecrire"),
            request=request,
        )
    return regle


def regle_acces_retablir(
    *, acteur: Utilisateur, profession: str, categorie: str, request: HttpRequest | None = None
) -> bool:
    """Back to the default matrix for one cell: delete the organisme's adjustment, if any."""
    organisme_id = _organisme_gere(acteur)
    with transaction.atomic():
        regle = (
            RegleAcces.objects.select_for_update()
            .filter(organisme_id=organisme_id, profession=profession, categorie=categorie)
            .first()
        )
        if regle is None:
            return False
        audit_record(
            acteur=acteur,
            action=AuditAction.ADMINISTRATION,
            objet=regle,
            champs=("peut_lire", "peut_ecrire"),
            motif="Retour à la règle par défaut",
            request=request,
        )
        regle.delete()
    return True


def matrice_enregistrer(
    *,
    acteur: Utilisateur,
    cellules: dict[tuple[str, str], tuple[bool, bool]],
    request: HttpRequest | None = None,
) -> int:
    """Save the organisme's matrix from (profession, categorie) -> (lire, ecrire): a cell
    equal to the default matrix has no adjustment, another one has its `RegleAcces`. All or
    nothing: one invalid cell (writing without reading) leaves the matrix untouched. Returns
    the number of cells changed."""
    organisme_id = _organisme_gere(acteur)
    for profession, categorie in cellules:
        if profession not in Profession.values or categorie not in Categorie.values:
            raise ValidationError("Profession ou catégorie inconnue.")
    erreurs = [
        f"{Profession(profession).label} — {Categorie(categorie).label} : écrire sans lire "
        "n'a pas de sens, cochez aussi la lecture."
        for (profession, categorie), (lire, ecrire) in cellules.items()
        if ecrire and not lire
    ]
    if erreurs:
        raise ValidationError(erreurs)
    changed = 0
    with transaction.atomic():
        regles = {
            (r.profession, r.categorie): r
            for r in RegleAcces.objects.select_for_update().filter(organisme_id=organisme_id)
        }
        for (profession, categorie), (lire, ecrire) in cellules.items():
            defaut = access.DEFAULT_MATRIX.get(profession, {}).get(categorie, frozenset())
            is_default = (Action.LIRE in defaut, Action.ECRIRE in defaut) == (lire, ecrire)
            regle = regles.get((profession, categorie))
            if is_default:
                if regle is not None:
                    regle_acces_retablir(
                        acteur=acteur, profession=profession, categorie=categorie, request=request
                    )
                    changed += 1
                continue
            if regle is not None and (regle.peut_lire, regle.peut_ecrire) == (lire, ecrire):
                continue
            regle_acces_definir(
                acteur=acteur,
                profession=profession,
                categorie=categorie,
                peut_lire=lire,
                peut_ecrire=ecrire,
                request=request,
            )
            changed += 1
    return changed


def matrice_retablir(*, acteur: Utilisateur, request: HttpRequest | None = None) -> int:
    """Back to the default matrix for the whole organisme (each removed adjustment audited)."""
    organisme_id = _organisme_gere(acteur)
    with transaction.atomic():
        cellules = list(
            RegleAcces.objects.filter(organisme_id=organisme_id).values_list(
                "profession", "categorie"
            )
        )
        for profession, categorie in cellules:
            regle_acces_retablir(
                acteur=acteur, profession=profession, categorie=categorie, request=request
            )
    return len(cellules)


def acces_exceptionnel_revoir(
    *, acteur: Utilisateur, acces: AccesExceptionnel, request: HttpRequest | None = None
) -> AccesExceptionnel:
    """Mark a break-the-glass access as reviewed (heads of service, directors, DPO)."""
    if not access.acces_exceptionnel_can_review(acteur, acces.usager):
        raise ValidationError("Vous ne pouvez pas revoir les accès exceptionnels de ce dossier.")
    if acces.utilisateur_id == acteur.pk:
        raise ValidationError(
            "Un accès exceptionnel est revu par une autre personne que celle qui l'a ouvert."
        )
    with transaction.atomic():
        acces = AccesExceptionnel.objects.select_for_update().get(pk=acces.pk)
        if acces.revu_le is not None:
            raise ValidationError("Cet accès exceptionnel a déjà été revu.")
        acces.revu_par = acteur
        acces.revu_le = timezone.now()
        acces.save(update_fields=["revu_par", "revu_le"])
        audit_record(
            acteur=acteur,
            action=AuditAction.MODIFICATION,
            usager=acces.usager,
            objet=acces,
            champs=("revu_par", "revu_le"),
            request=request,
        )
    return acces
