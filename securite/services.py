"""Writes of the securite app: care team, objections, matrix adjustments, break the glass.

Each service records its audit row in the same transaction."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
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
    """Add a professional to a usager's care team (needs the right to write administratif)."""
    if not access.usager_can(acteur, usager, Categorie.ADMINISTRATIF, Action.ECRIRE):
        raise ValidationError("Vous ne pouvez pas modifier l'équipe de ce dossier.")
    if utilisateur.organisme_id != usager.organisme_id or access.professional(utilisateur) is None:
        raise ValidationError({"utilisateur": "Ce professionnel n'appartient pas à l'organisme."})
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
    """Record the person's objection to sharing a category with a profession or a person."""
    if not access.usager_can(acteur, usager, Categorie.ADMINISTRATIF, Action.ECRIRE):
        raise ValidationError("Vous ne pouvez pas enregistrer d'opposition sur ce dossier.")
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


def regle_acces_definir(
    *, acteur: Utilisateur, profession: str, categorie: str, peut_lire: bool, peut_ecrire: bool
) -> RegleAcces:
    """Adjust the organisme's matrix (directors and technical administrators)."""
    if not access.etablissement_can_manage(acteur) or acteur.organisme_id is None:
        raise ValidationError("Seule la direction peut modifier les règles d'accès.")
    with transaction.atomic():
        regle, _ = RegleAcces.objects.update_or_create(
            organisme_id=acteur.organisme_id,
            profession=profession,
            categorie=categorie,
            defaults={"peut_lire": peut_lire, "peut_ecrire": peut_ecrire},
        )
        regle.full_clean()
        audit_record(
            acteur=acteur,
            action=AuditAction.ADMINISTRATION,
            objet=regle,
            champs=("peut_lire", "peut_ecrire"),
        )
    return regle
