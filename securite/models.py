"""Accounts: one user model for staff, families and technical administrators."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from dui.models import Etablissement, Organisme, Unite
from dui.validators import adeli_validator, rpps_validator


class TypeCompte(models.TextChoices):
    PROFESSIONNEL = "professionnel", "Professionnel"
    FAMILLE = "famille", "Famille ou représentant légal"
    TECHNIQUE = "technique", "Administrateur technique"


class Profession(models.TextChoices):
    EDUCATEUR = "educateur", "Éducateur spécialisé"
    AES = "aes", "AES / AMP"
    AIDE_SOIGNANT = "aide_soignant", "Aide-soignant"
    INFIRMIER = "infirmier", "Infirmier"
    MEDECIN = "medecin", "Médecin"
    PSYCHOLOGUE = "psychologue", "Psychologue"
    ASSISTANT_SOCIAL = "assistant_social", "Assistant de service social"
    SECRETAIRE = "secretaire", "Secrétaire"
    CHEF_SERVICE = "chef_service", "Chef de service"
    DIRECTEUR = "directeur", "Directeur"


class Utilisateur(AbstractUser):
    """A person who logs in. Professionals carry a `Professionnel` profile."""

    organisme = models.ForeignKey(
        Organisme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="utilisateurs",
    )
    type_compte = models.CharField(
        "type de compte",
        max_length=20,
        choices=TypeCompte.choices,
        default=TypeCompte.PROFESSIONNEL,
    )

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def profession(self) -> str:
        """The profession code, or '' for families and technical accounts."""
        try:
            return self.professionnel.profession
        except Professionnel.DoesNotExist:
            return ""


class Professionnel(models.Model):
    """Professional profile of a staff account: profession, national ids, where they work."""

    utilisateur = models.OneToOneField(
        Utilisateur, on_delete=models.CASCADE, related_name="professionnel"
    )
    profession = models.CharField("profession", max_length=30, choices=Profession.choices)
    rpps = models.CharField("numéro RPPS", max_length=11, blank=True, validators=[rpps_validator])
    adeli = models.CharField("numéro ADELI", max_length=9, blank=True, validators=[adeli_validator])
    etablissements = models.ManyToManyField(
        Etablissement, blank=True, related_name="professionnels", verbose_name="établissements"
    )
    unites = models.ManyToManyField(
        Unite, blank=True, related_name="professionnels", verbose_name="unités"
    )

    class Meta:
        verbose_name = "professionnel"
        verbose_name_plural = "professionnels"
        constraints = [
            models.UniqueConstraint(
                fields=["rpps"], condition=~models.Q(rpps=""), name="rpps_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.utilisateur} ({self.get_profession_display()})"

    def clean(self) -> None:
        if self.utilisateur_id and self.utilisateur.type_compte != TypeCompte.PROFESSIONNEL:
            raise ValidationError("Seul un compte professionnel a un profil professionnel.")
