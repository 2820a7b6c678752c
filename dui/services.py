"""Writes on the organisation model."""

from django.core.exceptions import ValidationError
from django.db import transaction

from securite.access import etablissement_can_manage
from securite.models import Utilisateur

from .models import CapaciteAutorisee, Etablissement, ModeAccueil, Unite


def etablissement_create(
    *,
    acteur: Utilisateur,
    nom: str,
    finess: str,
    categorie: str,
    capacites: dict[str, int] | None = None,
    adresse: str = "",
    code_postal: str = "",
    commune: str = "",
) -> Etablissement:
    """Create an establishment of the actor's organisme with its authorised capacities."""
    if not etablissement_can_manage(acteur) or acteur.organisme_id is None:
        raise ValidationError("Vous n'avez pas le droit de créer un établissement.")
    errors: dict[str, list[str]] = {}
    for mode, places in (capacites or {}).items():
        if mode not in ModeAccueil.values:
            errors.setdefault("capacites", []).append(f"Mode d'accueil inconnu : {mode}.")
        elif places < 0:
            errors.setdefault("capacites", []).append("Un nombre de places est positif.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        etablissement = Etablissement(
            organisme_id=acteur.organisme_id,
            nom=nom,
            finess=finess,
            categorie=categorie,
            adresse=adresse,
            code_postal=code_postal,
            commune=commune,
        )
        etablissement.full_clean()
        etablissement.save()
        for mode, places in (capacites or {}).items():
            capacite = CapaciteAutorisee(
                etablissement=etablissement, mode_accueil=mode, places=places
            )
            capacite.full_clean()
            capacite.save()
    return etablissement


def unite_create(
    *, acteur: Utilisateur, etablissement: Etablissement, nom: str, mode_accueil: str = ""
) -> Unite:
    """Add a unit to an establishment the actor manages."""
    if not etablissement_can_manage(acteur) or etablissement.organisme_id != acteur.organisme_id:
        raise ValidationError("Vous n'avez pas le droit de modifier cet établissement.")
    unite = Unite(etablissement=etablissement, nom=nom, mode_accueil=mode_accueil)
    unite.full_clean()
    unite.save()
    return unite
