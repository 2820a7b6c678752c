"""Received documents and messages, the quarantine list and the identity review queue.

Payload bytes are stored encrypted at rest (`securite.crypto.EncryptedTextField`, base 64
inside), with their SHA-256 so a second import of the same file is recognised.
"""

from django.conf import settings
from django.db import models

from dui.models import Organisme
from securite.crypto import EncryptedTextField
from securite.models import Categorie


class Format(models.TextChoices):
    CDA = "cda", "Document CDA"
    HL7 = "hl7", "Message HL7 v2"
    INCONNU = "inconnu", "Format inconnu"


class DocumentRecu(models.Model):
    """A CDA document received for a person (VSM, discharge letter, FLUDR, N1 PDF…)."""

    organisme = models.ForeignKey(Organisme, on_delete=models.PROTECT, related_name="+")
    usager = models.ForeignKey(
        "usagers.Usager",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents_recus",
    )
    categorie = models.CharField("catégorie", max_length=20, choices=Categorie.choices)
    type_code = models.CharField("type (JDV_J07)", max_length=40)
    type_libelle = models.CharField("libellé du type", max_length=200, blank=True)
    titre = models.CharField("titre", max_length=300)
    date_document = models.DateTimeField("date du document", null=True, blank=True)
    auteur = models.CharField("auteur", max_length=200, blank=True)
    structure = models.CharField("structure émettrice", max_length=200, blank=True)
    identifiant = models.CharField("identifiant du document", max_length=200)
    lot = models.CharField("identifiant du lot de versions", max_length=200, blank=True)
    version = models.PositiveIntegerField("version", default=1)
    remplace = models.CharField("remplace le document", max_length=200, blank=True)
    has_pdf = models.BooleanField("PDF encapsulé", default=False)
    contenu = EncryptedTextField("contenu (base 64)")
    sha256 = models.CharField(max_length=64)
    taille = models.PositiveIntegerField("taille (octets)")
    nom_fichier = models.CharField("fichier", max_length=200, blank=True)
    recu_le = models.DateTimeField("reçu le", auto_now_add=True)
    recu_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "document reçu"
        verbose_name_plural = "documents reçus"
        ordering = ["-date_document", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisme", "sha256"], name="document_recu_unique"),
        ]
        indexes = [models.Index(fields=["usager", "recu_le"], name="document_recu_usager")]

    def __str__(self) -> str:
        return self.titre


class MessageRecu(models.Model):
    """An HL7 v2 message received from a hospital feed (admission, exit, identity)."""

    organisme = models.ForeignKey(Organisme, on_delete=models.PROTECT, related_name="+")
    usager = models.ForeignKey(
        "usagers.Usager",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages_recus",
    )
    evenement = models.CharField("événement", max_length=3)
    type_message = models.CharField("type de message", max_length=30)
    identifiant = models.CharField("identifiant du message (MSH-10)", max_length=100, blank=True)
    emetteur = models.CharField("émetteur", max_length=200, blank=True)
    date_message = models.DateTimeField("date du message", null=True, blank=True)
    segments = models.CharField("segments", max_length=500)
    contenu = EncryptedTextField("contenu (base 64)")
    sha256 = models.CharField(max_length=64)
    recu_le = models.DateTimeField("reçu le", auto_now_add=True)
    recu_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "message HL7 reçu"
        verbose_name_plural = "messages HL7 reçus"
        ordering = ["-recu_le", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisme", "sha256"], name="message_recu_unique"),
        ]

    def __str__(self) -> str:
        return self.type_message


class Quarantaine(models.Model):
    """A received file the DUI could not integrate, kept with the reason (never dropped)."""

    organisme = models.ForeignKey(
        Organisme, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    format = models.CharField("format", max_length=10, choices=Format.choices)
    nom_fichier = models.CharField("fichier", max_length=200, blank=True)
    motif = models.TextField("motif du rejet")
    contenu = EncryptedTextField("contenu (base 64)")
    sha256 = models.CharField(max_length=64)
    taille = models.PositiveIntegerField("taille (octets)")
    recu_le = models.DateTimeField("reçu le", auto_now_add=True)
    recu_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "élément en quarantaine"
        verbose_name_plural = "quarantaine"
        ordering = ["-recu_le", "-id"]

    def __str__(self) -> str:
        return self.nom_fichier or f"Quarantaine n° {self.pk}"


class MotifRapprochement(models.TextChoices):
    SANS_USAGER = "sans_usager", "Aucune personne ne correspond"
    AMBIGU = "ambigu", "Plusieurs personnes peuvent correspondre"
    TRAITS_DIVERGENTS = "traits_divergents", "Traits d'identité différents"
    FUSION = "fusion", "Fusion d'identités demandée (A40)"


class StatutRapprochement(models.TextChoices):
    A_TRAITER = "a_traiter", "À traiter"
    RATTACHE = "rattache", "Rattaché à une personne"
    ECARTE = "ecarte", "Écarté"


class Rapprochement(models.Model):
    """Identity review queue: a received document or message whose person needs a human
    decision. The DUI never merges or attaches on a guess (identitovigilance)."""

    organisme = models.ForeignKey(Organisme, on_delete=models.PROTECT, related_name="+")
    motif = models.CharField("motif", max_length=20, choices=MotifRapprochement.choices)
    statut = models.CharField(
        "statut",
        max_length=20,
        choices=StatutRapprochement.choices,
        default=StatutRapprochement.A_TRAITER,
    )
    document = models.ForeignKey(
        DocumentRecu, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    message = models.ForeignKey(
        MessageRecu, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    identite_recue = EncryptedTextField("identité reçue (JSON)")
    candidats = models.ManyToManyField("usagers.Usager", blank=True, related_name="+")
    usager = models.ForeignKey(
        "usagers.Usager", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    traite_le = models.DateTimeField("traité le", null=True, blank=True)
    traite_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "rapprochement d'identité"
        verbose_name_plural = "rapprochements d'identité"
        ordering = ["statut", "-cree_le", "-id"]
        indexes = [models.Index(fields=["organisme", "statut"], name="rapprochement_statut")]

    def __str__(self) -> str:
        return self.get_motif_display()
