"""Writes of the outbox: create a delivery with its business event, deliver it (once), retry
it, and the administrators' retry and cancel.

The guarantees, and where each one comes from:
- *never vanish*: the delivery row is written in the business transaction; it is queued when
  that transaction commits, and the sweeper (`envois_relancer`, celery beat) queues again
  whatever a broker or worker failure left behind, and the retries that fell due;
- *never twice*: the row is claimed under a row lock before any network call, and a row that
  is already delivered, or being delivered by a live worker (its lease runs), is left alone.
  A worker that died after the remote received the document but before recording it leaves
  an expired lease: the resend carries the same uniqueId and submission set, which the DMP
  rejects as a duplicate (XDSDuplicateUniqueIdInRegistry) and which is recorded as delivered;
- *failures visible*: each try has its attempt row; a refusal, or too many failures, is DEAD
  with the remote's message, in the administrators' queue.
"""

import datetime as dt
import hashlib
import logging
import random
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Max, Q
from django.http import HttpRequest
from django.utils import timezone

from dui.models import Etablissement
from securite.audit import audit_record
from securite.models import AuditAction, Categorie, Profession, Utilisateur
from usagers.models import Usager

from .models import (
    STATUTS_EN_COURS,
    STATUTS_LIVRES,
    Cible,
    Envoi,
    ResultatTentative,
    StatutEnvoi,
    TentativeEnvoi,
)
from .selectors import regles_avant_envoi
from .targets.base import Accuse, Appel, Emetteur, Livraison, TransportError, outgoing_call

logger = logging.getLogger("interop.outbox")
T = TypeVar("T")

# VIHF subject:role (JDV_J65): TRE_G15 professions for health professionals; the others are
# sent with the structure's local profession code until JDV_J65 social codes are configured.
OID_G15 = "1.2.250.1.213.1.1.4.5"
ROLE_PAR_PROFESSION: dict[str, str] = {
    Profession.MEDECIN: f"10^{OID_G15}",
    Profession.INFIRMIER: f"60^{OID_G15}",
    Profession.PSYCHOLOGUE: f"93^{OID_G15}",
}
MASQUAGE = {
    "masque_professionnels": ("MASQUE_PS", "Masqué aux professionnels de santé"),
    "invisible_patient": ("INVISIBLE_PATIENT", "Non visible par le patient"),
    "invisible_representants": (
        "INVISIBLE_REPRESENTANTS_LEGAUX",
        "Non visible par les représentants légaux du patient",
    ),
}


# ---------------------------------------------------------------------------
# Creation, in the business transaction
# ---------------------------------------------------------------------------
def _etablissement_courant(usager: Usager) -> Etablissement:
    sejour = usager.sejours.select_related("etablissement").order_by("-date_entree").first()
    if sejour is None:
        raise ValidationError("La personne n'a aucun séjour : établissement émetteur inconnu.")
    return sejour.etablissement


def envoi_creer(
    *,
    acteur: Utilisateur,
    usager: Usager,
    document_bytes: bytes,
    document_id: str,
    version: int,
    target: str,
    document_uid: str = "",
    titre: str = "",
    type_code: str = "",
    categorie: str = Categorie.EDUCATIF,
    destinataire: str = "",
    etablissement: Etablissement | None = None,
    masque_professionnels: bool = False,
    invisible_patient: bool = False,
    invisible_representants: bool = False,
    request: HttpRequest | None = None,
) -> Envoi:
    """Record that this document version must reach `target` (the DMP, or one MSSanté
    address), in the caller's transaction, and queue it when that transaction commits.

    Idempotent: the same version for the same destination returns the existing delivery
    (its content must not have changed). Earlier versions not delivered yet are cancelled:
    only the newest version travels, replacing (RPLC) the last delivered one."""
    if target not in Cible.values:
        raise ValidationError({"cible": f"Destination inconnue : {target}."})
    # The rule of the check constraint `envoi_destinataire_selon_cible`, here rather than
    # by full_clean's query (one query fewer per document confided).
    if target == Cible.MSS and not destinataire:
        raise ValidationError({"destinataire": "Un envoi MSSanté demande une adresse."})
    if target == Cible.DMP and destinataire:
        raise ValidationError({"destinataire": "Un envoi au DMP n'a pas de destinataire."})
    empreinte = hashlib.sha256(document_bytes).hexdigest()
    with transaction.atomic():
        existant = (
            Envoi.objects.select_for_update()
            .defer("contenu")
            .filter(
                cible=target, destinataire=destinataire, document_id=document_id, version=version
            )
            .first()
        )
        if existant is not None:
            if existant.empreinte != empreinte:
                raise ValidationError(
                    "Cette version du document a déjà été confiée à l'envoi avec un autre "
                    "contenu : créez une nouvelle version."
                )
            return existant
        now = timezone.now()
        envoi = Envoi(
            usager=usager,
            etablissement=etablissement or _etablissement_courant(usager),
            cible=target,
            destinataire=destinataire,
            document_id=document_id,
            version=version,
            document_uid=document_uid or document_id,
            titre=(titre or "Document")[:200],
            type_code=type_code[:64],
            contenu=document_bytes,
            empreinte=empreinte,
            taille=len(document_bytes),
            categorie=categorie,
            masque_professionnels=masque_professionnels,
            invisible_patient=invisible_patient,
            invisible_representants=invisible_representants,
            lot_uid=f"2.25.{uuid.uuid4().int}",
            entry_uuid=uuid.uuid4(),
            statut=StatutEnvoi.PENDING,
            cree_par=acteur,
            cree_le=now,
            # Optimistic: set back to NULL below if the broker refuses the message.
            mis_en_file_le=now,
        )
        # Uniqueness was checked above under the lock, the constraint's rule at the top, and
        # the person, establishment and author are rows in hand (the database enforces all of
        # it anyway): no validation queries.
        envoi.full_clean(
            exclude=["usager", "etablissement", "cree_par"],
            validate_unique=False,
            validate_constraints=False,
        )
        envoi.save()
        anciennes = (
            Envoi.objects.select_for_update()
            .defer("contenu")
            .filter(
                cible=target,
                destinataire=destinataire,
                document_id=document_id,
                version__lt=version,
                statut__in=[StatutEnvoi.PENDING, StatutEnvoi.FAILED, StatutEnvoi.DEAD],
            )
        )
        for ancienne in anciennes:
            ancienne.statut = StatutEnvoi.CANCELLED
            ancienne.derniere_erreur = f"Remplacée par la version {version} avant son envoi."
            ancienne.save(update_fields=["statut", "derniere_erreur", "modifie_le"])
        audit_record(
            acteur=acteur,
            action=AuditAction.EXPORT,
            usager=usager,
            objet=envoi,
            categorie=categorie,
            request=request,
            motif=f"Envoi {envoi.get_cible_display()} programmé (version {version}).",
        )
        envoi_id = envoi.pk
        transaction.on_commit(lambda: envois_mettre_en_file([envoi_id]))
    return envoi


def envois_mettre_en_file(envoi_ids: Iterable[int]) -> int:
    """Publish one task per delivery. Never raises: a broker that is down leaves the rows
    for the sweeper (their `mis_en_file_le` is cleared so it takes them at once)."""
    from .tasks import envoi_executer

    ids = list(envoi_ids)
    published = 0
    for position, envoi_id in enumerate(ids):
        try:
            envoi_executer.apply_async(
                (envoi_id,),
                retry=True,
                retry_policy={"max_retries": 1, "interval_start": 0.2, "interval_step": 0.2},
            )
        except Exception:  # the broker is down: kombu raises several types
            logger.warning(
                "broker unavailable: %d deliveries left to the sweeper", len(ids) - position
            )
            _sans_file(ids[position:])
            return published
        published += 1
    return published


def _sans_file(ids: list[int]) -> None:
    try:
        Envoi.objects.filter(pk__in=ids, statut=StatutEnvoi.PENDING).update(mis_en_file_le=None)
    except (OperationalError, InterfaceError):
        # The row keeps its optimistic stamp: the sweeper takes it after the requeue delay.
        logger.warning("could not clear the queue stamp of %d deliveries", len(ids))


# ---------------------------------------------------------------------------
# Delivery, in a worker
# ---------------------------------------------------------------------------
def delai_avant_essai(numero: int) -> float:
    """Exponential backoff with "equal jitter": between half and all of base x 2^(n-1),
    capped, so retries of many deliveries after an outage do not arrive together."""
    plafond = min(
        settings.INTEROP_RETRY_MAX_SECONDS,
        settings.INTEROP_RETRY_BASE_SECONDS * 2 ** max(numero - 1, 0),
    )
    return random.uniform(plafond / 2, plafond)  # noqa: S311 - jitter, not security


def _emetteur(envoi: Envoi) -> Emetteur:
    user = envoi.cree_par
    finess = envoi.etablissement.finess
    try:
        pro = user.professionnel
    except Utilisateur.professionnel.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        pro = None
    if pro is not None and pro.rpps:
        identifiant = "8" + pro.rpps
    elif pro is not None and pro.adeli:
        identifiant = "0" + pro.adeli
    else:
        identifiant = f"3{finess}/{user.pk}"
    profession = pro.profession if pro is not None else ""
    role = ROLE_PAR_PROFESSION.get(profession, f"{profession or 'autre'}^{settings.INTEROP_OID}.1")
    return Emetteur(
        identifiant=identifiant,
        nom=user.last_name.upper(),
        prenom=user.first_name,
        role=role,
        structure_id_nat="1" + finess,
        structure_nom=envoi.etablissement.nom,
    )


def _livraison(envoi: Envoi, numero: int, remplace_entry_uuid: str = "") -> Livraison:
    masquage = tuple(code for flag, code in MASQUAGE.items() if getattr(envoi, flag))
    return Livraison(
        envoi_id=envoi.pk,
        numero=numero,
        document=envoi.contenu,
        titre=envoi.titre,
        lot_uid=envoi.lot_uid,
        entry_uuid=f"urn:uuid:{envoi.entry_uuid}",
        emetteur=_emetteur(envoi),
        soumis_le=envoi.cree_le,
        destinataire=envoi.destinataire,
        masquage=masquage,
        remplace_entry_uuid=remplace_entry_uuid,
    )


def _ins_du_document(document: bytes) -> str:
    from .targets.dmp.metadata import MetadonneesInvalides, metadonnees_depuis_cda

    try:
        return metadonnees_depuis_cda(document).patient_id
    except MetadonneesInvalides:
        return ""  # the transport refuses it with the detailed reason


def _bloquer(envoi: Envoi, numero: int, motifs: list[str], task_id: str, worker: str) -> None:
    now = timezone.now()
    message = " ".join(motifs)
    TentativeEnvoi.objects.create(
        envoi=envoi,
        numero=numero,
        debut=now,
        duree_ms=0,
        resultat=ResultatTentative.REGLE,
        code_reponse="regle",
        erreur=message,
        task_id=task_id[:64],
        worker=worker[:200],
    )
    envoi.statut = StatutEnvoi.DEAD
    envoi.derniere_erreur = message
    envoi.prochain_essai = None
    envoi.bail_expire_le = None
    envoi.save(
        update_fields=[
            "statut",
            "derniere_erreur",
            "prochain_essai",
            "bail_expire_le",
            "modifie_le",
        ]
    )


def _reserver(envoi_id: int, task_id: str, worker: str) -> tuple[Livraison, int, str] | str:
    """Phase 1, under the row lock: decide whether to send, and take the lease."""
    with transaction.atomic():
        # The author's professional record and the person's INS come with the row: the rules
        # below read them (one query instead of three).
        envoi = (
            Envoi.objects.select_for_update(of=("self",))
            .select_related("usager__ins", "etablissement", "cree_par__professionnel")
            .get(pk=envoi_id)
        )
        now = timezone.now()
        if envoi.is_termine:
            return f"déjà {envoi.get_statut_display().lower()}"
        if (
            envoi.statut == StatutEnvoi.SENDING
            and envoi.bail_expire_le
            and envoi.bail_expire_le > now
        ):
            return "en cours d'envoi par un autre worker"
        if (
            envoi.statut == StatutEnvoi.FAILED
            and envoi.prochain_essai
            and envoi.prochain_essai > now
        ):
            return "nouvel essai pas encore dû"
        numero = (envoi.tentatives.aggregate(n=Max("numero"))["n"] or 0) + 1
        if envoi.statut == StatutEnvoi.SENDING:
            # The lease ran out: the worker of the open attempt died (or lost its database).
            envoi.tentatives.filter(resultat=ResultatTentative.EN_COURS).update(
                resultat=ResultatTentative.INTERROMPUE,
                erreur="Tentative interrompue (worker arrêté ou base indisponible) ; "
                "l'envoi est repris, un doublon est écarté par le destinataire.",
            )
        # Earlier versions of the same document for the same destination, read after the lock
        # (a fresh snapshot): one still travelling holds this one back; the newest delivered
        # one is replaced (RPLC, DMP only).
        precedentes = list(
            Envoi.objects.filter(
                cible=envoi.cible,
                destinataire=envoi.destinataire,
                document_id=envoi.document_id,
                version__lt=envoi.version,
            )
            .order_by("-version")
            .values_list("statut", "entry_uuid")
        )
        if any(statut in STATUTS_EN_COURS for statut, _ in precedentes):
            envoi.statut = StatutEnvoi.FAILED
            envoi.prochain_essai = now + dt.timedelta(seconds=delai_avant_essai(1))
            envoi.derniere_erreur = "En attente de l'envoi de la version précédente."
            envoi.save(update_fields=["statut", "prochain_essai", "derniere_erreur", "modifie_le"])
            return "version précédente en cours d'envoi"
        livree = next((entry for statut, entry in precedentes if statut in STATUTS_LIVRES), None)
        remplace = f"urn:uuid:{livree}" if livree and envoi.cible == Cible.DMP else ""
        livraison = _livraison(envoi, numero, remplace)
        motifs = regles_avant_envoi(envoi, _ins_du_document(livraison.document))
        if motifs:
            _bloquer(envoi, numero, motifs, task_id, worker)
            return "bloqué : " + " ".join(motifs)
        tentative = TentativeEnvoi.objects.create(
            envoi=envoi, numero=numero, debut=now, task_id=task_id[:64], worker=worker[:200]
        )
        envoi.statut = StatutEnvoi.SENDING
        envoi.nb_tentatives += 1
        envoi.bail_expire_le = now + dt.timedelta(seconds=settings.INTEROP_LEASE_SECONDS)
        envoi.tentative_en_cours = tentative
        envoi.save(
            update_fields=[
                "statut",
                "nb_tentatives",
                "bail_expire_le",
                "tentative_en_cours",
                "modifie_le",
            ]
        )
        return livraison, tentative.pk, envoi.cible


def _avec_base(fn: Callable[[], T], *, duree_max: float = 120.0) -> T:
    """Run a database write, waiting for the database to come back (a PostgreSQL restart
    during a send must not lose the answer of the remote)."""
    delai = 0.5
    debut = time.monotonic()
    while True:
        try:
            return fn()
        except (OperationalError, InterfaceError):
            if time.monotonic() - debut > duree_max:
                raise
            logger.warning("database unavailable, retrying in %.1f s", delai)
            connection.close()
            time.sleep(delai)
            delai = min(delai * 2, 5.0)


def _enregistrer(envoi_id: int, tentative_id: int, appel: Appel) -> str:
    """Phase 3, under the row lock: record the attempt and move the status."""
    with transaction.atomic():
        envoi = Envoi.objects.select_for_update().defer("contenu").get(pk=envoi_id)
        # The attempt is only written under its delivery's lock (here and in _reserver): that
        # lock covers it; it is updated without being read.
        issue: dict[str, Any] = {"duree_ms": appel.duree_ms}
        now = timezone.now()
        mine = envoi.tentative_en_cours_id == tentative_id
        fields = ["modifie_le"]
        if appel.accuse is not None:
            accuse: Accuse = appel.accuse
            issue["resultat"] = (
                ResultatTentative.DEJA_RECU if accuse.deja_recu else ResultatTentative.SUCCES
            )
            issue["code_reponse"] = accuse.code[:100]
            issue["erreur"] = accuse.message if accuse.deja_recu else ""
            # Delivered is delivered, whoever else is trying meanwhile.
            if not envoi.is_livre:
                envoi.statut = (
                    StatutEnvoi.ACKNOWLEDGED if envoi.cible == Cible.DMP else StatutEnvoi.SENT
                )
                envoi.livre_le = now
                envoi.derniere_erreur = ""
                envoi.prochain_essai = None
                envoi.bail_expire_le = None
                fields += [
                    "statut",
                    "livre_le",
                    "derniere_erreur",
                    "prochain_essai",
                    "bail_expire_le",
                ]
            resultat = "livré"
        else:
            erreur: TransportError = appel.erreur  # type: ignore[assignment]
            issue["code_reponse"] = erreur.code[:100]
            issue["erreur"] = erreur.message
            issue["resultat"] = (
                ResultatTentative.ECHEC_DEFINITIF
                if erreur.permanent
                else ResultatTentative.ECHEC_TEMPORAIRE
            )
            resultat = "échec"
            if mine and envoi.statut == StatutEnvoi.SENDING:
                envoi.bail_expire_le = None
                envoi.derniere_erreur = erreur.message
                if erreur.permanent:
                    envoi.statut = StatutEnvoi.DEAD
                    envoi.prochain_essai = None
                elif envoi.nb_tentatives >= settings.INTEROP_MAX_ATTEMPTS:
                    envoi.statut = StatutEnvoi.DEAD
                    envoi.prochain_essai = None
                    envoi.derniere_erreur = (
                        f"Abandon après {envoi.nb_tentatives} tentatives : {erreur.message}"
                    )
                else:
                    envoi.statut = StatutEnvoi.FAILED
                    envoi.prochain_essai = now + dt.timedelta(
                        seconds=delai_avant_essai(envoi.nb_tentatives)
                    )
                fields += ["statut", "bail_expire_le", "derniere_erreur", "prochain_essai"]
        TentativeEnvoi.objects.filter(pk=tentative_id).update(**issue)
        envoi.save(update_fields=fields)
    return resultat


def _transport(cible: str) -> Callable[[Livraison], Accuse]:
    if cible == Cible.DMP:
        from .targets.dmp import client as dmp

        return dmp.envoyer
    from .targets.mss import client as mss

    return mss.envoyer


def envoi_executer(envoi_id: int, *, task_id: str = "", worker: str = "") -> str:
    """Deliver one delivery row, at most once per live lease; safe to run any number of
    times for the same row (the task is acked late and may be delivered again)."""
    reservation = _avec_base(lambda: _reserver(envoi_id, task_id, worker))
    if isinstance(reservation, str):
        return reservation
    livraison, tentative_id, cible = reservation
    envoyer = _transport(cible)
    appel = outgoing_call(cible, "envoi", lambda: envoyer(livraison))
    return _avec_base(lambda: _enregistrer(envoi_id, tentative_id, appel))


# ---------------------------------------------------------------------------
# The sweeper (celery beat)
# ---------------------------------------------------------------------------
def envois_relancer(*, limit: int = 500) -> int:
    """Queue again what is due: PENDING rows never queued (broker down) or queued long ago
    (message lost), FAILED rows whose retry is due, SENDING rows whose lease ran out (worker
    died). Rows locked by a running send are skipped."""
    now = timezone.now()
    requeue = now - dt.timedelta(seconds=settings.INTEROP_REQUEUE_SECONDS)
    due = (
        Q(statut=StatutEnvoi.PENDING, mis_en_file_le__isnull=True)
        | Q(statut=StatutEnvoi.PENDING, mis_en_file_le__lt=requeue)
        | Q(statut=StatutEnvoi.FAILED, prochain_essai__lte=now, mis_en_file_le__isnull=True)
        | Q(
            statut=StatutEnvoi.FAILED,
            prochain_essai__lte=now,
            mis_en_file_le__lt=F("prochain_essai"),
        )
        | Q(statut=StatutEnvoi.FAILED, prochain_essai__lte=now, mis_en_file_le__lt=requeue)
        | Q(statut=StatutEnvoi.SENDING, bail_expire_le__lt=now, mis_en_file_le__isnull=True)
        | Q(
            statut=StatutEnvoi.SENDING,
            bail_expire_le__lt=now,
            mis_en_file_le__lt=F("bail_expire_le"),
        )
        | Q(statut=StatutEnvoi.SENDING, bail_expire_le__lt=now, mis_en_file_le__lt=requeue)
    )
    with transaction.atomic():
        ids = list(
            Envoi.objects.select_for_update(skip_locked=True)
            .filter(due)
            .order_by("cree_le")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Envoi.objects.filter(pk__in=ids).update(mis_en_file_le=now)
    if ids:
        logger.info("sweeper: %d deliveries queued again", len(ids))
        envois_mettre_en_file(ids)
    return len(ids)


# ---------------------------------------------------------------------------
# Administrators' actions (audited)
# ---------------------------------------------------------------------------
def envoi_relancer(
    *, envoi: Envoi, acteur: Utilisateur, request: HttpRequest | None = None
) -> Envoi:
    """Try again a delivery in failure (DEAD or FAILED) or cancelled: a fresh series of
    attempts, queued at once."""
    with transaction.atomic():
        envoi = Envoi.objects.select_for_update().defer("contenu").get(pk=envoi.pk)
        if envoi.statut not in (StatutEnvoi.DEAD, StatutEnvoi.FAILED, StatutEnvoi.CANCELLED):
            raise ValidationError("Seul un envoi en échec ou annulé peut être relancé.")
        plus_recente = Envoi.objects.filter(
            cible=envoi.cible,
            destinataire=envoi.destinataire,
            document_id=envoi.document_id,
            version__gt=envoi.version,
        ).exclude(statut=StatutEnvoi.CANCELLED)
        if plus_recente.exists():
            raise ValidationError(
                "Une version plus récente de ce document existe : elle seule part."
            )
        envoi.statut = StatutEnvoi.PENDING
        envoi.nb_tentatives = 0
        envoi.prochain_essai = None
        envoi.mis_en_file_le = timezone.now()
        envoi.save(
            update_fields=[
                "statut",
                "nb_tentatives",
                "prochain_essai",
                "mis_en_file_le",
                "modifie_le",
            ]
        )
        audit_record(
            acteur=acteur,
            action=AuditAction.ADMINISTRATION,
            usager=envoi.usager,
            objet=envoi,
            request=request,
            motif=f"Envoi {envoi.get_cible_display()} relancé.",
        )
        envoi_id = envoi.pk
        transaction.on_commit(lambda: envois_mettre_en_file([envoi_id]))
    return envoi


def envoi_annuler(
    *, envoi: Envoi, acteur: Utilisateur, motif: str, request: HttpRequest | None = None
) -> Envoi:
    """Withdraw a delivery that has not arrived (a wrong recipient, a document to redo)."""
    if not motif.strip():
        raise ValidationError({"motif": "Indiquez pourquoi l'envoi est annulé."})
    with transaction.atomic():
        envoi = Envoi.objects.select_for_update().defer("contenu").get(pk=envoi.pk)
        if envoi.is_livre or envoi.statut == StatutEnvoi.CANCELLED:
            raise ValidationError("Cet envoi est déjà arrivé ou annulé.")
        if (
            envoi.statut == StatutEnvoi.SENDING
            and envoi.bail_expire_le
            and envoi.bail_expire_le > timezone.now()
        ):
            raise ValidationError("Cet envoi est en cours : réessayez dans un instant.")
        envoi.statut = StatutEnvoi.CANCELLED
        envoi.derniere_erreur = f"Annulé : {motif.strip()}"[:2000]
        envoi.prochain_essai = None
        envoi.save(update_fields=["statut", "derniere_erreur", "prochain_essai", "modifie_le"])
        audit_record(
            acteur=acteur,
            action=AuditAction.ADMINISTRATION,
            usager=envoi.usager,
            objet=envoi,
            request=request,
            motif=f"Envoi {envoi.get_cible_display()} annulé : {motif.strip()}"[:500],
        )
    return envoi


# ---------------------------------------------------------------------------
# Incoming MSSanté messages
# ---------------------------------------------------------------------------
def mss_boite_relever() -> int:
    """Hand each CDA of each unread message of the application mailbox to the received
    documents flow (which matches the person, or queues it for review, and drops a document
    it already has). Returns the number of documents handed over."""
    from dui.models import Organisme
    from interop.documents.services import document_recu_integrer

    organismes = list(Organisme.objects.all()[:2])
    if settings.MSS_IMAP_ORGANISME:
        organisme = Organisme.objects.get(pk=settings.MSS_IMAP_ORGANISME)
    elif len(organismes) == 1:
        organisme = organismes[0]
    else:
        raise ValidationError("MSS_IMAP_ORGANISME doit désigner l'organisme de la boîte MSSanté.")
    from .targets.mss.client import messages_recus

    remis = 0
    for message_id, _expediteur, documents in messages_recus():
        for position, document in enumerate(documents, start=1):
            document_recu_integrer(
                contenu=document,
                nom_fichier=f"mssante-{message_id.strip('<>')[:150]}-{position}.xml",
                organisme=organisme,
                acteur=None,
            )
            remis += 1
    return remis
