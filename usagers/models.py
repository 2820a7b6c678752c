"""The usager record. This module starts with the identity and stays the rest of the
product needs from day one; the INS, entourage and protection come with the usager issue."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from dui.models import Etablissement, ModeAccueil, Organisme, Unite


class Sexe(models.TextChoices):
    FEMININ = "F", "Féminin"
    MASCULIN = "M", "Masculin"
    INDETERMINE = "I", "Indéterminé"


class Usager(models.Model):
    """The person supported (personne accompagnée)."""

    organisme = models.ForeignKey(Organisme, on_delete=models.PROTECT, related_name="usagers")
    identifiant_local = models.CharField("identifiant local", max_length=30)
    nom_naissance = models.CharField("nom de naissance", max_length=100)
    prenoms_naissance = models.CharField(
        "prénoms de naissance",
        max_length=200,
        help_text="Liste des prénoms, séparés par un espace.",
    )
    premier_prenom_naissance = models.CharField("premier prénom de naissance", max_length=100)
    nom_utilise = models.CharField("nom utilisé", max_length=100, blank=True)
    prenom_utilise = models.CharField("prénom utilisé", max_length=100, blank=True)
    date_naissance = models.DateField("date de naissance")
    sexe = models.CharField("sexe", max_length=1, choices=Sexe.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "usager"
        verbose_name_plural = "usagers"
        ordering = ["nom_naissance", "premier_prenom_naissance", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisme", "identifiant_local"], name="usager_identifiant_local_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nom_affiche} {self.prenom_affiche}"

    @property
    def nom_affiche(self) -> str:
        return (self.nom_utilise or self.nom_naissance).upper()

    @property
    def prenom_affiche(self) -> str:
        return self.prenom_utilise or self.premier_prenom_naissance

    def clean(self) -> None:
        if self.date_naissance and self.date_naissance > timezone.localdate():
            raise ValidationError(
                {"date_naissance": "La date de naissance ne peut pas être dans le futur."}
            )


class Sejour(models.Model):
    """A stay: admission to an establishment (and unit) until exit."""

    usager = models.ForeignKey(Usager, on_delete=models.PROTECT, related_name="sejours")
    etablissement = models.ForeignKey(
        Etablissement, on_delete=models.PROTECT, related_name="sejours"
    )
    unite = models.ForeignKey(
        Unite, on_delete=models.PROTECT, null=True, blank=True, related_name="sejours"
    )
    mode_accueil = models.CharField("mode d'accueil", max_length=20, choices=ModeAccueil.choices)
    date_entree = models.DateField("date d'entrée")
    date_sortie = models.DateField("date de sortie", null=True, blank=True)

    class Meta:
        verbose_name = "séjour"
        verbose_name_plural = "séjours"
        ordering = ["-date_entree"]
        indexes = [
            models.Index(fields=["unite", "date_entree"], name="sejour_unite_entree"),
            models.Index(fields=["etablissement", "date_entree"], name="sejour_etab_entree"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_sortie__isnull=True) | Q(date_sortie__gte=models.F("date_entree")),
                name="sejour_sortie_apres_entree",
            ),
        ]

    def __str__(self) -> str:
        return f"Séjour du {self.date_entree:%d/%m/%Y}"

    def clean(self) -> None:
        if self.date_sortie and self.date_entree and self.date_sortie < self.date_entree:
            raise ValidationError(
                {"date_sortie": "La date de sortie ne peut pas précéder la date d'entrée."}
            )
        if (
            self.unite is not None
            and self.etablissement_id
            and self.unite.etablissement_id != self.etablissement_id
        ):
            raise ValidationError(
                {"unite": "Cette unité n'appartient pas à l'établissement du séjour."}
            )
