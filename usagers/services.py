"""Writes of the usager record. Each service is keyword-only, takes the `acteur`, checks the
access policy (securite.access), validates with `full_clean()`, and records its audit row in
the same transaction (field names only, never values).

The RNIV rules live here: the identity status moves only through `ins_recuperer`,
`identite_valider`, `ins_verifier` and the drop of `usager_modifier` when a strict trait
changes.
"""

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.http import HttpRequest
from django.utils import timezone

from dui.models import CategorieEtablissement, Etablissement, Unite
from interop.targets.insi.client import ResultatINSi
from securite import access
from securite.audit import ActeAudit, audit_record, audit_record_many
from securite.models import Action, AuditAction, Categorie, EvenementAudit, Utilisateur

from .identifiants import ins_name_form, matricule_ins_validate, normalise_text
from .models import (
    EXCEPTIONS_MEDICO_SOCIALES,
    HAUT_NIVEAU_DE_CONFIANCE,
    TRAITS_STRICTS,
    Contact,
    DecisionOrientation,
    DossierLiaisonUrgence,
    Evaluation,
    IdentiteINS,
    JustificatifIdentite,
    MesureProtection,
    MethodeRecuperation,
    PrecisionDate,
    Sejour,
    StatutIdentite,
    Usager,
)
from .selectors import UsagerPage, doublons_potentiels

ADMINISTRATIF, SOCIAL, SOINS = Categorie.ADMINISTRATIF, Categorie.SOCIAL, Categorie.SOINS
MEDICAL = Categorie.MEDICAL


class DoublonPotentiel(ValidationError):
    """Creating this record may duplicate an existing one: the caller shows the candidates
    and asks for an explicit confirmation (`confirmer_doublon=True`)."""

    def __init__(self, candidats: list[Usager]) -> None:
        super().__init__(
            "Un dossier aux traits proches existe déjà dans l'organisme : vérifiez qu'il ne "
            "s'agit pas de la même personne avant de créer un nouveau dossier.",
            code="doublon",
        )
        self.candidats = candidats


def _exiger(acteur: Utilisateur, usager: Usager, categorie: str) -> None:
    """Defence in depth: views already obtained the usager through `usager_get`."""
    if not access.usager_can(acteur, usager, categorie, Action.ECRIRE):
        raise PermissionDenied


def _traits_stricts_normalises(data: dict[str, Any]) -> dict[str, Any]:
    """Strict traits in the INS form (RNIV: upper case, no diacritics)."""
    out = dict(data)
    for key in ("nom_naissance", "prenoms_naissance", "premier_prenom_naissance"):
        if key in out and out[key] is not None:
            out[key] = ins_name_form(out[key])
    if out.get("prenoms_naissance") and not out.get("premier_prenom_naissance"):
        out["premier_prenom_naissance"] = out["prenoms_naissance"].split(" ")[0]
    return out


# ---------------------------------------------------------------------------------------------
# Admission and identity
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SejourDonnees:
    etablissement: Etablissement
    mode_accueil: str
    date_entree: datetime.date
    unite: Unite | None = None
    mode_entree: str = ""
    date_sortie_prevue: datetime.date | None = None
    origine_demande: str = ""


def usager_admettre(
    *,
    acteur: Utilisateur,
    identite: dict[str, Any],
    sejour: SejourDonnees,
    confirmer_doublon: bool = False,
    request: HttpRequest | None = None,
) -> Usager:
    """Admission: a new record (provisional identity) and its first stay, in one transaction.

    `identite` holds the Usager fields (strict traits, used names, contact details). Raises
    `DoublonPotentiel` when close records exist and the duplicate was not confirmed."""
    if access.professional(acteur) is None:
        raise PermissionDenied
    if not access.etablissements_visibles(acteur).filter(pk=sejour.etablissement.pk).exists():
        raise ValidationError({"etablissement": "Vous n'intervenez pas dans cet établissement."})
    data = _traits_stricts_normalises(identite)
    usager = Usager(
        organisme_id=acteur.organisme_id,  # type: ignore[misc]
        identifiant_local=data.pop("identifiant_local", "") or f"tmp-{uuid.uuid4().hex[:20]}",
        statut_identite=StatutIdentite.PROVISOIRE,
        **data,
    )
    sejour_row = Sejour(
        etablissement=sejour.etablissement,
        unite=sejour.unite,
        mode_accueil=sejour.mode_accueil,
        date_entree=sejour.date_entree,
        mode_entree=sejour.mode_entree,
        date_sortie_prevue=sejour.date_sortie_prevue,
        origine_demande=sejour.origine_demande,
    )
    errors: dict[str, list[str]] = {}
    for row, exclude in ((usager, ["organisme"]), (sejour_row, ["usager"])):
        try:
            row.full_clean(exclude=exclude)
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                errors.setdefault(key, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    if not confirmer_doublon:
        candidats = doublons_potentiels(
            organisme_id=acteur.organisme_id,  # type: ignore[arg-type]
            nom_naissance=usager.nom_naissance,
            premier_prenom_naissance=usager.premier_prenom_naissance,
            date_naissance=usager.date_naissance,
        )
        if candidats:
            raise DoublonPotentiel(candidats)
    with transaction.atomic():
        usager.save()
        if usager.identifiant_local.startswith("tmp-"):
            usager.identifiant_local = f"D{usager.pk:07d}"
            usager.save(update_fields=["identifiant_local"])
        sejour_row.usager = usager
        sejour_row.full_clean()
        sejour_row.save()
        # The stay puts the record in the actor's scope; the policy decides the rest.
        _exiger(acteur, usager, ADMINISTRATIF)
        champs = [k for k in identite if k != "identifiant_local"]
        audit_record(
            acteur=acteur,
            action=AuditAction.CREATION,
            usager=usager,
            objet=usager,
            categorie=ADMINISTRATIF,
            champs=champs,
            request=request,
            motif="doublon potentiel écarté par l'utilisateur" if confirmer_doublon else "",
        )
        audit_record(
            acteur=acteur,
            action=AuditAction.CREATION,
            usager=usager,
            objet=sejour_row,
            categorie=ADMINISTRATIF,
            champs=("etablissement", "unite", "mode_accueil", "date_entree", "mode_entree"),
            request=request,
        )
    return usager


MODIFIABLES = frozenset(
    {
        *TRAITS_STRICTS,
        "nom_utilise",
        "prenom_utilise",
        "adresse",
        "code_postal",
        "commune",
        "telephone",
        "email",
        "photo",
        "is_douteuse",
        "is_fictive",
        "is_homonyme",
    }
)


def usager_modifier(
    *,
    acteur: Utilisateur,
    usager: Usager,
    request: HttpRequest | None = None,
    **changes: Any,
) -> Usager:
    """Change identity fields. Changing a strict trait of a récupérée, validée or qualifiée
    identity makes it provisoire again (RNIV: the INS and the document checked no longer
    vouch for these traits); marking it douteuse or fictive also takes back a validation.
    Both are recorded in the audit row's reason."""
    _exiger(acteur, usager, ADMINISTRATIF)
    unknown = set(changes) - MODIFIABLES
    if unknown:
        raise ValueError(f"Champs non modifiables : {sorted(unknown)}")
    changes = _traits_stricts_normalises(changes)
    if "date_naissance" in changes and "precision_date_naissance" not in changes:
        changes["precision_date_naissance"] = PrecisionDate.JOUR
    before = {name: getattr(usager, name) for name in changes}
    for name, value in changes.items():
        setattr(usager, name, value)
    usager.full_clean()
    changed = [name for name in changes if getattr(usager, name) != before[name]]
    if not changed:
        return usager
    ancien = usager.statut_identite
    motif = ""
    if any(name in TRAITS_STRICTS for name in changed) and ancien != StatutIdentite.PROVISOIRE:
        usager.statut_identite = StatutIdentite.PROVISOIRE
        motif = f"Trait strict modifié : statut {ancien} → provisoire."
    elif usager.is_fictive and ancien != StatutIdentite.PROVISOIRE:
        usager.statut_identite = StatutIdentite.PROVISOIRE
        motif = f"Identité fictive : statut {ancien} → provisoire."
    elif usager.is_douteuse and ancien in (StatutIdentite.VALIDEE, StatutIdentite.QUALIFIEE):
        usager.statut_identite = (
            StatutIdentite.RECUPEREE
            if ancien == StatutIdentite.QUALIFIEE
            else StatutIdentite.PROVISOIRE
        )
        motif = f"Identité douteuse : statut {ancien} → {usager.statut_identite}."
    fields = [*changed, "statut_identite", "updated_at"]
    with transaction.atomic():
        usager.save(update_fields=fields)
        audit_record(
            acteur=acteur,
            action=AuditAction.MODIFICATION,
            usager=usager,
            objet=usager,
            categorie=ADMINISTRATIF,
            champs=[*changed, *(["statut_identite"] if motif else [])],
            request=request,
            motif=motif,
        )
    return usager


def justificatif_enregistrer(
    *,
    acteur: Utilisateur,
    usager: Usager,
    type: str,
    numero: str = "",
    date_expiration: datetime.date | None = None,
    carte_vitale_photo: bool = False,
    request: HttpRequest | None = None,
) -> JustificatifIdentite:
    """Record the identity document the actor has just checked (number stored encrypted)."""
    _exiger(acteur, usager, ADMINISTRATIF)
    justificatif = JustificatifIdentite(
        usager=usager,
        type=type,
        numero=numero,
        date_expiration=date_expiration,
        carte_vitale_photo=carte_vitale_photo,
        verifie_par=acteur,
        verifie_le=timezone.now(),
    )
    justificatif.full_clean()
    with transaction.atomic():
        justificatif.save()
        audit_record(
            acteur=acteur,
            action=AuditAction.CREATION,
            usager=usager,
            objet=justificatif,
            categorie=ADMINISTRATIF,
            champs=("type", "numero", "date_expiration", "carte_vitale_photo"),
            request=request,
        )
    return justificatif


def _admission_en_ehpad(usager: Usager, jour: datetime.date) -> bool:
    return (
        Sejour.objects.filter(usager=usager, etablissement__categorie=CategorieEtablissement.EHPAD)
        .exclude(date_sortie__lt=jour)
        .exists()
    )


def justificatif_permet_validation(justificatif: JustificatifIdentite) -> str | None:
    """None when the document allows validating the identity, else the French reason.

    RNIV: only a high-trust document (identity card, passport, residence permit, EU identity
    card) validates an identity; the 2024 medico-social edition also accepts a livret de
    famille or a birth certificate for a minor, and for an EHPAD admission when a photo
    health card is presented with it."""
    usager = justificatif.usager
    jour = justificatif.verifie_le.date()
    if justificatif.date_expiration and justificatif.date_expiration < jour:
        return "Ce justificatif est expiré : il ne permet pas de valider l'identité."
    if justificatif.type in HAUT_NIVEAU_DE_CONFIANCE:
        return None
    if justificatif.type in EXCEPTIONS_MEDICO_SOCIALES:
        if usager.is_mineur(jour):
            return None
        if justificatif.carte_vitale_photo and _admission_en_ehpad(usager, jour):
            return None
        return (
            "Un livret de famille ou un acte de naissance ne valide l'identité que pour un "
            "mineur, ou pour une admission en EHPAD avec une carte Vitale à photo."
        )
    return (
        "Ce document n'est pas un justificatif à haut niveau de confiance (carte d'identité, "
        "passeport, titre de séjour) : il ne permet pas de valider l'identité."
    )


def identite_valider(
    *,
    acteur: Utilisateur,
    usager: Usager,
    justificatif: JustificatifIdentite,
    request: HttpRequest | None = None,
) -> Usager:
    """provisoire → validée, récupérée → qualifiée, on a document checked and recorded."""
    _exiger(acteur, usager, ADMINISTRATIF)
    if justificatif.usager_id != usager.pk:
        raise ValidationError({"justificatif": "Ce justificatif concerne un autre dossier."})
    if usager.is_fictive:
        raise ValidationError("Une identité fictive ne peut pas être validée.")
    if usager.is_douteuse:
        raise ValidationError(
            "Une identité douteuse ne peut pas être validée : levez d'abord le doute."
        )
    if usager.statut_identite in (StatutIdentite.VALIDEE, StatutIdentite.QUALIFIEE):
        raise ValidationError("Cette identité est déjà validée.")
    if not usager.lieu_naissance_code:
        raise ValidationError(
            {"lieu_naissance_code": "Le lieu de naissance est nécessaire pour valider l'identité."}
        )
    raison = justificatif_permet_validation(justificatif)
    if raison is not None:
        raise ValidationError({"justificatif": raison})
    ancien = usager.statut_identite
    usager.statut_identite = (
        StatutIdentite.QUALIFIEE if ancien == StatutIdentite.RECUPEREE else StatutIdentite.VALIDEE
    )
    usager.full_clean()
    with transaction.atomic():
        usager.save(update_fields=["statut_identite", "updated_at"])
        audit_record(
            acteur=acteur,
            action=AuditAction.MODIFICATION,
            usager=usager,
            objet=usager,
            categorie=ADMINISTRATIF,
            champs=("statut_identite",),
            request=request,
            motif=f"Identité {ancien} → {usager.statut_identite} "
            f"(justificatif n° {justificatif.pk}, {justificatif.type}).",
        )
    return usager


def _date_et_precision(ins_date: str) -> tuple[datetime.date, str]:
    year, month, day = (int(part) for part in ins_date.split("-"))
    if month == 0:
        return datetime.date(year, 12, 31), PrecisionDate.ANNEE
    if day == 0:
        from .models import date_naissance_conventionnelle

        return (
            date_naissance_conventionnelle(datetime.date(year, month, 1), PrecisionDate.MOIS),
            PrecisionDate.MOIS,
        )
    return datetime.date(year, month, day), PrecisionDate.JOUR


def _traits_ins(resultat: ResultatINSi) -> dict[str, Any]:
    assert resultat.traits is not None  # noqa: S101 - guarded by is_trouve
    date_naissance, precision = _date_et_precision(resultat.traits.date_naissance)
    return {
        "nom_naissance": ins_name_form(resultat.traits.nom_naissance),
        "prenoms_naissance": ins_name_form(resultat.traits.prenoms),
        "premier_prenom_naissance": ins_name_form(resultat.traits.premier_prenom),
        "sexe": resultat.traits.sexe,
        "date_naissance": date_naissance,
        "precision_date_naissance": precision,
        "lieu_naissance_code": resultat.traits.lieu_naissance,
    }


def ins_recuperer(
    *,
    acteur: Utilisateur,
    usager: Usager,
    resultat: ResultatINSi,
    methode: str = MethodeRecuperation.INSI_TRAITS,
    request: HttpRequest | None = None,
) -> Usager:
    """Record the INS returned by INSi (report 00) after the actor confirmed it is this
    person: the INSi traits replace the local strict traits (RNIV), the identity becomes
    récupérée — qualifiée if it was validée on a document showing these same traits."""
    _exiger(acteur, usager, ADMINISTRATIF)
    if not resultat.is_trouve:
        raise ValidationError({"insi": resultat.message})
    if usager.is_fictive:
        raise ValidationError("Une identité fictive ne reçoit pas d'INS.")
    try:
        matricule = matricule_ins_validate(resultat.matricule, resultat.oid)
    except ValidationError as error:
        raise ValidationError({"insi": error.messages}) from None
    autre = (
        IdentiteINS.objects.filter(matricule=matricule, usager__organisme_id=usager.organisme_id)
        .exclude(usager=usager)
        .filter(usager__fusionne_dans__isnull=True)
        .values_list("usager__identifiant_local", flat=True)
        .first()
    )
    if autre is not None:
        raise ValidationError(
            {
                "insi": f"Ce matricule INS est déjà celui du dossier n° {autre} : c'est "
                "probablement la même personne (fusionnez les dossiers)."
            }
        )
    existing = IdentiteINS.objects.filter(usager=usager).first()
    if (
        existing is not None
        and existing.matricule != matricule
        and usager.statut_identite in (StatutIdentite.RECUPEREE, StatutIdentite.QUALIFIEE)
    ):
        raise ValidationError(
            {"insi": "Cette identité porte déjà un autre matricule INS : vérifiez-la d'abord."}
        )
    traits = _traits_ins(resultat)
    memes_traits = all(
        normalise_text(str(getattr(usager, name))) == normalise_text(str(value))
        for name, value in traits.items()
    )
    ancien = usager.statut_identite
    if ancien in (StatutIdentite.VALIDEE, StatutIdentite.QUALIFIEE) and memes_traits:
        nouveau = StatutIdentite.QUALIFIEE
    else:
        nouveau = StatutIdentite.RECUPEREE
    champs = [name for name, value in traits.items() if getattr(usager, name) != value]
    for name, value in traits.items():
        setattr(usager, name, value)
    usager.statut_identite = nouveau
    # A code returned by INSi is the national reference: a historical commune missing from
    # the shipped COG list must not block it (usagers/data/SOURCES.md).
    # (so `clean()`, which checks the code against that list, is not run here).
    usager.clean_fields()
    usager.validate_constraints()
    now = timezone.now()
    with transaction.atomic():
        usager.save(update_fields=[*traits, "statut_identite", "updated_at"])
        ins, _ = IdentiteINS.objects.update_or_create(
            usager=usager,
            defaults={
                "matricule": matricule,
                "oid": resultat.oid,
                "methode": methode,
                "recupere_le": now,
                "recupere_par": acteur,
                "verifie_le": now,
            },
        )
        audit_record(
            acteur=acteur,
            action=AuditAction.MODIFICATION,
            usager=usager,
            objet=ins,
            categorie=ADMINISTRATIF,
            champs=["matricule", "oid", *champs, "statut_identite"],
            request=request,
            motif=f"INS récupérée par INSi ({methode}) : statut {ancien} → {nouveau}.",
        )
    return usager


def ins_verifier(
    *,
    acteur: Utilisateur,
    usager: Usager,
    resultat: ResultatINSi,
    request: HttpRequest | None = None,
) -> Usager:
    """Record the answer of an INSi verification. A failed verification takes the INS back:
    qualifiée → validée, récupérée → provisoire."""
    _exiger(acteur, usager, ADMINISTRATIF)
    ins = IdentiteINS.objects.filter(usager=usager).first()
    if ins is None:
        raise ValidationError({"insi": "Ce dossier n'a pas d'INS à vérifier."})
    ancien = usager.statut_identite
    with transaction.atomic():
        if resultat.code_cr == "00" and resultat.matricule == ins.matricule:
            ins.verifie_le = timezone.now()
            ins.save(update_fields=["verifie_le"])
            motif = "Vérification INSi conforme."
        else:
            if ancien == StatutIdentite.QUALIFIEE:
                usager.statut_identite = StatutIdentite.VALIDEE
            elif ancien == StatutIdentite.RECUPEREE:
                usager.statut_identite = StatutIdentite.PROVISOIRE
            usager.save(update_fields=["statut_identite", "updated_at"])
            motif = (
                f"Vérification INSi non conforme ({resultat.code_cr}) : "
                f"{ancien} → {usager.statut_identite}."
            )
        audit_record(
            acteur=acteur,
            action=AuditAction.MODIFICATION,
            usager=usager,
            objet=ins,
            categorie=ADMINISTRATIF,
            champs=("verifie_le", "statut_identite"),
            request=request,
            motif=motif,
        )
    return usager


# ---------------------------------------------------------------------------------------------
# Stays
# ---------------------------------------------------------------------------------------------
def sejour_creer(
    *,
    acteur: Utilisateur,
    usager: Usager,
    donnees: SejourDonnees,
    request: HttpRequest | None = None,
) -> Sejour:
    _exiger(acteur, usager, ADMINISTRATIF)
    if not access.etablissements_visibles(acteur).filter(pk=donnees.etablissement.pk).exists():
        raise ValidationError({"etablissement": "Vous n'intervenez pas dans cet établissement."})
    sejour = Sejour(
        usager=usager,
        etablissement=donnees.etablissement,
        unite=donnees.unite,
        mode_accueil=donnees.mode_accueil,
        date_entree=donnees.date_entree,
        mode_entree=donnees.mode_entree,
        date_sortie_prevue=donnees.date_sortie_prevue,
        origine_demande=donnees.origine_demande,
    )
    sejour.full_clean()
    with transaction.atomic():
        sejour.save()
        audit_record(
            acteur=acteur,
            action=AuditAction.CREATION,
            usager=usager,
            objet=sejour,
            categorie=ADMINISTRATIF,
            champs=("etablissement", "unite", "mode_accueil", "date_entree", "mode_entree"),
            request=request,
        )
    return sejour


def sejour_cloturer(
    *,
    acteur: Utilisateur,
    sejour: Sejour,
    date_sortie: datetime.date,
    mode_sortie: str,
    motif_sortie: str = "",
    request: HttpRequest | None = None,
) -> Sejour:
    """Exit: date, mode (CI-SIS) and reason."""
    _exiger(acteur, sejour.usager, ADMINISTRATIF)
    if sejour.date_sortie is not None:
        raise ValidationError({"date_sortie": "Ce séjour est déjà clôturé."})
    sejour.date_sortie = date_sortie
    sejour.mode_sortie = mode_sortie
    sejour.motif_sortie = motif_sortie
    sejour.full_clean()
    with transaction.atomic():
        sejour.save(update_fields=["date_sortie", "mode_sortie", "motif_sortie"])
        audit_record(
            acteur=acteur,
            action=AuditAction.MODIFICATION,
            usager=sejour.usager,
            objet=sejour,
            categorie=ADMINISTRATIF,
            champs=("date_sortie", "mode_sortie", "motif_sortie"),
            request=request,
        )
    return sejour


# ---------------------------------------------------------------------------------------------
# Entourage, protection, orientation, evaluation
# ---------------------------------------------------------------------------------------------
def _enregistrer(
    *,
    acteur: Utilisateur,
    usager: Usager,
    row: Any,
    categorie: str,
    champs: list[str],
    creation: bool,
    request: HttpRequest | None,
) -> Any:
    _exiger(acteur, usager, categorie)
    row.full_clean()
    with transaction.atomic():
        row.save()
        audit_record(
            acteur=acteur,
            action=AuditAction.CREATION if creation else AuditAction.MODIFICATION,
            usager=usager,
            objet=row,
            categorie=categorie,
            champs=champs,
            request=request,
        )
    return row


def _appliquer(row: Any, fields: dict[str, Any]) -> list[str]:
    changed = []
    for name, value in fields.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed.append(name)
    return changed


def contact_enregistrer(
    *,
    acteur: Utilisateur,
    usager: Usager,
    contact: Contact | None = None,
    request: HttpRequest | None = None,
    **fields: Any,
) -> Contact:
    """Add or change a person of the entourage (category social)."""
    creation = contact is None
    row = contact or Contact(usager=usager)
    if row.usager_id != usager.pk:
        raise ValidationError("Ce contact appartient à un autre dossier.")
    champs = _appliquer(row, fields)
    return _enregistrer(
        acteur=acteur,
        usager=usager,
        row=row,
        categorie=SOCIAL,
        champs=champs,
        creation=creation,
        request=request,
    )


def mesure_enregistrer(
    *,
    acteur: Utilisateur,
    usager: Usager,
    mesure: MesureProtection | None = None,
    request: HttpRequest | None = None,
    **fields: Any,
) -> MesureProtection:
    """Add or change a legal protection measure (category social)."""
    creation = mesure is None
    row = mesure or MesureProtection(usager=usager)
    if row.usager_id != usager.pk:
        raise ValidationError("Cette mesure appartient à un autre dossier.")
    contact = fields.get("mandataire_contact")
    if contact is not None and contact.usager_id != usager.pk:
        raise ValidationError({"mandataire_contact": "Ce contact n'est pas de l'entourage."})
    champs = _appliquer(row, fields)
    return _enregistrer(
        acteur=acteur,
        usager=usager,
        row=row,
        categorie=SOCIAL,
        champs=champs,
        creation=creation,
        request=request,
    )


def decision_enregistrer(
    *,
    acteur: Utilisateur,
    usager: Usager,
    request: HttpRequest | None = None,
    **fields: Any,
) -> DecisionOrientation:
    """Record a CDAPH orientation decision (category social)."""
    row = DecisionOrientation(usager=usager)
    champs = _appliquer(row, fields)
    return _enregistrer(
        acteur=acteur,
        usager=usager,
        row=row,
        categorie=SOCIAL,
        champs=champs,
        creation=True,
        request=request,
    )


def evaluation_enregistrer(
    *,
    acteur: Utilisateur,
    usager: Usager,
    date_evaluation: datetime.date,
    gir: int,
    grille: str = "aggir",
    commentaire: str = "",
    request: HttpRequest | None = None,
) -> Evaluation:
    """Record a GIR (AGGIR grid) with its date (category soins)."""
    row = Evaluation(
        usager=usager,
        grille=grille,
        date_evaluation=date_evaluation,
        gir=gir,
        evaluateur=acteur,
        commentaire=commentaire,
    )
    return _enregistrer(
        acteur=acteur,
        usager=usager,
        row=row,
        categorie=SOINS,
        champs=["grille", "date_evaluation", "gir", "commentaire"],
        creation=True,
        request=request,
    )


# ---------------------------------------------------------------------------------------------
# Emergency liaison file (DLU)
# ---------------------------------------------------------------------------------------------
DLU_CHAMPS = frozenset(
    {
        "medecin_traitant_nom",
        "medecin_traitant_prenom",
        "medecin_traitant_rpps",
        "medecin_traitant_telephone",
        "etablissement_preference_nom",
        "etablissement_preference_finess",
        "etablissement_preference_statut",
        "etablissement_preference_telephone",
        "pathologies",
        "antecedents",
        "allergies_medicamenteuses",
        "allergies_alimentaires",
        "autres_allergies",
        "is_sans_allergie_connue",
        "traitements",
        "soins_palliatifs",
        "directives_anticipees",
        "directives_anticipees_lieu",
        "bmr",
        "etat",
        "appareillages",
        "appareillages_precisions",
        "informations_utiles",
    }
)


def dlu_enregistrer(
    *,
    acteur: Utilisateur,
    usager: Usager,
    request: HttpRequest | None = None,
    **fields: Any,
) -> DossierLiaisonUrgence:
    """Create or update the person's emergency liaison file (category médical). The update
    date and author are those of this call; the audit row names the fields changed, never
    their values. Nothing changed: nothing saved, nothing audited."""
    _exiger(acteur, usager, MEDICAL)
    unknown = set(fields) - DLU_CHAMPS
    if unknown:
        raise ValueError(f"Champs inconnus du DLU : {sorted(unknown)}")
    for name in ("medecin_traitant_rpps", "etablissement_preference_finess"):
        if isinstance(fields.get(name), str):
            fields[name] = "".join(fields[name].split()).upper()
    if "appareillages" in fields and isinstance(fields["appareillages"], list | tuple):
        fields["appareillages"] = sorted(set(fields["appareillages"]))
    existing = DossierLiaisonUrgence.objects.filter(usager=usager).first()
    creation = existing is None
    row = existing or DossierLiaisonUrgence(usager=usager)
    champs = _appliquer(row, fields)
    if not creation and not champs:
        return row
    row.mis_a_jour_le = timezone.now()
    row.mis_a_jour_par = acteur
    row.full_clean()
    with transaction.atomic():
        row.save()
        audit_record(
            acteur=acteur,
            action=AuditAction.CREATION if creation else AuditAction.MODIFICATION,
            usager=usager,
            objet=row,
            categorie=MEDICAL,
            champs=champs,
            request=request,
        )
    return row


# ---------------------------------------------------------------------------------------------
# Merge
# ---------------------------------------------------------------------------------------------
def usager_fusionner(
    *,
    acteur: Utilisateur,
    conserve: Usager,
    doublon: Usager,
    motif: str,
    request: HttpRequest | None = None,
) -> Usager:
    """Merge a confirmed duplicate into the record kept, without losing anything.

    Every row attached to the duplicate (stays, documents, entourage, care team… of any app)
    is moved to the record kept. Rows of append-only tables (daily notes, audit) cannot move:
    they stay on the duplicate, which is kept too, marked `fusionne_dans`, and read with the
    record kept (`selectors.usager_ids_dossier`). Two different INS mean two different
    people: the merge is refused."""
    if doublon.fusionne_dans_id is not None or conserve.fusionne_dans_id is not None:
        raise ValidationError("Un de ces dossiers a déjà été fusionné.")
    _exiger(acteur, conserve, ADMINISTRATIF)
    _exiger(acteur, doublon, ADMINISTRATIF)
    motif = (motif or "").strip()
    if len(motif) < 10:
        raise ValidationError(
            {"motif": "Expliquez en quelques mots pourquoi c'est la même personne."}
        )
    if conserve.pk == doublon.pk:
        raise ValidationError("Un dossier ne se fusionne pas avec lui-même.")
    if conserve.organisme_id != doublon.organisme_id:
        raise ValidationError("Les deux dossiers n'appartiennent pas au même organisme.")
    ins_conserve = IdentiteINS.objects.filter(usager=conserve).first()
    ins_doublon = IdentiteINS.objects.filter(usager=doublon).first()
    if ins_conserve and ins_doublon and ins_conserve.matricule != ins_doublon.matricule:
        raise ValidationError(
            "Les deux dossiers portent des matricules INS différents : ce sont deux personnes."
        )
    moved: list[str] = []
    kept_on_duplicate: list[str] = []  # append-only tables: read through usager_ids_dossier
    with transaction.atomic():
        for relation in Usager._meta.related_objects:
            model = relation.related_model
            if model in (EvenementAudit, Usager) or relation.many_to_many:
                continue
            if relation.one_to_one:
                if model is IdentiteINS and ins_doublon and not ins_conserve:
                    ins_doublon.usager = conserve
                    ins_doublon.save(update_fields=["usager"])
                    moved.append(model._meta.label)
                elif (
                    model is DossierLiaisonUrgence
                    and DossierLiaisonUrgence.objects.filter(usager=doublon).exists()
                    and not DossierLiaisonUrgence.objects.filter(usager=conserve).exists()
                ):
                    # The record kept has no DLU: it takes the duplicate's (else the kept
                    # record's DLU wins and the duplicate's stays on the duplicate, readable).
                    DossierLiaisonUrgence.objects.filter(usager=doublon).update(usager=conserve)
                    moved.append(model._meta.label)
                continue
            field_name = relation.field.name
            rows = model._default_manager.filter(**{field_name: doublon})  # type: ignore[union-attr]
            try:
                with transaction.atomic():  # savepoint: an append-only table refuses
                    count = rows.update(**{field_name: conserve})
            except DatabaseError:
                kept_on_duplicate.append(model._meta.label)  # type: ignore[union-attr]
                continue
            if count:
                moved.append(model._meta.label)  # type: ignore[union-attr]
        if ins_doublon and not ins_conserve:
            # The INS moved with its traits: the record kept is provisional until checked.
            conserve.statut_identite = StatutIdentite.PROVISOIRE
            conserve.save(update_fields=["statut_identite", "updated_at"])
        doublon.fusionne_dans = conserve
        doublon.fusionne_le = timezone.now()
        doublon.save(update_fields=["fusionne_dans", "fusionne_le", "updated_at"])
        for usager, role in ((conserve, "conservé"), (doublon, "fusionné")):
            audit_record(
                acteur=acteur,
                action=AuditAction.FUSION,
                usager=usager,
                objet=usager,
                categorie=ADMINISTRATIF,
                champs=sorted(set(moved)),
                request=request,
                motif=f"Dossier {role} (n° {conserve.identifiant_local} ← "
                f"n° {doublon.identifiant_local}) : {motif}"
                + (
                    f" [restés sur le doublon, lus avec le dossier conservé : "
                    f"{', '.join(sorted(set(kept_on_duplicate)))}]"
                    if kept_on_duplicate
                    else ""
                ),
            )
    return conserve


def liste_tracer(
    *,
    user: Utilisateur,
    page: UsagerPage,
    request: HttpRequest,
    objet_type: str = "usagers.liste",
    acte: ActeAudit | None = None,
) -> None:
    """Each person shown on a page of the list (or of search results) is a reading of their
    record (one statement whatever the count)."""
    audit_record_many(
        acteur=user,
        usager_ids=[usager.pk for usager in page.usagers],
        objet_type=objet_type,
        categorie=Categorie.ADMINISTRATIF,
        request=request,
        acte=acte,
    )


def recherche_tracer(*, user: Utilisateur, page: UsagerPage, request: HttpRequest) -> None:
    """Trace a search: the act (criteria names only, never the terms), then a reading row
    per person found, in one statement (one wait for the chain lock, one commit)."""
    liste_tracer(
        user=user,
        page=page,
        request=request,
        objet_type="usagers.recherche.resultat",
        acte=ActeAudit(objet_type="usagers.recherche", champs=page.criteres),
    )
