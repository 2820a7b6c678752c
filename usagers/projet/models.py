"""The personalised support plan (projet personnalisé), aligned with the national DUI content
model (ANS "Transfert de données DUI", TDDUI): one model per class of the model, field names
that map one to one, so the TDDUI export is a mapping, not a translation.

| model | TDDUI profile | content model class |
| --- | --- | --- |
| ProjetPersonnalise | TDDUICarePlanProjetPerso | ProjetPersonnalise |
| ProjetDeVie | TDDUIGoalProjetVie | ProjetVie |
| Attente | TDDUIGoalAttente | Attente |
| Besoin | TDDUIServiceRequestBesoin | Besoin |
| Objectif | TDDUIGoalObjectif | Objectif |
| Prestation | TDDUITaskAction, TDDUITaskPrestation, TDDUITaskMoyenRessource | Action, Prestation… |
| EvaluationObjectif | Goal.achievementStatus, TDDUIEvaluationRef | evaluationObjectif |
| Bilan | TDDUITaskBilan | Bilan |
| Accord | TDDUIConsentAccord | Accord |
| Participant | CarePlan.contributor / TDDUIParticipantPresent | (participants) |

Encryption at rest (securite.crypto.EncryptedTextField) covers the free text that carries the
person's own words or a professional's judgement about them: attentes, projet de vie
(aspirations), avis de l'usager, comments on needs, evaluation comments, the review's synthesis
and a refusal's reason. Titles, codes, dates, indicators and frequencies stay in clear: they are
short working labels shown in lists and dashboards (and searched by the due-plan lists), and
professionals are asked to keep them factual.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from dui.liens import lien
from dui.models import CategorieEtablissement, Etablissement
from securite.crypto import EncryptedTextField
from usagers.models import Usager

# ---------------------------------------------------------------------------
# Reference data (loaded by the data migration, updated by `manage.py referentiels_projet`)
# ---------------------------------------------------------------------------


class Referentiel(models.Model):
    """A code system shipped with the product: which version is loaded, from where."""

    code = models.CharField("code", max_length=30, unique=True)
    systeme = models.CharField("système (URL canonique)", max_length=200)
    version = models.CharField("version", max_length=40)
    source = models.TextField("source")
    charge_le = models.DateTimeField("chargé le")

    class Meta:
        verbose_name = "référentiel"
        verbose_name_plural = "référentiels"

    def __str__(self) -> str:
        return f"{self.code} {self.version}"


class FamilleSerafin(models.TextChoices):
    BESOIN = "1", "Besoins"
    PRESTATION_DIRECTE = "2", "Prestations directes"
    PRESTATION_INDIRECTE = "3", "Prestations indirectes"


class ConceptSerafin(models.Model):
    """One concept of the SERAFIN-PH nomenclature, with its place in the hierarchy."""

    code = models.CharField("code", max_length=12, unique=True)
    libelle = models.CharField("libellé", max_length=300)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="enfants"
    )
    famille = models.CharField("famille", max_length=1, choices=FamilleSerafin.choices)
    jeu_de_valeurs = models.CharField("jeu de valeurs", max_length=60)
    niveau = models.PositiveSmallIntegerField("niveau")
    ordre = models.PositiveIntegerField("ordre")
    # Lowercase, accents removed, code included: the picker searches this column.
    libelle_recherche = models.CharField(max_length=400)
    actif = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "concept SERAFIN-PH"
        verbose_name_plural = "concepts SERAFIN-PH"
        ordering = ["ordre"]

    def __str__(self) -> str:
        return f"{self.code} {self.libelle}"


class TypeProjet(models.Model):
    """TRE_R390 Type de projet personnalisé (JDV_J367)."""

    code = models.CharField("code", max_length=10, unique=True)
    libelle = models.CharField("libellé", max_length=200)
    actif = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "type de projet personnalisé"
        verbose_name_plural = "types de projet personnalisé"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.libelle} ({self.code})"


class DelaiReevaluation(models.Model):
    """Re-evaluation period for a plan type, an establishment category, or both. The most
    specific rule wins; without a rule, settings.PROJET_REEVALUATION_MOIS (12: the plan is
    re-evaluated at least once a year, art. D311-0-2 CASF as read by the HAS)."""

    type_projet = models.ForeignKey(
        TypeProjet, on_delete=models.CASCADE, null=True, blank=True, verbose_name="type de projet"
    )
    categorie_etablissement = models.CharField(
        "catégorie d'établissement",
        max_length=3,
        choices=CategorieEtablissement.choices,
        blank=True,
    )
    mois = models.PositiveSmallIntegerField(
        "délai (mois)", validators=[MinValueValidator(1), MaxValueValidator(60)]
    )

    class Meta:
        verbose_name = "délai de réévaluation"
        verbose_name_plural = "délais de réévaluation"
        constraints = [
            models.UniqueConstraint(
                fields=["type_projet", "categorie_etablissement"], name="delai_reevaluation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mois} mois"


# ---------------------------------------------------------------------------
# The plan
# ---------------------------------------------------------------------------


class StatutProjet(models.TextChoices):
    BROUILLON = "brouillon", "Brouillon"
    CONCERTATION = "concertation", "En concertation"
    VALIDE = "valide", "Validé"
    EN_COURS = "en_cours", "En cours"
    REEVALUATION = "reevaluation", "En réévaluation"
    CLOS = "clos", "Clos"


# Content (needs, objectives, services, participants...) is written while the plan is being
# built with the person; after validation it changes only through a new version.
STATUTS_EN_PREPARATION = (StatutProjet.BROUILLON, StatutProjet.CONCERTATION)
# The plan in force: at most one per person and type.
STATUTS_EN_VIGUEUR = (StatutProjet.VALIDE, StatutProjet.EN_COURS, StatutProjet.REEVALUATION)
# Objectives are evaluated once the plan has started.
STATUTS_EVALUABLES = (StatutProjet.EN_COURS, StatutProjet.REEVALUATION)

# JDV_J281 StatutsRessourcesMS (statutProjetPersonnalise) and FHIR CarePlan.status.
STATUT_TDDUI = {
    StatutProjet.BROUILLON: ("ENPREPARATION", "draft"),
    StatutProjet.CONCERTATION: ("ENPREPARATION", "draft"),
    StatutProjet.VALIDE: ("ENPREPARATION", "active"),
    StatutProjet.EN_COURS: ("ENCOURS", "active"),
    StatutProjet.REEVALUATION: ("ENCOURS", "active"),
    StatutProjet.CLOS: ("TERMINE", "completed"),
}


class ProjetPersonnalise(models.Model):
    """One version of a person's support plan (TDDUICarePlanProjetPerso)."""

    usager = models.ForeignKey(Usager, on_delete=models.PROTECT, related_name="projets")
    etablissement = models.ForeignKey(
        Etablissement, on_delete=models.PROTECT, related_name="projets", verbose_name="ESSMS"
    )
    type_projet = models.ForeignKey(
        TypeProjet, on_delete=models.PROTECT, verbose_name="type de projet"
    )
    titre = models.CharField("titre", max_length=200)
    description = models.TextField("description", blank=True)
    statut = models.CharField(
        "statut", max_length=20, choices=StatutProjet.choices, default=StatutProjet.BROUILLON
    )
    version = models.PositiveSmallIntegerField("version", default=1)
    precedent = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="suivant",
        verbose_name="version précédente",
    )
    date_debut = models.DateField("début de mise en œuvre", null=True, blank=True)
    date_fin = models.DateField("fin de mise en œuvre", null=True, blank=True)
    date_reevaluation = models.DateField("réévaluation prévue le", null=True, blank=True)
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="projets_referent",
        verbose_name="référent",
    )
    usager_present = models.BooleanField(
        "la personne a participé à l'élaboration", null=True, blank=True
    )
    modalites_communication = models.TextField(
        "modalités de communication",
        blank=True,
        help_text="Comment le projet est expliqué et remis à la personne et à ses proches.",
    )
    motif_cloture = models.CharField("motif de clôture", max_length=300, blank=True)
    valide_le = models.DateTimeField("validé le", null=True, blank=True)
    clos_le = models.DateTimeField("clos le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "projet personnalisé"
        verbose_name_plural = "projets personnalisés"
        ordering = ["-version", "-id"]
        indexes = [
            models.Index(fields=["statut", "date_reevaluation"], name="projet_statut_echeance"),
            models.Index(fields=["referent", "statut"], name="projet_referent_statut"),
            models.Index(fields=["usager", "type_projet"], name="projet_usager_type"),
        ]
        constraints = [
            # Two plans of the same type in force for one person make no sense: the new one
            # is a new version, validated in the same transaction that closes the old one.
            models.UniqueConstraint(
                fields=["usager", "type_projet"],
                condition=Q(statut__in=STATUTS_EN_VIGUEUR),
                name="projet_un_seul_en_vigueur_par_type",
            ),
            models.UniqueConstraint(
                fields=["usager", "type_projet"],
                condition=Q(statut__in=STATUTS_EN_PREPARATION),
                name="projet_un_seul_en_preparation_par_type",
            ),
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True)
                | Q(date_debut__isnull=True)
                | Q(date_fin__gte=models.F("date_debut")),
                name="projet_fin_apres_debut",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.titre} (version {self.version})"

    def get_absolute_url(self) -> str:
        return lien("projet:detail", self.pk)

    def clean(self) -> None:
        if self.date_debut and self.date_fin and self.date_fin < self.date_debut:
            raise ValidationError({"date_fin": "La fin ne peut pas précéder le début."})
        if (
            self.etablissement_id
            and self.usager_id
            and self.etablissement.organisme_id != self.usager.organisme_id
        ):
            raise ValidationError(
                {"etablissement": "Cet établissement n'est pas celui de la personne."}
            )

    @property
    def is_en_preparation(self) -> bool:
        return self.statut in STATUTS_EN_PREPARATION

    @property
    def is_en_vigueur(self) -> bool:
        return self.statut in STATUTS_EN_VIGUEUR

    @property
    def is_evaluable(self) -> bool:
        return self.statut in STATUTS_EVALUABLES

    def identifiant_tddui(self) -> str:
        """idProjetPersonnalise = 3+FINESS/identifiantLocalUsagerESSMS-PPER-numProjetPersonnalise
        (TDDUI content model, class ProjetPersonnalise)."""
        return f"3{self.etablissement.finess}/{self.usager.identifiant_local}-PPER-{self.pk}"

    def is_en_retard(self, jour: date) -> bool:
        return bool(self.is_en_vigueur and self.date_reevaluation and self.date_reevaluation < jour)


class ProjetDeVie(models.Model):
    """The person's projection into the future, in their own words (TDDUIGoalProjetVie)."""

    projet = models.OneToOneField(
        ProjetPersonnalise, on_delete=models.CASCADE, related_name="projet_de_vie"
    )
    titre = models.CharField("titre", max_length=200)
    aspirations = EncryptedTextField(
        "aspirations et souhaits",
        blank=True,
        help_text="Les mots de la personne, tels qu'elle les exprime.",
    )
    date_debut = models.DateField("début", null=True, blank=True)
    date_fin = models.DateField("fin", null=True, blank=True)

    class Meta:
        verbose_name = "projet de vie"
        verbose_name_plural = "projets de vie"

    def __str__(self) -> str:
        return self.titre


class OrigineAttente(models.TextChoices):
    """Who expresses the expectation (Goal.expressedBy: Patient, RelatedPerson, Practitioner)."""

    USAGER = "usager", "La personne elle-même"
    REPRESENTANT = "representant", "Son représentant légal"
    PROCHE = "proche", "Un proche"
    PROFESSIONNEL = "professionnel", "Un professionnel"


class Attente(models.Model):
    """An expectation: what the person (or a relative) wishes (TDDUIGoalAttente)."""

    projet = models.ForeignKey(
        ProjetPersonnalise, on_delete=models.CASCADE, related_name="attentes"
    )
    origine = models.CharField("exprimée par", max_length=20, choices=OrigineAttente.choices)
    origine_precision = models.CharField(
        "précision", max_length=200, blank=True, help_text="Par exemple : sa mère, sa tutrice."
    )
    description = EncryptedTextField("attente", help_text="Les mots de la personne.")
    commentaire = EncryptedTextField("commentaire", blank=True)
    ordre = models.PositiveSmallIntegerField(default=0)
    origine_version = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "attente"
        verbose_name_plural = "attentes"
        ordering = ["ordre", "id"]

    def __str__(self) -> str:
        return f"Attente ({self.get_origine_display()})"


class Besoin(models.Model):
    """An assessed need, coded in SERAFIN-PH family 1 (TDDUIServiceRequestBesoin)."""

    projet = models.ForeignKey(ProjetPersonnalise, on_delete=models.CASCADE, related_name="besoins")
    code = models.ForeignKey(
        ConceptSerafin,
        on_delete=models.PROTECT,
        limit_choices_to={"famille": FamilleSerafin.BESOIN},
        related_name="+",
        verbose_name="besoin SERAFIN-PH",
    )
    description = models.CharField(
        "description", max_length=300, blank=True, help_text="Par défaut : le libellé SERAFIN-PH."
    )
    commentaire = EncryptedTextField("commentaire", blank=True)
    ordre = models.PositiveSmallIntegerField(default=0)
    origine_version = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "besoin"
        verbose_name_plural = "besoins"
        ordering = ["ordre", "id"]
        constraints = [
            models.UniqueConstraint(fields=["projet", "code"], name="besoin_code_unique_par_projet")
        ]

    def __str__(self) -> str:
        return self.description or self.code.libelle

    @property
    def libelle(self) -> str:
        return self.description or self.code.libelle


class Priorite(models.TextChoices):
    """FHIR Goal.priority (goal-priority): high-priority, medium-priority, low-priority."""

    HAUTE = "haute", "Haute"
    MOYENNE = "moyenne", "Moyenne"
    BASSE = "basse", "Basse"


class Objectif(models.Model):
    """A result to reach, linked to one need (TDDUIGoalObjectif: `addresses` 1..1)."""

    projet = models.ForeignKey(
        ProjetPersonnalise, on_delete=models.CASCADE, related_name="objectifs"
    )
    besoin = models.ForeignKey(Besoin, on_delete=models.PROTECT, related_name="objectifs")
    titre = models.CharField("titre", max_length=200)
    titre_facile = models.CharField(
        "en mots simples",
        max_length=200,
        blank=True,
        help_text="Pour la version facile à lire : une phrase courte, au présent, à la "
        "première personne. Par exemple : « Je vais à la piscine seul. »",
    )
    description = models.TextField("description", blank=True)
    date_debut = models.DateField("début", null=True, blank=True)
    date_cible = models.DateField("échéance", null=True, blank=True)
    indicateur = models.CharField(
        "indicateur de réussite",
        max_length=300,
        blank=True,
        help_text="Ce qui montrera que l'objectif est atteint.",
    )
    priorite = models.CharField(
        "priorité", max_length=10, choices=Priorite.choices, default=Priorite.MOYENNE
    )
    strategie = models.TextField("stratégie de mise en œuvre", blank=True)
    avis_usager = EncryptedTextField("avis de la personne", blank=True)
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="référent de l'objectif",
    )
    ordre = models.PositiveSmallIntegerField(default=0)
    origine_version = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reprises",
        verbose_name="objectif de la version précédente",
    )

    class Meta:
        verbose_name = "objectif"
        verbose_name_plural = "objectifs"
        ordering = ["ordre", "id"]

    def __str__(self) -> str:
        return self.titre

    def clean(self) -> None:
        if self.besoin_id and self.projet_id and self.besoin.projet_id != self.projet_id:
            raise ValidationError({"besoin": "Ce besoin n'appartient pas à ce projet."})
        if self.date_debut and self.date_cible and self.date_cible < self.date_debut:
            raise ValidationError({"date_cible": "L'échéance ne peut pas précéder le début."})


class Prestation(models.Model):
    """An action and the SERAFIN-PH direct service it delivers, with who is responsible, how
    often, and with which resources. Exported as a TDDUITaskAction (owner, objectives) with a
    TDDUITaskPrestation (typePrestation, partOf the action) and, when resources are named, a
    TDDUITaskMoyenRessource (partOf the action)."""

    projet = models.ForeignKey(
        ProjetPersonnalise, on_delete=models.CASCADE, related_name="prestations"
    )
    code = models.ForeignKey(
        ConceptSerafin,
        on_delete=models.PROTECT,
        limit_choices_to={"famille": FamilleSerafin.PRESTATION_DIRECTE},
        related_name="+",
        verbose_name="prestation SERAFIN-PH",
    )
    objectifs = models.ManyToManyField(Objectif, blank=True, related_name="prestations")
    titre = models.CharField("action", max_length=200)
    description = models.TextField("description", blank=True)
    responsable = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="professionnel responsable",
    )
    frequence = models.CharField(
        "fréquence", max_length=100, blank=True, help_text="Par exemple : deux fois par semaine."
    )
    moyens = models.CharField(
        "moyens et ressources",
        max_length=300,
        blank=True,
        help_text="Par exemple : salle Snoezelen, véhicule adapté, orthophoniste libérale.",
    )
    date_debut = models.DateField("début", null=True, blank=True)
    date_fin = models.DateField("fin", null=True, blank=True)
    ordre = models.PositiveSmallIntegerField(default=0)
    origine_version = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "prestation"
        verbose_name_plural = "prestations"
        ordering = ["ordre", "id"]

    def __str__(self) -> str:
        return self.titre


class ResultatEvaluation(models.TextChoices):
    ATTEINT = "atteint", "Atteint"
    PARTIELLEMENT = "partiellement", "Partiellement atteint"
    NON_ATTEINT = "non_atteint", "Non atteint"
    ABANDONNE = "abandonne", "Abandonné"


# An objective evaluated with one of these is not carried over to the next version.
RESULTATS_FINAUX = (ResultatEvaluation.ATTEINT, ResultatEvaluation.ABANDONNE)
# FHIR Goal.achievementStatus (goal-achievement) and lifecycleStatus.
RESULTAT_FHIR = {
    ResultatEvaluation.ATTEINT: ("achieved", "completed"),
    ResultatEvaluation.PARTIELLEMENT: ("improving", "active"),
    ResultatEvaluation.NON_ATTEINT: ("not-achieved", "active"),
    ResultatEvaluation.ABANDONNE: ("not-attainable", "cancelled"),
}


class EvaluationObjectif(models.Model):
    """One evaluation of an objective (intermediate or final); the latest one counts."""

    objectif = models.ForeignKey(Objectif, on_delete=models.CASCADE, related_name="evaluations")
    date = models.DateField("date")
    resultat = models.CharField("résultat", max_length=20, choices=ResultatEvaluation.choices)
    commentaire = EncryptedTextField("commentaire", blank=True)
    evaluateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "évaluation d'objectif"
        verbose_name_plural = "évaluations d'objectif"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_resultat_display()} le {self.date:%d/%m/%Y}"


class CategorieBilan(models.TextChoices):
    """TRE_R389 Statut du bilan du projet personnalisé (JDV_J366), version 20250418120000."""

    PARTIEL = "PARTIEL", "Partiel"
    INTERMEDIAIRE = "INTERMEDIAIRE", "Intermédiaire"
    FINAL = "FINAL", "Final"


class Bilan(models.Model):
    """The overall review of the plan (TDDUITaskBilan)."""

    projet = models.ForeignKey(ProjetPersonnalise, on_delete=models.CASCADE, related_name="bilans")
    date = models.DateField("date du bilan")
    categorie = models.CharField("type de bilan", max_length=20, choices=CategorieBilan.choices)
    synthese = EncryptedTextField("synthèse")
    invites = models.CharField("personnes invitées", max_length=500, blank=True)
    date_prochain_bilan = models.DateField("prochain bilan", null=True, blank=True)
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "bilan"
        verbose_name_plural = "bilans"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"Bilan {self.get_categorie_display().lower()} du {self.date:%d/%m/%Y}"


class PartieAccord(models.TextChoices):
    """Whose agreement (CarePlan.supportingInfo: "Consentement usager" / "Consentement
    structure")."""

    USAGER = "usager", "La personne"
    REPRESENTANT = "representant", "Son représentant légal"
    STRUCTURE = "structure", "L'établissement"


class FormeAccord(models.TextChoices):
    SIGNATURE = "signature", "Signature (document scanné)"
    ORAL = "oral", "Accord oral noté devant un témoin"
    VALIDATION = "validation", "Validation dans le dossier par un responsable"
    REFUS = "refus", "Refus"


FORMES_PAR_PARTIE = {
    PartieAccord.USAGER: (FormeAccord.SIGNATURE, FormeAccord.ORAL, FormeAccord.REFUS),
    PartieAccord.REPRESENTANT: (FormeAccord.SIGNATURE, FormeAccord.ORAL, FormeAccord.REFUS),
    PartieAccord.STRUCTURE: (FormeAccord.SIGNATURE, FormeAccord.VALIDATION),
}


class Accord(models.Model):
    """An agreement, or a refusal, of the person, their representative or the establishment
    (TDDUIConsentAccord: performer, dateTime)."""

    projet = models.ForeignKey(ProjetPersonnalise, on_delete=models.CASCADE, related_name="accords")
    partie = models.CharField("qui", max_length=20, choices=PartieAccord.choices)
    forme = models.CharField("forme", max_length=20, choices=FormeAccord.choices)
    date = models.DateField("date")
    signataire = models.CharField(
        "nom du signataire", max_length=200, blank=True, help_text="Pour un représentant légal."
    )
    temoin = models.CharField("témoin", max_length=200, blank=True)
    motif_refus = EncryptedTextField("motif du refus", blank=True)
    document = models.FileField("document signé", upload_to="projets/accords/%Y/", blank=True)
    enregistre_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "accord"
        verbose_name_plural = "accords"
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.get_partie_display()} : {self.get_forme_display().lower()}"

    @property
    def is_refus(self) -> bool:
        return self.forme == FormeAccord.REFUS

    def clean(self) -> None:
        errors: dict[str, str] = {}
        allowed = FORMES_PAR_PARTIE.get(PartieAccord(self.partie), ()) if self.partie else ()
        if self.partie and self.forme and self.forme not in allowed:
            errors["forme"] = "Cette forme d'accord ne convient pas pour cette partie."
        if self.forme == FormeAccord.ORAL and not self.temoin.strip():
            errors["temoin"] = "Un accord oral est noté devant un témoin : indiquez son nom."
        if self.forme == FormeAccord.REFUS and not (self.motif_refus or "").strip():
            errors["motif_refus"] = "Notez le motif du refus, avec les mots de la personne."
        if self.forme == FormeAccord.SIGNATURE and not self.document:
            errors["document"] = "Joignez le document signé (PDF ou image)."
        if self.partie == PartieAccord.REPRESENTANT and not self.signataire.strip():
            errors["signataire"] = "Indiquez le nom du représentant légal."
        if errors:
            raise ValidationError(errors)


class TypeParticipant(models.TextChoices):
    REPRESENTANT = "representant", "Représentant légal"
    PROCHE = "proche", "Proche"
    PROFESSIONNEL = "professionnel", "Professionnel de l'établissement"
    PARTENAIRE = "partenaire", "Partenaire extérieur"


class Participant(models.Model):
    """Who took part in building the plan. Professionals of the establishment named here may
    edit the plan (usagers.projet.access.projet_can_edit)."""

    projet = models.ForeignKey(
        ProjetPersonnalise, on_delete=models.CASCADE, related_name="participants"
    )
    type = models.CharField("rôle", max_length=20, choices=TypeParticipant.choices)
    utilisateur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations_projet",
        verbose_name="professionnel",
    )
    nom = models.CharField("nom", max_length=200, blank=True)
    qualite = models.CharField(
        "qualité", max_length=200, blank=True, help_text="Par exemple : mère, orthophoniste."
    )
    present = models.BooleanField("présent à la réunion", default=True)

    class Meta:
        verbose_name = "participant"
        verbose_name_plural = "participants"
        ordering = ["type", "id"]
        indexes = [models.Index(fields=["utilisateur"], name="participant_utilisateur")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(type="professionnel") & Q(utilisateur__isnull=False))
                | (~Q(type="professionnel") & ~Q(nom="")),
                name="participant_professionnel_ou_nom",
            ),
            models.UniqueConstraint(
                fields=["projet", "utilisateur"],
                condition=Q(utilisateur__isnull=False),
                name="participant_professionnel_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.nom_affiche

    @property
    def nom_affiche(self) -> str:
        if self.utilisateur_id:
            return str(self.utilisateur)
        return self.nom

    def clean(self) -> None:
        if self.type == TypeParticipant.PROFESSIONNEL and not self.utilisateur_id:
            raise ValidationError({"utilisateur": "Choisissez le professionnel."})
        if self.type != TypeParticipant.PROFESSIONNEL:
            if not self.nom.strip():
                raise ValidationError({"nom": "Indiquez le nom du participant."})
            self.utilisateur = None
