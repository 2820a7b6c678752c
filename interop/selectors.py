"""Reads of the outbox: a person's shared documents, the administrators' queue, and the rules
checked before a document leaves."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from securite import access
from securite.models import Action, TypeCompte, Utilisateur
from usagers.models import Usager

from .models import Cible, Envoi, OppositionEnvoi, StatutEnvoi, TentativeEnvoi


def envois_usager(usager: Usager) -> QuerySet[Envoi]:
    """ "Documents partagés" of one person (the caller opened the record through the access
    policy), newest first, without the document bytes."""
    return (
        Envoi.objects.filter(usager=usager)
        .defer("contenu")
        .select_related("cree_par")
        .prefetch_related("tentatives")
        .order_by("-cree_le", "-id")
    )


def envoi_tentatives(envoi: Envoi) -> QuerySet[TentativeEnvoi]:
    return envoi.tentatives.order_by("numero")


def file_can_manage(user: object) -> bool:
    """The delivery queue (retry, cancel) belongs to technical administrators and directors:
    they can act on a configuration or a certificate, and see no health data there."""
    if not isinstance(user, Utilisateur) or not user.is_active:
        return False
    if user.type_compte == TypeCompte.TECHNIQUE:
        return True
    return access.etablissement_can_manage(user)


def envois_file(user: Utilisateur) -> QuerySet[Envoi]:
    """Deliveries of the user's organisme (all of them for a superuser), without content."""
    queryset = Envoi.objects.defer("contenu").select_related("etablissement", "usager")
    if user.organisme_id is not None:
        queryset = queryset.filter(usager__organisme_id=user.organisme_id)
    elif not user.is_superuser:
        return queryset.none()
    return queryset


@dataclass(frozen=True)
class EtatFile:
    """Counts for the queue view and the director's dashboard."""

    en_attente: int
    en_cours: int
    en_echec: int
    bloques: int
    plus_ancien: dt.datetime | None

    @property
    def age_plus_ancien(self) -> dt.timedelta | None:
        if self.plus_ancien is None:
            return None
        return timezone.now() - self.plus_ancien


def file_etat(queryset: QuerySet[Envoi]) -> EtatFile:
    """Pending, sending, failed (will retry) and dead counts, and the oldest undelivered."""
    counts = queryset.aggregate(
        en_attente=Count("id", filter=Q(statut=StatutEnvoi.PENDING)),
        en_cours=Count("id", filter=Q(statut=StatutEnvoi.SENDING)),
        en_echec=Count("id", filter=Q(statut=StatutEnvoi.FAILED)),
        bloques=Count("id", filter=Q(statut=StatutEnvoi.DEAD)),
        plus_ancien=Min(
            "cree_le",
            filter=Q(statut__in=[StatutEnvoi.PENDING, StatutEnvoi.SENDING, StatutEnvoi.FAILED]),
        ),
    )
    return EtatFile(**counts)


def regles_avant_envoi(envoi: Envoi, ins_document: str) -> list[str]:
    """Why this document must not leave, if anything: qualified INS (and the one in the
    document), no objection of the person, access right of the author. Empty: it may go."""
    from usagers.selectors import ins_partageable

    refus: list[str] = []
    usager = envoi.usager
    ins = ins_partageable(usager)
    if envoi.cible == Cible.DMP:
        if ins is None:
            refus.append("L'identité de la personne n'est pas qualifiée (INS requise pour le DMP).")
        elif ins_document and ins_document != f"{ins.matricule}^^^&{ins.oid}&ISO^NH":
            refus.append("L'INS du document ne correspond pas à celle du dossier.")
    if OppositionEnvoi.objects.filter(usager=usager, cible=envoi.cible).exists():
        refus.append(f"La personne s'est opposée au partage par {envoi.get_cible_display()}.")
    if not access.usager_can(envoi.cree_par, usager, envoi.categorie, Action.LIRE):
        refus.append("L'auteur n'a plus accès à cette catégorie du dossier.")
    return refus
