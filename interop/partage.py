"""Sharing a validated support plan with the DMP: the N1 CDA document (the plan's PDF under a
CDA R2 header, type 80788-3) and its delivery row, written in the validation's transaction.

Identifiers of the document (CI-SIS header: id, setId, versionNumber, relatedDocument):
- setId: one per plan lineage, every version of a plan shares it. Derived from the first
  version's primary key under the installation's root OID (`<INTEROP_OID>.2.1.<pk>`) rather
  than stored: no migration, and the same value whichever version is built, by the
  validation or by `interop_export`. It is also the outbox's `document_id`, the key under
  which versions replace one another (`interop.services.envoi_creer`);
- id: a new 2.25.<uuid> at each build, never derived from a primary key: a database restored
  or reset under the same root OID (a test platform) would otherwise reuse ids the DMP already
  holds, and the DMP's "duplicate" answer is recorded as delivered;
- versionNumber: the plan's version;
- relatedDocument RPLC: the id of the newest earlier version that reached the DMP or is being
  sent. An earlier version still waiting is cancelled by `envoi_creer` and never reaches the
  DMP: there is nothing to replace, the new version goes as the first one.

Rules before anything is recorded: those the worker checks again before each send
(`interop.selectors.regles_avant_envoi`: qualified INS, no objection of the person to the
DMP, the author's right to read the plan's category), then a complete CDA header. A plan that
may not go leaves no delivery; `projet_partage_etat` tells the user why.

Without `DMP_ENDPOINT` the delivery is still recorded: it goes to "en échec, action requise"
with the reason "DMP non configuré", in the administrators' queue, to be sent again once the
DMP is configured. A validated plan is never silently left out of the DMP.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest

from dui.models import Etablissement
from securite.models import Utilisateur
from usagers.models import Sejour, Usager
from usagers.projet import access as projet_access
from usagers.projet.models import STATUTS_EN_VIGUEUR, ProjetPersonnalise, StatutProjet

from . import mapping
from .builders import cda
from .builders.data import DocumentData, DonneesManquantes
from .models import STATUTS_LIVRES, Cible, Envoi, StatutEnvoi
from .selectors import regles_avant_envoi
from .services import envoi_creer

logger = logging.getLogger("interop.partage")

TYPE_CODE = "80788-3"  # JDV_J07 (LOINC) "Projet personnalisé d'accompagnement"
TYPE_LIBELLE = "Projet personnalisé d'accompagnement"
# Arc of the support plans' document sets under the installation's root OID (`.1` holds
# the organismes' local identifier namespaces, see mapping.autorite_locale_oid).
ARC_LOT_PROJET = "2.1"
CATEGORIE = projet_access.CATEGORIE
# Smallest content the N1 builder accepts: checking the header does not need the real PDF.
_PDF_ESSAI = b"%PDF-1.7\n%%EOF\n"
# Earlier versions that are (or will be) in the DMP: a replacement points at them.
_STATUTS_REMPLACABLES = frozenset({*STATUTS_LIVRES, StatutEnvoi.SENDING})


@dataclass(frozen=True)
class Partage:
    """Outcome of sharing one plan version: its DMP delivery, or why there is none."""

    envoi: Envoi | None
    motifs: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        """What the user who validated the plan is told, in French."""
        if self.envoi is None:
            return "Le projet n'a pas été envoyé au DMP. " + " ".join(self.motifs)
        if self.envoi.statut == StatutEnvoi.CANCELLED:
            return "L'envoi de cette version au DMP a été annulé."
        if not settings.DMP_ENDPOINT:
            return (
                "Le DMP n'est pas encore configuré : l'envoi du projet attend dans la file des "
                "envois (action requise par un administrateur)."
            )
        return (
            "Le projet est confié à l'envoi vers le DMP de la personne : son état est visible "
            "dans « Documents partagés »."
        )

    @property
    def is_alerte(self) -> bool:
        """The user must do or ask for something (shown as a warning, not as information)."""
        return self.envoi is None or not settings.DMP_ENDPOINT


# ---------------------------------------------------------------------------
# Identifiers
# ---------------------------------------------------------------------------
def projet_lot(projet: ProjetPersonnalise) -> str:
    """setId of the plan's N1 document, shared by every version of the plan."""
    premier_pk = projet.pk
    precedent_id = projet.precedent_id
    # A lineage has a handful of versions: one small query per step.
    while precedent_id is not None:
        premier_pk = precedent_id
        precedent_id = (
            ProjetPersonnalise.objects.filter(pk=precedent_id)
            .values_list("precedent_id", flat=True)
            .get()
        )
    return f"{mapping.oid_racine()}.{ARC_LOT_PROJET}.{premier_pk}"


def _envoi_version(lot: str, version: int) -> Envoi | None:
    return (
        Envoi.objects.defer("contenu")
        .filter(cible=Cible.DMP, destinataire="", document_id=lot, version=version)
        .first()
    )


def projet_envoi_remplace(lot: str, version: int) -> Envoi | None:
    """The DMP delivery of the earlier version this one replaces (relatedDocument RPLC)."""
    return (
        Envoi.objects.defer("contenu")
        .filter(
            cible=Cible.DMP,
            destinataire="",
            document_id=lot,
            version__lt=version,
            statut__in=_STATUTS_REMPLACABLES,
        )
        .order_by("-version")
        .first()
    )


# ---------------------------------------------------------------------------
# The document (shared with `interop_export cda-ppa`)
# ---------------------------------------------------------------------------
def _sejour(usager: Usager, etablissement: Etablissement) -> Sejour | None:
    courant = mapping.sejour_courant(usager)
    if courant is not None and courant.etablissement_id == etablissement.pk:
        return courant
    return (
        Sejour.objects.filter(usager=usager, etablissement=etablissement)
        .select_related("etablissement", "unite")
        .order_by("-date_entree")
        .first()
    )


def cda_ppa(
    *,
    usager: Usager,
    etablissement: Etablissement,
    auteur: Utilisateur,
    pdf: bytes,
    lot: str = "",
    version: int = 1,
    remplace: str = "",
    date: dt.datetime | None = None,
) -> tuple[bytes, DocumentData]:
    """The N1 CDA of a support plan PDF: the author is also the legal authenticator (the
    professional who validated the plan), the custodian the plan's establishment. Raises
    `DonneesManquantes` listing what the record lacks."""
    structure = mapping.structure_data(etablissement)
    auteur_data = mapping.professionnel_data(auteur, structure.finess)
    sejour = _sejour(usager, etablissement)
    document = mapping.document_data(
        type_code=TYPE_CODE,
        type_libelle=TYPE_LIBELLE,
        titre=TYPE_LIBELLE,
        version=version,
        lot=lot,
        remplace=remplace,
        date=date,
    )
    contenu = cda.cda_n1(
        document=document,
        patient=mapping.patient_data(usager, etablissement),
        auteur=auteur_data,
        responsable=auteur_data,
        structure=structure,
        sejour=mapping.sejour_data(sejour) if sejour is not None else None,
        pdf=pdf,
    )
    return contenu, document


def projet_cda(
    *, projet: ProjetPersonnalise, auteur: Utilisateur, pdf: bytes | None = None
) -> tuple[bytes, DocumentData]:
    """The N1 CDA of one plan version: setId of its lineage, its version number, and the
    replacement of the previous version's DMP delivery if there is one. `pdf`: the plan's
    own PDF (`usagers.projet.documents.projet_pdf`) unless given."""
    from usagers.projet.documents import projet_pdf  # loads WeasyPrint: only when needed

    lot = projet_lot(projet)
    precedent = projet_envoi_remplace(lot, projet.version)
    return cda_ppa(
        usager=projet.usager,
        etablissement=projet.etablissement,
        auteur=auteur,
        pdf=pdf if pdf is not None else projet_pdf(projet),
        lot=lot,
        version=projet.version,
        remplace=precedent.document_uid if precedent is not None else "",
    )


def projet_dernier_valide(usager: Usager) -> ProjetPersonnalise | None:
    """The person's latest plan version past the drafting stage (validated, in force or
    closed), the one an export of "the support plan" means."""
    return (
        ProjetPersonnalise.objects.filter(usager=usager)
        .exclude(statut__in=[StatutProjet.BROUILLON, StatutProjet.CONCERTATION])
        .select_related("usager", "etablissement")
        .order_by("-version", "-pk")
        .first()
    )


# ---------------------------------------------------------------------------
# Sharing
# ---------------------------------------------------------------------------
def _motifs(projet: ProjetPersonnalise, acteur: Utilisateur) -> tuple[str, ...]:
    """Why this plan must not go to the DMP, checked before the PDF is rendered."""
    essai = Envoi(usager=projet.usager, cible=Cible.DMP, cree_par=acteur, categorie=CATEGORIE)
    refus = regles_avant_envoi(essai, "")
    if refus:
        return tuple(refus)
    try:
        cda_ppa(
            usager=projet.usager,
            etablissement=projet.etablissement,
            auteur=acteur,
            pdf=_PDF_ESSAI,
        )
    except DonneesManquantes as error:
        return (f"Document incomplet. {error}",)
    return ()


def projet_partager(
    *, projet: ProjetPersonnalise, acteur: Utilisateur, request: HttpRequest | None = None
) -> Partage:
    """Hand the N1 document of this plan version to the DMP outbox, in the caller's
    transaction (called by the validation of the plan): a rollback leaves no delivery, a
    commit queues it. Nothing is recorded when the rules forbid the DMP (unqualified
    identity, objection, no access right): the reasons come back instead. Idempotent: a
    version already handed over returns its delivery."""
    if not projet_access.projet_can_edit(acteur, projet):
        raise PermissionDenied
    if projet.statut not in STATUTS_EN_VIGUEUR:
        raise ValidationError("Seul un projet validé est partagé avec le DMP.")
    lot = projet_lot(projet)
    existant = _envoi_version(lot, projet.version)
    if existant is not None:
        return Partage(existant)
    motifs = _motifs(projet, acteur)
    if motifs:
        # Counts only: the reasons name the person's identity status.
        logger.info("plan %s not shared with the DMP (%d reasons)", projet.pk, len(motifs))
        return Partage(None, motifs)
    with transaction.atomic():
        try:
            contenu, document = projet_cda(projet=projet, auteur=acteur)
        except DonneesManquantes as error:
            return Partage(None, (f"Document incomplet. {error}",))
        precedent = projet_envoi_remplace(lot, projet.version)
        envoi = envoi_creer(
            acteur=acteur,
            usager=projet.usager,
            document_bytes=contenu,
            document_id=lot,
            document_uid=document.identifiant,
            version=projet.version,
            target=Cible.DMP,
            # No health data in the title: it is shown in the administrators' queue.
            titre=f"{TYPE_LIBELLE} (version {projet.version})",
            type_code=TYPE_CODE,
            categorie=CATEGORIE,
            etablissement=projet.etablissement,
            request=request,
        )
        if precedent is not None and envoi.remplace_id is None:
            envoi.remplace = precedent
            envoi.save(update_fields=["remplace", "modifie_le"])
    return Partage(envoi)


def projet_partage_etat(*, projet: ProjetPersonnalise, acteur: Utilisateur) -> Partage:
    """The DMP delivery of this plan version, or why there is none (the same rules as
    `projet_partager`), for the message shown after the validation."""
    existant = _envoi_version(projet_lot(projet), projet.version)
    if existant is not None:
        return Partage(existant)
    return Partage(None, _motifs(projet, acteur) or ("Il n'a pas été confié à l'envoi.",))
