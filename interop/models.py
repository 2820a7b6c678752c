"""The outbox: one delivery row (`Envoi`) per document version and destination, and one
attempt row (`TentativeEnvoi`) per try, like Saleor's webhook deliveries.

A delivery is written in the same transaction as the business event that produces the
document (support plan validated, DLU updated, document sent by mail) and queued when that
transaction commits. Its status answers "where is this document?" at any time:

    PENDING -> SENDING -> ACKNOWLEDGED (the DMP registered it)
                       -> SENT (MSSanté: the operator's server accepted the message)
                       -> FAILED (transient failure, a retry is scheduled) -> SENDING ...
                       -> DEAD (refused, or too many failures: a human must act)
    CANCELLED: withdrawn by an administrator, or replaced by a newer version before it left.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from securite.crypto import EncryptedBytesField


class Cible(models.TextChoices):
    DMP = "dmp", "DMP"
    MSS = "mss", "MSSanté"


class StatutEnvoi(models.TextChoices):
    PENDING = "pending", "En attente"
    SENDING = "sending", "Envoi en cours"
    SENT = "sent", "Envoyé"
    ACKNOWLEDGED = "acknowledged", "Reçu par le destinataire"
    FAILED = "failed", "En échec, nouvel essai prévu"
    DEAD = "dead", "En échec, action requise"
    CANCELLED = "cancelled", "Annulé"


# Statuses a worker never leaves: the document arrived, or a human must decide.
STATUTS_TERMINAUX = frozenset(
    {StatutEnvoi.SENT, StatutEnvoi.ACKNOWLEDGED, StatutEnvoi.DEAD, StatutEnvoi.CANCELLED}
)
STATUTS_LIVRES = frozenset({StatutEnvoi.SENT, StatutEnvoi.ACKNOWLEDGED})
STATUTS_EN_COURS = frozenset({StatutEnvoi.PENDING, StatutEnvoi.SENDING, StatutEnvoi.FAILED})


class Envoi(models.Model):
    """One document version to deliver to one destination (the DMP, or one MSSanté
    address). The unique constraint is the idempotency key: a version is delivered once."""

    usager = models.ForeignKey("usagers.Usager", on_delete=models.PROTECT, related_name="envois")
    etablissement = models.ForeignKey(
        "dui.Etablissement", on_delete=models.PROTECT, related_name="envois"
    )
    cible = models.CharField("destination", max_length=10, choices=Cible.choices)
    destinataire = models.CharField(
        "destinataire", max_length=254, blank=True, help_text="Adresse MSSanté ; vide pour le DMP."
    )
    document_id = models.CharField(
        "identifiant du document", max_length=128, help_text="Commun à toutes ses versions."
    )
    version = models.PositiveIntegerField("version")
    document_uid = models.CharField(
        "identifiant de la version", max_length=128, help_text="ClinicalDocument/id (uniqueId)."
    )
    titre = models.CharField("titre", max_length=200)
    type_code = models.CharField("type de document", max_length=64, blank=True)
    # The exact bytes delivered, encrypted at rest.
    contenu = EncryptedBytesField("contenu")
    empreinte = models.CharField("empreinte SHA-256", max_length=64)
    taille = models.PositiveIntegerField("taille (octets)")
    categorie = models.CharField("catégorie d'information", max_length=20)
    # DMP masking (confidentialityCode 1.2.250.1.213.1.1.4.13).
    masque_professionnels = models.BooleanField("masqué aux professionnels", default=False)
    invisible_patient = models.BooleanField("non visible par la personne", default=False)
    invisible_representants = models.BooleanField(
        "non visible par les représentants légaux", default=False
    )
    remplace = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="remplacants",
        verbose_name="version remplacée",
    )
    # Stable across attempts, so the remote recognises a resubmission.
    lot_uid = models.CharField("identifiant du lot de soumission", max_length=64, unique=True)
    entry_uuid = models.UUIDField("entryUUID de la fiche")
    statut = models.CharField(
        "statut", max_length=20, choices=StatutEnvoi.choices, default=StatutEnvoi.PENDING
    )
    nb_tentatives = models.PositiveIntegerField("tentatives", default=0)
    prochain_essai = models.DateTimeField("prochain essai", null=True, blank=True)
    mis_en_file_le = models.DateTimeField("mis en file le", null=True, blank=True)
    bail_expire_le = models.DateTimeField("fin de la réservation", null=True, blank=True)
    tentative_en_cours = models.ForeignKey(
        "TentativeEnvoi", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    derniere_erreur = models.TextField("dernière erreur", blank=True)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="envois_crees",
        verbose_name="auteur",
    )
    cree_le = models.DateTimeField("créé le")
    livre_le = models.DateTimeField("livré le", null=True, blank=True)
    modifie_le = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "envoi"
        verbose_name_plural = "envois"
        ordering = ["-cree_le", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cible", "destinataire", "document_id", "version"],
                name="envoi_une_fois_par_version",
            ),
            models.CheckConstraint(
                condition=Q(cible="dmp", destinataire="") | Q(cible="mss") & ~Q(destinataire=""),
                name="envoi_destinataire_selon_cible",
            ),
        ]
        indexes = [
            models.Index(fields=["statut", "prochain_essai"], name="envoi_statut_essai"),
            models.Index(fields=["usager", "cree_le"], name="envoi_usager_date"),
            models.Index(
                fields=["cible", "destinataire", "document_id"], name="envoi_document_versions"
            ),
        ]

    def __str__(self) -> str:
        return f"Envoi {self.get_cible_display()} n° {self.pk} (version {self.version})"

    @property
    def is_termine(self) -> bool:
        return self.statut in STATUTS_TERMINAUX

    @property
    def is_livre(self) -> bool:
        return self.statut in STATUTS_LIVRES


class ResultatTentative(models.TextChoices):
    EN_COURS = "en_cours", "En cours"
    SUCCES = "succes", "Réussie"
    DEJA_RECU = "deja_recu", "Déjà reçu (renvoi écarté par le destinataire)"
    ECHEC_TEMPORAIRE = "echec_temporaire", "Échec temporaire"
    ECHEC_DEFINITIF = "echec_definitif", "Refus"
    REGLE = "regle", "Bloqué avant envoi"
    INTERROMPUE = "interrompue", "Interrompue (worker arrêté)"


class TentativeEnvoi(models.Model):
    """One try of a delivery: when, how long, what came back, which worker task."""

    envoi = models.ForeignKey(Envoi, on_delete=models.CASCADE, related_name="tentatives")
    numero = models.PositiveIntegerField("numéro")
    debut = models.DateTimeField("début")
    duree_ms = models.PositiveIntegerField("durée (ms)", null=True, blank=True)
    resultat = models.CharField(
        "résultat",
        max_length=20,
        choices=ResultatTentative.choices,
        default=ResultatTentative.EN_COURS,
    )
    code_reponse = models.CharField("code de réponse", max_length=100, blank=True)
    erreur = models.TextField("erreur", blank=True)
    task_id = models.CharField("tâche Celery", max_length=64, blank=True)
    worker = models.CharField("worker", max_length=200, blank=True)

    class Meta:
        verbose_name = "tentative d'envoi"
        verbose_name_plural = "tentatives d'envoi"
        ordering = ["envoi", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["envoi", "numero"], name="tentative_numero_unique"),
        ]

    def __str__(self) -> str:
        return f"Tentative {self.numero} : {self.get_resultat_display()}"


class OppositionEnvoi(models.Model):
    """The person (or their legal representative) objects to their documents being shared
    with a national service (DMP feeding, MSSanté): nothing leaves for that destination."""

    usager = models.ForeignKey(
        "usagers.Usager", on_delete=models.CASCADE, related_name="oppositions_envoi"
    )
    cible = models.CharField("destination", max_length=10, choices=Cible.choices)
    exprimee_par = models.CharField(
        "exprimée par", max_length=200, help_text="La personne ou son représentant légal."
    )
    date = models.DateField("date")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "opposition au partage externe"
        verbose_name_plural = "oppositions au partage externe"
        constraints = [
            models.UniqueConstraint(fields=["usager", "cible"], name="opposition_envoi_unique"),
        ]

    def __str__(self) -> str:
        return f"Opposition au partage par {self.get_cible_display()}"
