"""Integration of received documents and messages: parse, match the person, store, audit.

Matching follows identitovigilance rules: a qualified INS first, then the strict traits
(birth name, first birth given name, birth date, sex) when exactly one person has them;
anything else goes to the review queue. Nothing is merged or attached on a guess, and a file
that cannot be read goes to the quarantine list with its reason, never silently dropped.
"""

import base64
import datetime as dt
import hashlib
import json
import unicodedata
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from dui.models import Organisme
from interop import mapping
from interop.hl7.identite import IdentiteRecue
from interop.hl7.parser import MessageInvalide, message_hl7_lire
from securite.audit import audit_record
from securite.models import AuditAction, Categorie, Utilisateur
from usagers.models import Usager

from .cda import DocumentInvalide, cda_lire
from .models import (
    DocumentRecu,
    Format,
    MessageRecu,
    MotifRapprochement,
    Quarantaine,
    Rapprochement,
    StatutRapprochement,
)


@dataclass(frozen=True)
class Integration:
    """Outcome of an import, with a sentence for the operator."""

    statut: str  # integre | a_rapprocher | quarantaine | deja_recu
    message: str
    document: DocumentRecu | None = None
    message_hl7: MessageRecu | None = None
    quarantaine: Quarantaine | None = None
    rapprochement: Rapprochement | None = None


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def contenu_brut(stored: str) -> bytes:
    return base64.b64decode(stored)


def _normalise(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value or "")
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(ascii_only.upper().replace("-", " ").replace("'", " ").split())


# ---------------------------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Correspondance:
    usager: Usager | None
    candidats: tuple[Usager, ...]
    motif: str  # "" when matched
    par_ins: bool = False


def _par_ins(organisme: Organisme, identite: IdentiteRecue) -> Usager | None:
    """A qualified identity of the organisme carrying this INS."""
    if not identite.ins:
        return None
    for usager in Usager.objects.filter(organisme=organisme, ins__matricule=identite.ins):
        ins = mapping._ins(usager)
        if ins is not None and ins.matricule == identite.ins:
            return usager
    return None


def _par_traits(organisme: Organisme, identite: IdentiteRecue) -> list[Usager]:
    if not identite.nom_naissance or identite.date_naissance is None:
        return []
    nom = _normalise(identite.nom_naissance)
    prenom = _normalise(identite.premier_prenom)
    sexe = {"F": "F", "M": "M"}.get(identite.sexe)
    queryset = Usager.objects.filter(organisme=organisme, date_naissance=identite.date_naissance)
    if sexe:
        queryset = queryset.filter(sexe=sexe)
    return [
        usager
        for usager in queryset
        if _normalise(usager.nom_naissance) == nom
        and (not prenom or _normalise(usager.premier_prenom_naissance) == prenom)
    ]


def _traits_concordants(usager: Usager, identite: IdentiteRecue) -> bool:
    return (
        _normalise(usager.nom_naissance) == _normalise(identite.nom_naissance)
        and _normalise(usager.premier_prenom_naissance) == _normalise(identite.premier_prenom)
        and usager.date_naissance == identite.date_naissance
    )


def usager_rapprocher(organisme: Organisme, identite: IdentiteRecue) -> Correspondance:
    """The person a received identity designates: qualified INS, then strict traits."""
    usager = _par_ins(organisme, identite)
    if usager is not None:
        if not _traits_concordants(usager, identite):
            return Correspondance(None, (usager,), MotifRapprochement.TRAITS_DIVERGENTS)
        return Correspondance(usager, (), "", par_ins=True)
    candidats = _par_traits(organisme, identite)
    if len(candidats) == 1:
        return Correspondance(candidats[0], (), "")
    if candidats:
        return Correspondance(None, tuple(candidats), MotifRapprochement.AMBIGU)
    return Correspondance(None, (), MotifRapprochement.SANS_USAGER)


# ---------------------------------------------------------------------------------------------
# Quarantine
# ---------------------------------------------------------------------------------------------
def quarantaine_ajouter(
    *,
    contenu: bytes,
    nom_fichier: str,
    format: str,
    motif: str,
    organisme: Organisme | None,
    acteur: Utilisateur | None,
) -> Quarantaine:
    with transaction.atomic():
        element = Quarantaine(
            organisme=organisme,
            format=format,
            nom_fichier=nom_fichier[:200],
            motif=motif,
            contenu=_b64(contenu),
            sha256=hashlib.sha256(contenu).hexdigest(),
            taille=len(contenu),
            recu_par=acteur,
        )
        element.full_clean()
        element.save()
        audit_record(acteur=acteur, action=AuditAction.CREATION, objet=element)
    return element


def _rapprochement_creer(
    *,
    organisme: Organisme,
    motif: str,
    identite: IdentiteRecue,
    candidats: tuple[Usager, ...],
    document: DocumentRecu | None = None,
    message: MessageRecu | None = None,
    extra: dict[str, list[str]] | None = None,
) -> Rapprochement:
    payload: dict[str, object] = identite.as_dict()
    if extra:
        payload.update(extra)
    item = Rapprochement.objects.create(
        organisme=organisme,
        motif=motif,
        document=document,
        message=message,
        identite_recue=json.dumps(payload, ensure_ascii=False),
    )
    if candidats:
        item.candidats.set(candidats)
    return item


# ---------------------------------------------------------------------------------------------
# CDA documents
# ---------------------------------------------------------------------------------------------
def document_recu_integrer(
    *, contenu: bytes, nom_fichier: str, organisme: Organisme, acteur: Utilisateur | None
) -> Integration:
    """Integrate a received CDA document into the person's record, the review queue, or
    the quarantine list."""
    try:
        lu = cda_lire(contenu)
    except DocumentInvalide as error:
        element = quarantaine_ajouter(
            contenu=contenu,
            nom_fichier=nom_fichier,
            format=Format.CDA,
            motif=str(error),
            organisme=organisme,
            acteur=acteur,
        )
        return Integration("quarantaine", f"Document rejeté : {error}", quarantaine=element)
    sha256 = hashlib.sha256(contenu).hexdigest()
    existant = DocumentRecu.objects.filter(organisme=organisme, sha256=sha256).first()
    if existant is not None:
        return Integration("deja_recu", "Ce document a déjà été reçu.", document=existant)
    correspondance = usager_rapprocher(organisme, lu.identite)
    categorie = Categorie.MEDICAL if lu.is_medical else Categorie.ADMINISTRATIF
    try:
        with transaction.atomic():
            document = DocumentRecu(
                organisme=organisme,
                usager=correspondance.usager,
                categorie=categorie,
                type_code=lu.type_code[:40],
                type_libelle=lu.type_libelle[:200],
                titre=(lu.titre or "Document")[:300],
                date_document=_aware(lu.date),
                auteur=lu.auteur[:200],
                structure=lu.structure[:200],
                identifiant=lu.identifiant[:200],
                lot=lu.lot[:200],
                version=lu.version,
                remplace=lu.remplace[:200],
                has_pdf=lu.pdf is not None,
                contenu=_b64(contenu),
                sha256=sha256,
                taille=len(contenu),
                nom_fichier=nom_fichier[:200],
                recu_par=acteur,
            )
            document.full_clean()
            document.save()
            if correspondance.usager is not None:
                audit_record(
                    acteur=acteur,
                    action=AuditAction.CREATION,
                    usager=correspondance.usager,
                    objet=document,
                    categorie=categorie,
                )
                return Integration(
                    "integre",
                    f"Document intégré au dossier n° {correspondance.usager.identifiant_local}.",
                    document=document,
                )
            item = _rapprochement_creer(
                organisme=organisme,
                motif=correspondance.motif,
                identite=lu.identite,
                candidats=correspondance.candidats,
                document=document,
            )
            audit_record(acteur=acteur, action=AuditAction.CREATION, objet=item)
    except IntegrityError:
        existant = DocumentRecu.objects.filter(organisme=organisme, sha256=sha256).first()
        return Integration("deja_recu", "Ce document a déjà été reçu.", document=existant)
    return Integration(
        "a_rapprocher",
        f"Document en attente de rapprochement d'identité ({item.get_motif_display().lower()}).",
        document=document,
        rapprochement=item,
    )


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        return timezone.make_aware(value)
    return value


# ---------------------------------------------------------------------------------------------
# HL7 messages
# ---------------------------------------------------------------------------------------------
def message_hl7_integrer(
    *, contenu: bytes, nom_fichier: str, organisme: Organisme, acteur: Utilisateur | None
) -> Integration:
    """Integrate an ADT message from a hospital feed. A40 (merge) always goes to the review
    queue; identity updates whose traits differ from the record too."""
    try:
        lu = message_hl7_lire(contenu)
    except MessageInvalide as error:
        element = quarantaine_ajouter(
            contenu=contenu,
            nom_fichier=nom_fichier,
            format=Format.HL7,
            motif=str(error),
            organisme=organisme,
            acteur=acteur,
        )
        return Integration("quarantaine", f"Message rejeté : {error}", quarantaine=element)
    sha256 = hashlib.sha256(contenu).hexdigest()
    existant = MessageRecu.objects.filter(organisme=organisme, sha256=sha256).first()
    if existant is not None:
        return Integration("deja_recu", "Ce message a déjà été reçu.", message_hl7=existant)
    correspondance = usager_rapprocher(organisme, lu.identite)
    with transaction.atomic():
        message = MessageRecu.objects.create(
            organisme=organisme,
            usager=correspondance.usager if lu.evenement != "A40" else None,
            evenement=lu.evenement,
            type_message=lu.type_message[:30],
            identifiant=lu.identifiant[:100],
            emetteur=lu.emetteur[:200],
            date_message=_aware(lu.date),
            segments=" ".join(lu.segments)[:500],
            contenu=_b64(contenu),
            sha256=sha256,
            recu_par=acteur,
        )
        if lu.evenement == "A40":
            extra = {
                "identifiants_fusionnes": [
                    value
                    for _oid, value in (
                        lu.identite_fusionnee.identifiants if lu.identite_fusionnee else ()
                    )
                ]
            }
            candidats = (
                (correspondance.usager,) if correspondance.usager else correspondance.candidats
            )
            item = _rapprochement_creer(
                organisme=organisme,
                motif=MotifRapprochement.FUSION,
                identite=lu.identite,
                candidats=candidats,
                message=message,
                extra=extra,
            )
            audit_record(acteur=acteur, action=AuditAction.CREATION, objet=item)
            return Integration(
                "a_rapprocher",
                "Fusion d'identités reçue : à examiner dans la file de rapprochement "
                "(aucune fusion automatique).",
                message_hl7=message,
                rapprochement=item,
            )
        if correspondance.usager is None:
            item = _rapprochement_creer(
                organisme=organisme,
                motif=correspondance.motif,
                identite=lu.identite,
                candidats=correspondance.candidats,
                message=message,
            )
            audit_record(acteur=acteur, action=AuditAction.CREATION, objet=item)
            return Integration(
                "a_rapprocher",
                f"Message en attente de rapprochement ({item.get_motif_display().lower()}).",
                message_hl7=message,
                rapprochement=item,
            )
        audit_record(
            acteur=acteur,
            action=AuditAction.CREATION,
            usager=correspondance.usager,
            objet=message,
            categorie=Categorie.ADMINISTRATIF,
        )
    return Integration(
        "integre",
        f"Message {lu.evenement} rattaché au dossier n° {correspondance.usager.identifiant_local}.",
        message_hl7=message,
    )


def fichier_recu_integrer(
    *, contenu: bytes, nom_fichier: str, organisme: Organisme, acteur: Utilisateur | None
) -> Integration:
    """A received file of unknown kind: CDA (XML) or HL7 v2 (starts with MSH)."""
    head = contenu.lstrip(b"\xef\xbb\xbf \t\r\n")[:5]
    if head.startswith(b"MSH"):
        return message_hl7_integrer(
            contenu=contenu, nom_fichier=nom_fichier, organisme=organisme, acteur=acteur
        )
    if head.startswith(b"<"):
        return document_recu_integrer(
            contenu=contenu, nom_fichier=nom_fichier, organisme=organisme, acteur=acteur
        )
    element = quarantaine_ajouter(
        contenu=contenu,
        nom_fichier=nom_fichier,
        format=Format.INCONNU,
        motif="Format non reconnu : ni document CDA (XML) ni message HL7 v2 (MSH).",
        organisme=organisme,
        acteur=acteur,
    )
    return Integration("quarantaine", f"Fichier rejeté : {element.motif}", quarantaine=element)


# ---------------------------------------------------------------------------------------------
# Review queue decisions
# ---------------------------------------------------------------------------------------------
def rapprochement_rattacher(
    *, rapprochement: Rapprochement, usager: Usager, acteur: Utilisateur
) -> Rapprochement:
    """A human decides which person a received document or message belongs to. A merge
    request (A40) is only acknowledged here: merging records is the usager module's job."""
    with transaction.atomic():
        item = Rapprochement.objects.select_for_update().get(pk=rapprochement.pk)
        if item.statut != StatutRapprochement.A_TRAITER:
            raise ValueError("Ce rapprochement a déjà été traité.")
        if item.document_id is not None:
            DocumentRecu.objects.filter(pk=item.document_id).update(usager=usager)
        if item.message_id is not None and item.motif != MotifRapprochement.FUSION:
            MessageRecu.objects.filter(pk=item.message_id).update(usager=usager)
        item.statut = StatutRapprochement.RATTACHE
        item.usager = usager
        item.traite_par = acteur
        item.traite_le = timezone.now()
        item.save(update_fields=["statut", "usager", "traite_par", "traite_le"])
        audit_record(
            acteur=acteur,
            action=AuditAction.MODIFICATION,
            usager=usager,
            objet=item,
            categorie=item.document.categorie if item.document_id and item.document else "",
        )
    return item


def rapprochement_ecarter(*, rapprochement: Rapprochement, acteur: Utilisateur) -> Rapprochement:
    with transaction.atomic():
        item = Rapprochement.objects.select_for_update().get(pk=rapprochement.pk)
        if item.statut != StatutRapprochement.A_TRAITER:
            raise ValueError("Ce rapprochement a déjà été traité.")
        item.statut = StatutRapprochement.ECARTE
        item.traite_par = acteur
        item.traite_le = timezone.now()
        item.save(update_fields=["statut", "traite_par", "traite_le"])
        audit_record(acteur=acteur, action=AuditAction.MODIFICATION, objet=item)
    return item
