"""The organisation: organisme gestionnaire → établissement (ESSMS) → unité."""

from django.core.exceptions import ValidationError
from django.db import models

from .liens import lien
from .validators import finess_validate, finess_validator


class ModeAccueil(models.TextChoices):
    """Type of care, as authorised for an establishment and recorded on a séjour."""

    INTERNAT = "internat", "Internat"
    EXTERNAT = "externat", "Externat"
    ACCUEIL_JOUR = "accueil_jour", "Accueil de jour"
    ACCUEIL_TEMPORAIRE = "accueil_temporaire", "Accueil temporaire"
    DOMICILE = "domicile", "Intervention à domicile"


class CategorieEtablissement(models.TextChoices):
    """FINESS category of the establishment (code of the FINESS nomenclature)."""

    EHPAD = "500", "EHPAD"
    RESIDENCE_AUTONOMIE = "202", "Résidence autonomie"
    IME = "183", "IME (institut médico-éducatif)"
    ITEP = "186", "ITEP (institut thérapeutique, éducatif et pédagogique)"
    IEM = "192", "IEM (institut d'éducation motrice)"
    SESSAD = "182", "SESSAD"
    CAMSP = "190", "CAMSP"
    MAS = "255", "MAS (maison d'accueil spécialisée)"
    FAM = "437", "FAM (foyer d'accueil médicalisé)"
    FOYER_VIE = "382", "Foyer de vie"
    FOYER_HEBERGEMENT = "252", "Foyer d'hébergement"
    ESAT = "246", "ESAT"
    SAVS = "446", "SAVS"
    SAMSAH = "445", "SAMSAH"
    SSIAD = "354", "SSIAD"
    MECS = "177", "MECS (maison d'enfants à caractère social)"


class Organisme(models.Model):
    """Organisme gestionnaire: the legal entity (association, foundation, CCAS…)."""

    nom = models.CharField("nom", max_length=200)
    finess_juridique = models.CharField(
        "FINESS juridique",
        max_length=9,
        blank=True,
        validators=[finess_validator],
        help_text="Numéro FINESS de l'entité juridique (9 caractères).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "organisme gestionnaire"
        verbose_name_plural = "organismes gestionnaires"
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom


class Etablissement(models.Model):
    """Établissement ou service social et médico-social (ESSMS), FINESS géographique."""

    organisme = models.ForeignKey(
        Organisme, on_delete=models.PROTECT, related_name="etablissements"
    )
    nom = models.CharField("nom", max_length=200)
    finess = models.CharField(
        "FINESS géographique", max_length=9, unique=True, validators=[finess_validator]
    )
    categorie = models.CharField("catégorie", max_length=3, choices=CategorieEtablissement.choices)
    adresse = models.CharField("adresse", max_length=300, blank=True)
    code_postal = models.CharField("code postal", max_length=5, blank=True)
    commune = models.CharField("commune", max_length=100, blank=True)
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    is_active = models.BooleanField("en activité", default=True)

    class Meta:
        verbose_name = "établissement"
        verbose_name_plural = "établissements"
        ordering = ["nom"]

    def __str__(self) -> str:
        return self.nom

    def get_absolute_url(self) -> str:
        return lien("dui:etablissement", self.pk)

    def clean(self) -> None:
        if self.finess:
            self.finess = finess_validate(self.finess)


class CapaciteAutorisee(models.Model):
    """Authorised places of an establishment for one type of care (arrêté d'autorisation)."""

    etablissement = models.ForeignKey(
        Etablissement, on_delete=models.CASCADE, related_name="capacites"
    )
    mode_accueil = models.CharField("mode d'accueil", max_length=20, choices=ModeAccueil.choices)
    places = models.PositiveIntegerField("places autorisées")

    class Meta:
        verbose_name = "capacité autorisée"
        verbose_name_plural = "capacités autorisées"
        constraints = [
            models.UniqueConstraint(
                fields=["etablissement", "mode_accueil"], name="capacite_unique_par_mode"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_accueil_display()} : {self.places} places"


class Unite(models.Model):
    """Unité, service or groupe de vie inside an establishment."""

    etablissement = models.ForeignKey(
        Etablissement, on_delete=models.PROTECT, related_name="unites"
    )
    nom = models.CharField("nom", max_length=120)
    mode_accueil = models.CharField(
        "mode d'accueil", max_length=20, choices=ModeAccueil.choices, blank=True
    )
    is_active = models.BooleanField("active", default=True)

    class Meta:
        verbose_name = "unité"
        verbose_name_plural = "unités"
        ordering = ["etablissement_id", "nom"]
        constraints = [
            models.UniqueConstraint(fields=["etablissement", "nom"], name="unite_nom_unique"),
        ]

    def __str__(self) -> str:
        return self.nom

    def clean(self) -> None:
        if (
            self.mode_accueil
            and self.etablissement_id
            and not CapaciteAutorisee.objects.filter(
                etablissement_id=self.etablissement_id, mode_accueil=self.mode_accueil
            ).exists()
        ):
            raise ValidationError(
                {
                    "mode_accueil": "L'établissement n'a pas de capacité autorisée "
                    "pour ce mode d'accueil."
                }
            )


class WorkerHeartbeat(models.Model):
    """Last time a Celery worker ran the periodic heartbeat: the health page reads it."""

    hostname = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = "signal de vie d'un worker"
        verbose_name_plural = "signaux de vie des workers"

    def __str__(self) -> str:
        return self.hostname
