"""Accounts: one user model for staff, families and technical administrators."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from dui.models import Etablissement, Organisme, Unite
from dui.validators import adeli_validator, rpps_validator
from securite.crypto import EncryptedTextField


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
    is_dpo = models.BooleanField(
        "délégué à la protection des données",
        default=False,
        help_text="Peut consulter la traçabilité des accès de tous les dossiers de l'organisme.",
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


# ---------------------------------------------------------------------------
# Access policy
# ---------------------------------------------------------------------------
class Categorie(models.TextChoices):
    """Information categories of a usager's record (shared professional secrecy, L1110-4 CSP:
    each professional sees what is useful for the support they give)."""

    ADMINISTRATIF = "administratif", "Administratif"
    SOCIAL = "social", "Social"
    EDUCATIF = "educatif", "Éducatif et accompagnement"
    SOINS = "soins", "Soins"
    MEDICAL = "medical", "Médical"
    PSYCHOLOGIQUE = "psychologique", "Psychologique"


class Action(models.TextChoices):
    LIRE = "lire", "Lire"
    ECRIRE = "ecrire", "Écrire"


class RoleEquipe(models.TextChoices):
    REFERENT = "referent", "Référent"
    INTERVENANT = "intervenant", "Intervenant"


class MembreEquipe(models.Model):
    """Membership of a professional in a usager's care team, with dates: it opens the record
    to them even outside their units (a psychologist of the association, a SESSAD worker)."""

    usager = models.ForeignKey(
        "usagers.Usager", on_delete=models.CASCADE, related_name="membres_equipe"
    )
    utilisateur = models.ForeignKey(Utilisateur, on_delete=models.CASCADE, related_name="equipes")
    role = models.CharField("rôle", max_length=20, choices=RoleEquipe.choices)
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin", null=True, blank=True)

    class Meta:
        verbose_name = "membre de l'équipe de prise en charge"
        verbose_name_plural = "membres de l'équipe de prise en charge"
        indexes = [models.Index(fields=["utilisateur", "date_debut"], name="equipe_utilisateur")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_fin__isnull=True)
                | models.Q(date_fin__gte=models.F("date_debut")),
                name="equipe_fin_apres_debut",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} depuis le {self.date_debut:%d/%m/%Y}"

    def clean(self) -> None:
        if self.date_fin and self.date_debut and self.date_fin < self.date_debut:
            raise ValidationError({"date_fin": "La fin ne peut pas précéder le début."})


class RegleAcces(models.Model):
    """An organisation's adjustment of the default role x category matrix
    (securite.access.DEFAULT_MATRIX)."""

    organisme = models.ForeignKey(Organisme, on_delete=models.CASCADE, related_name="regles_acces")
    profession = models.CharField("profession", max_length=30, choices=Profession.choices)
    categorie = models.CharField("catégorie", max_length=20, choices=Categorie.choices)
    peut_lire = models.BooleanField("lecture")
    peut_ecrire = models.BooleanField("écriture")

    class Meta:
        verbose_name = "règle d'accès"
        verbose_name_plural = "règles d'accès"
        constraints = [
            models.UniqueConstraint(
                fields=["organisme", "profession", "categorie"], name="regle_acces_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_profession_display()} / {self.get_categorie_display()}"

    def clean(self) -> None:
        if self.peut_ecrire and not self.peut_lire:
            raise ValidationError(
                "Écrire sans pouvoir lire n'a pas de sens : cochez aussi la lecture."
            )


class Opposition(models.Model):
    """The person (or their legal representative) objects to a category being shared with a
    profession or a named professional."""

    usager = models.ForeignKey(
        "usagers.Usager", on_delete=models.CASCADE, related_name="oppositions"
    )
    categorie = models.CharField("catégorie", max_length=20, choices=Categorie.choices)
    profession = models.CharField(
        "profession", max_length=30, choices=Profession.choices, blank=True
    )
    utilisateur = models.ForeignKey(
        Utilisateur,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="oppositions_visant",
        verbose_name="professionnel nommé",
    )
    exprimee_par = models.CharField(
        "exprimée par", max_length=200, help_text="L'usager ou son représentant légal."
    )
    date = models.DateField("date")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "opposition au partage"
        verbose_name_plural = "oppositions au partage"
        constraints = [
            models.CheckConstraint(
                condition=(~models.Q(profession="") & models.Q(utilisateur__isnull=True))
                | (models.Q(profession="") & models.Q(utilisateur__isnull=False)),
                name="opposition_vise_profession_ou_professionnel",
            ),
        ]

    def __str__(self) -> str:
        return f"Opposition : {self.get_categorie_display()}"

    def clean(self) -> None:
        if self.categorie == Categorie.ADMINISTRATIF:
            raise ValidationError(
                {
                    "categorie": "L'identité et le séjour sont nécessaires à l'accompagnement : "
                    "une opposition ne peut viser que les autres catégories."
                }
            )
        if bool(self.profession) == bool(self.utilisateur_id):
            raise ValidationError(
                "Une opposition vise soit une profession, soit un professionnel nommé."
            )


class AccesExceptionnel(models.Model):
    """Break the glass: access to a usager outside one's scope, with a reason, for a limited
    time; notified to the heads of service and flagged in the audit."""

    utilisateur = models.ForeignKey(
        Utilisateur, on_delete=models.CASCADE, related_name="acces_exceptionnels"
    )
    usager = models.ForeignKey(
        "usagers.Usager", on_delete=models.CASCADE, related_name="acces_exceptionnels"
    )
    motif = EncryptedTextField("motif")
    debut = models.DateTimeField("début")
    fin = models.DateTimeField("fin")
    revu_par = models.ForeignKey(
        Utilisateur,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="acces_exceptionnels_revus",
    )
    revu_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "accès exceptionnel (bris de glace)"
        verbose_name_plural = "accès exceptionnels (bris de glace)"
        indexes = [models.Index(fields=["utilisateur", "fin"], name="bris_glace_utilisateur_fin")]

    def __str__(self) -> str:
        return f"Bris de glace du {self.debut:%d/%m/%Y %H:%M}"


# ---------------------------------------------------------------------------
# Audit trail
# ---------------------------------------------------------------------------
class AuditAction(models.TextChoices):
    LECTURE = "lecture", "Consultation"
    CREATION = "creation", "Création"
    MODIFICATION = "modification", "Modification"
    SUPPRESSION = "suppression", "Suppression"
    FUSION = "fusion", "Fusion"
    EXPORT = "export", "Export ou envoi"
    REFUS = "refus", "Accès refusé"
    BRIS_GLACE = "bris_glace", "Bris de glace"
    ADMINISTRATION = "administration", "Administration"


class EvenementAudit(models.Model):
    """One append-only audit row. Each row carries the hash of the previous one, so an edit,
    a deletion or a reordering breaks the chain (`manage.py audit_verify`).

    Never stores values of health fields: object, category and field *names* only."""

    horodatage = models.DateTimeField("date et heure", db_index=True)
    acteur = models.ForeignKey(Utilisateur, on_delete=models.PROTECT, null=True, related_name="+")
    acteur_libelle = models.CharField("acteur", max_length=200)
    role = models.CharField("rôle", max_length=30, blank=True)
    action = models.CharField("action", max_length=20, choices=AuditAction.choices)
    usager = models.ForeignKey(
        "usagers.Usager",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        # The (usager, horodatage) index below serves lookups by usager: one index fewer to
        # maintain on every audited request.
        db_index=False,
    )
    objet_type = models.CharField("type d'objet", max_length=100, blank=True)
    objet_id = models.CharField("identifiant de l'objet", max_length=64, blank=True)
    categorie = models.CharField("catégorie", max_length=20, blank=True)
    champs = models.JSONField("champs modifiés", default=list, blank=True)
    adresse_ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    user_agent = models.CharField("navigateur", max_length=300, blank=True)
    motif = models.TextField("motif", blank=True)
    is_bris_glace = models.BooleanField("bris de glace", default=False)
    hash_precedent = models.CharField(max_length=64)
    # Not indexed: no query looks a row up by its hash (the chain is walked in id order), and
    # a unique index on random 64-character values is the costliest one to maintain on a
    # table that takes a row per person shown on every page. Each hash covers the previous
    # one, so two equal hashes cannot both verify.
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = "événement d'audit"
        verbose_name_plural = "événements d'audit"
        ordering = ["id"]
        indexes = [models.Index(fields=["usager", "horodatage"], name="audit_usager_date")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} par {self.acteur_libelle}"
