"""The usager record: identity (INS strict traits, RNIV status), INS, identity documents,
entourage and protection, stays, orientation decisions and evaluations.

Field names follow the ANS "Transfert de données DUI" (TDDUI) content model where one exists
(`sfe_modelisation_contenu.md`: Usager, ContactPersonnePhysique, MesureProtection, Sejour,
Decision, Evaluation), so a TDDUI export is a mapping: see the `# TDDUI:` comments.
"""

import calendar
import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from dui.liens import lien
from dui.models import Etablissement, ModeAccueil, Organisme, Unite
from dui.validators import finess_validator, rpps_validator
from securite.crypto import EncryptedTextField

from .identifiants import (
    INS_OIDS,
    cog_lookup,
    cog_validate,
    matricule_ins_validate,
    normalise_text,
)


class Sexe(models.TextChoices):
    # TDDUI: sexe (JDV_J143 AdministrativeGender: F, M, U); the INS uses F, M, I.
    FEMININ = "F", "Féminin"
    MASCULIN = "M", "Masculin"
    INDETERMINE = "I", "Indéterminé"


class PrecisionDate(models.TextChoices):
    """How much of the birth date is known.

    The RNIPP writes unknown parts as 00 ("1950-00-00"; INSi returns them so). A date column
    cannot hold 00, so the stored date follows the convention of the RNIV (fiche "dates de
    naissance incomplètes") and of the identity servers: an unknown day is the last day of
    the month, an unknown day and month is 31 December. This keeps every computed age on the
    safe side (never older than the person can be) and makes a provisional date stable.
    Displays and outgoing traits print the 00 again from this precision."""

    JOUR = "jour", "Date complète"
    MOIS = "mois", "Jour inconnu"
    ANNEE = "annee", "Jour et mois inconnus"


class StatutIdentite(models.TextChoices):
    """Identity status of the RNIV (Référentiel national d'identitovigilance, 2024 medico-social
    edition). Codes of the INS annex of the CI-SIS (HL7 table 0445): PROV, RECUP, VALI, QUAL."""

    PROVISOIRE = "provisoire", "Provisoire"
    RECUPEREE = "recuperee", "Récupérée"
    VALIDEE = "validee", "Validée"
    QUALIFIEE = "qualifiee", "Qualifiée"


# The strict traits of the INS: changing one of them makes the identity provisional again.
TRAITS_STRICTS = (
    "nom_naissance",
    "prenoms_naissance",
    "premier_prenom_naissance",
    "date_naissance",
    "precision_date_naissance",
    "sexe",
    "lieu_naissance_code",
)


def _photo_path(instance: "Usager", filename: str) -> str:
    # No name in the path: the file name is the record's id and a random suffix.
    return f"usagers/photos/{instance.organisme_id}/{timezone.now():%Y%m%d%H%M%S%f}.img"


class UsagerQuerySet(models.QuerySet["Usager"]):
    def actifs(self) -> "UsagerQuerySet":
        """Records not merged into another (a merged record stays, for history)."""
        return self.filter(fusionne_dans__isnull=True)


class Usager(models.Model):
    """The person supported (personne accompagnée). TDDUI: Usager / TDDUIPatient."""

    organisme = models.ForeignKey(Organisme, on_delete=models.PROTECT, related_name="usagers")
    # TDDUI: identifiantUsagerESSMS = 3+FINESS/identifiant_local
    identifiant_local = models.CharField("identifiant local", max_length=30)
    # Strict traits of the INS (TDDUI: nomNaissance, prenom, premierPrenomActeNaissance,
    # dateNaissance, sexe, CommuneNaissance/paysNaissance).
    nom_naissance = models.CharField("nom de naissance", max_length=100)
    prenoms_naissance = models.CharField(
        "prénoms de naissance",
        max_length=200,
        help_text="Tous les prénoms de l'acte de naissance, séparés par une espace.",
    )
    premier_prenom_naissance = models.CharField("premier prénom de naissance", max_length=100)
    date_naissance = models.DateField("date de naissance")
    precision_date_naissance = models.CharField(
        "précision de la date de naissance",
        max_length=5,
        choices=PrecisionDate.choices,
        default=PrecisionDate.JOUR,
    )
    sexe = models.CharField("sexe", max_length=1, choices=Sexe.choices)
    lieu_naissance_code = models.CharField(
        "lieu de naissance (code INSEE)",
        max_length=5,
        blank=True,
        help_text="Code officiel géographique de la commune de naissance, ou 99xxx pour un pays.",
    )
    # Used traits (TDDUI: nomUsage, prenomUtilise).
    nom_utilise = models.CharField("nom utilisé", max_length=100, blank=True)
    prenom_utilise = models.CharField("prénom utilisé", max_length=100, blank=True)
    # RNIV status and attributes.
    statut_identite = models.CharField(
        "statut de l'identité",
        max_length=10,
        choices=StatutIdentite.choices,
        default=StatutIdentite.PROVISOIRE,
    )
    is_douteuse = models.BooleanField("identité douteuse", default=False)
    is_fictive = models.BooleanField("identité fictive", default=False)
    is_homonyme = models.BooleanField("homonymie signalée", default=False)
    # Contact details (TDDUI: Adresse, Telecommunication) and photo.
    adresse = models.CharField("adresse", max_length=300, blank=True)
    code_postal = models.CharField("code postal", max_length=5, blank=True)
    commune = models.CharField("commune", max_length=100, blank=True)
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("courriel", blank=True)
    photo = models.FileField("photo", upload_to=_photo_path, blank=True)
    # Search column, maintained by save(): normalised birth and used names (see
    # identifiants.normalise_text). A trigram index makes "contains" searches fast.
    nom_recherche = models.CharField(max_length=400, editable=False, default="")
    # Merge: a duplicate points to the record it was merged into and keeps its history.
    fusionne_dans = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="doublons_fusionnes",
        verbose_name="fusionné dans",
    )
    fusionne_le = models.DateTimeField("fusionné le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UsagerQuerySet.as_manager()

    class Meta:
        verbose_name = "usager"
        verbose_name_plural = "usagers"
        ordering = ["nom_naissance", "premier_prenom_naissance", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisme", "identifiant_local"], name="usager_identifiant_local_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisme", "nom_naissance", "premier_prenom_naissance", "id"],
                name="usager_tri_nom",
            ),
            models.Index(fields=["organisme", "date_naissance"], name="usager_naissance"),
        ]

    def __str__(self) -> str:
        return f"{self.nom_affiche} {self.prenom_affiche}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refresh_nom_recherche()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "nom_recherche"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return lien("usagers:detail", self.pk)

    def refresh_nom_recherche(self) -> None:
        """Recompute the search column (also called before bulk_create)."""
        self.nom_recherche = normalise_text(
            " ".join(
                [
                    self.nom_naissance,
                    self.nom_utilise,
                    self.prenoms_naissance,
                    self.premier_prenom_naissance,
                    self.prenom_utilise,
                ]
            )
        )[:400]

    @property
    def nom_affiche(self) -> str:
        return (self.nom_utilise or self.nom_naissance).upper()

    @property
    def prenom_affiche(self) -> str:
        return self.prenom_utilise or self.premier_prenom_naissance

    @property
    def date_naissance_affichee(self) -> str:
        """dd/mm/yyyy, with 00 for the unknown parts (as the RNIPP prints them)."""
        if self.date_naissance is None:
            return ""
        day = (
            "00"
            if self.precision_date_naissance != PrecisionDate.JOUR
            else f"{self.date_naissance:%d}"
        )
        month = (
            "00"
            if self.precision_date_naissance == PrecisionDate.ANNEE
            else f"{self.date_naissance:%m}"
        )
        return f"{day}/{month}/{self.date_naissance:%Y}"

    @property
    def date_naissance_ins(self) -> str:
        """yyyy-mm-dd with 00 for the unknown parts: the form INSi exchanges."""
        shown = self.date_naissance_affichee
        return f"{shown[6:]}-{shown[3:5]}-{shown[:2]}" if shown else ""

    @property
    def lieu_naissance_libelle(self) -> str:
        lieu = cog_lookup(self.lieu_naissance_code) if self.lieu_naissance_code else None
        return lieu.libelle if lieu else ""

    def age(self, jour: datetime.date) -> int:
        years = jour.year - self.date_naissance.year
        if (jour.month, jour.day) < (self.date_naissance.month, self.date_naissance.day):
            years -= 1
        return years

    def is_mineur(self, jour: datetime.date) -> bool:
        return self.age(jour) < 18

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.date_naissance:
            self.date_naissance = date_naissance_conventionnelle(
                self.date_naissance, self.precision_date_naissance
            )
            earliest = _debut_periode(self.date_naissance, self.precision_date_naissance)
            if earliest > timezone.localdate():
                errors.setdefault("date_naissance", []).append(
                    "La date de naissance ne peut pas être dans le futur."
                )
            elif self.date_naissance.year < 1880:
                errors.setdefault("date_naissance", []).append(
                    "La date de naissance est antérieure à 1880 : vérifiez l'année."
                )
        if self.lieu_naissance_code:
            try:
                self.lieu_naissance_code = cog_validate(self.lieu_naissance_code)
            except ValidationError as error:
                errors.setdefault("lieu_naissance_code", []).extend(error.messages)
        if self.premier_prenom_naissance and self.prenoms_naissance:
            first = self.prenoms_naissance.split()[0] if self.prenoms_naissance.split() else ""
            if normalise_text(first) != normalise_text(self.premier_prenom_naissance):
                errors.setdefault("premier_prenom_naissance", []).append(
                    "Le premier prénom de naissance est le premier de la liste des prénoms."
                )
        if errors:
            raise ValidationError(errors)


def date_naissance_conventionnelle(value: datetime.date, precision: str) -> datetime.date:
    """The stored date for a partial birth date (see PrecisionDate)."""
    if precision == PrecisionDate.ANNEE:
        return datetime.date(value.year, 12, 31)
    if precision == PrecisionDate.MOIS:
        return datetime.date(
            value.year, value.month, calendar.monthrange(value.year, value.month)[1]
        )
    return value


def _debut_periode(value: datetime.date, precision: str) -> datetime.date:
    if precision == PrecisionDate.ANNEE:
        return datetime.date(value.year, 1, 1)
    if precision == PrecisionDate.MOIS:
        return datetime.date(value.year, value.month, 1)
    return value


# ---------------------------------------------------------------------------------------------
# INS
# ---------------------------------------------------------------------------------------------
class MethodeRecuperation(models.TextChoices):
    # FR Core "fr-core-cs-method-collection".
    INSI_TRAITS = "insi_traits", "Téléservice INSi, recherche par traits"
    INSI_VITALE = "insi_vitale", "Téléservice INSi, recherche par carte Vitale"
    INSI_VERIFICATION = "insi_verification", "Téléservice INSi, vérification"


class IdentiteINS(models.Model):
    """The matricule INS of a usager, as returned by the INSi téléservice (never typed in:
    the RNIV forbids a manually entered INS). It only leaves the system when the identity is
    qualifiée: `usagers.selectors.ins_partageable` is the one gate."""

    usager = models.OneToOneField(Usager, on_delete=models.PROTECT, related_name="ins")
    # TDDUI: matriculeINS (NIR or NIA, 15 characters with the key) and its namespace OID.
    matricule = models.CharField("matricule INS", max_length=15)
    oid = models.CharField("OID", max_length=30, choices=list(INS_OIDS.items()))
    methode = models.CharField(
        "mode de récupération", max_length=20, choices=MethodeRecuperation.choices
    )
    recupere_le = models.DateTimeField("récupéré le")
    recupere_par = models.ForeignKey(
        "securite.Utilisateur", on_delete=models.PROTECT, related_name="+", null=True
    )
    verifie_le = models.DateTimeField("dernière vérification", null=True, blank=True)

    class Meta:
        verbose_name = "identité INS"
        verbose_name_plural = "identités INS"
        indexes = [models.Index(fields=["matricule"], name="ins_matricule")]

    def __str__(self) -> str:
        return f"INS ({INS_OIDS.get(self.oid, self.oid)})"

    def clean(self) -> None:
        try:
            self.matricule = matricule_ins_validate(self.matricule, self.oid)
        except ValidationError as error:
            raise ValidationError({"matricule": error.messages}) from None


# ---------------------------------------------------------------------------------------------
# Identity documents
# ---------------------------------------------------------------------------------------------
class TypeJustificatif(models.TextChoices):
    # Codes of FR Core "fr-core-cs-mode-validation-identity".
    CNI = "CN", "Carte nationale d'identité"
    PASSEPORT = "PA", "Passeport"
    CARTE_SEJOUR = "CS", "Titre de séjour"
    CARTE_EUROPEENNE = "CE", "Carte d'identité d'un pays de l'Union européenne"
    LIVRET_FAMILLE = "LE", "Livret de famille"
    ACTE_NAISSANCE = "AN", "Extrait d'acte de naissance"
    PERMIS = "PC", "Permis de conduire"
    CARTE_MILITAIRE = "CM", "Carte militaire"
    CARNET_CIRCULATION = "CC", "Carnet de circulation"
    TIERS = "TC", "Tiers de confiance"


# RNIV: the documents of high trust, which alone allow validating an identity.
HAUT_NIVEAU_DE_CONFIANCE = frozenset(
    {
        TypeJustificatif.CNI,
        TypeJustificatif.PASSEPORT,
        TypeJustificatif.CARTE_SEJOUR,
        TypeJustificatif.CARTE_EUROPEENNE,
    }
)
# RNIV 2024, medico-social edition: a livret de famille or a birth certificate is accepted for
# a minor, and for an EHPAD admission when a photo health card (carte Vitale with photo) is
# presented alongside.
EXCEPTIONS_MEDICO_SOCIALES = frozenset(
    {TypeJustificatif.LIVRET_FAMILLE, TypeJustificatif.ACTE_NAISSANCE}
)


class JustificatifIdentite(models.Model):
    """An identity document checked by a professional (type, number hidden, who, when)."""

    usager = models.ForeignKey(Usager, on_delete=models.PROTECT, related_name="justificatifs")
    type = models.CharField("type de justificatif", max_length=2, choices=TypeJustificatif.choices)
    numero = EncryptedTextField("numéro du document", blank=True)
    numero_fin = models.CharField("fin du numéro", max_length=4, blank=True, editable=False)
    date_expiration = models.DateField("date d'expiration", null=True, blank=True)
    carte_vitale_photo = models.BooleanField(
        "carte Vitale avec photo présentée",
        default=False,
        help_text="Exception de l'édition médico-sociale du RNIV pour une admission en EHPAD.",
    )
    verifie_par = models.ForeignKey(
        "securite.Utilisateur", on_delete=models.PROTECT, related_name="+"
    )
    verifie_le = models.DateTimeField("vérifié le")

    class Meta:
        verbose_name = "justificatif d'identité"
        verbose_name_plural = "justificatifs d'identité"
        ordering = ["-verifie_le"]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.numero_masque}".strip()

    @property
    def numero_masque(self) -> str:
        return f"•••• {self.numero_fin}" if self.numero_fin else ""

    @property
    def is_haut_niveau(self) -> bool:
        return self.type in HAUT_NIVEAU_DE_CONFIANCE

    def clean(self) -> None:
        numero = "".join((self.numero or "").split())
        self.numero = numero
        self.numero_fin = numero[-4:]
        if self.type in HAUT_NIVEAU_DE_CONFIANCE and not numero:
            raise ValidationError({"numero": "Le numéro du document est obligatoire."})


# ---------------------------------------------------------------------------------------------
# Entourage and protection
# ---------------------------------------------------------------------------------------------
class Lien(models.TextChoices):
    """Relationship (FR Core "fr-core-cs-contact-relationship", HL7 v3 RoleCode)."""

    MERE = "MTH", "Mère"
    PERE = "FTH", "Père"
    PARENT = "PRN", "Parent"
    CONJOINT = "SPS", "Conjoint ou conjointe"
    PARTENAIRE = "DOMPART", "Partenaire (PACS, concubinage)"
    FILLE = "DAUC", "Fille"
    FILS = "SONC", "Fils"
    SOEUR = "SIS", "Sœur"
    FRERE = "BRO", "Frère"
    PETIT_ENFANT = "GRNDCHILD", "Petit-enfant"
    GRAND_PARENT = "GRPRN", "Grand-parent"
    NEVEU_NIECE = "NIENEPH", "Neveu ou nièce"
    ONCLE = "UNCLE", "Oncle"
    TANTE = "AUNT", "Tante"
    COUSIN = "COUSN", "Cousin ou cousine"
    FAMILLE = "FAMMEMB", "Autre membre de la famille"
    AMI = "FRND", "Ami ou amie"
    VOISIN = "NBOR", "Voisin ou voisine"
    AUTRE = "O", "Autre"


class Contact(models.Model):
    """A person of the usager's circle (TDDUI: ContactPersonnePhysique)."""

    usager = models.ForeignKey(Usager, on_delete=models.PROTECT, related_name="contacts")
    nom = models.CharField("nom", max_length=100)
    prenom = models.CharField("prénom", max_length=100, blank=True)
    lien = models.CharField("lien avec la personne", max_length=10, choices=Lien.choices)
    # Roles (TDDUI: role, TRE_R260 HL7RoleClass: ECON, NOK…; FR Core: K personne de confiance).
    is_personne_confiance = models.BooleanField("personne de confiance", default=False)
    personne_confiance_designee_le = models.DateField(
        "désignée par écrit le", null=True, blank=True
    )
    is_a_prevenir = models.BooleanField("à prévenir", default=False)
    is_aidant = models.BooleanField("aidant", default=False)
    is_autorite_parentale = models.BooleanField("titulaire de l'autorité parentale", default=False)
    telephone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("courriel", blank=True)
    adresse = models.CharField("adresse", max_length=300, blank=True)
    ordre_appel = models.PositiveSmallIntegerField("ordre d'appel", null=True, blank=True)
    commentaire = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "contact"
        verbose_name_plural = "entourage"
        ordering = ["ordre_appel", "nom", "id"]

    def __str__(self) -> str:
        return f"{self.prenom} {self.nom.upper()}".strip()

    def clean(self) -> None:
        if self.is_personne_confiance and not self.personne_confiance_designee_le:
            raise ValidationError(
                {
                    "personne_confiance_designee_le": "La personne de confiance est désignée par "
                    "écrit (art. L311-5-1 CASF) : indiquez la date de la désignation."
                }
            )


class TypeMesure(models.TextChoices):
    """Judicial protection of an adult (Code civil, art. 425 s.) (TRE_R217 ProtectionJuridique)."""

    SAUVEGARDE = "sauvegarde", "Sauvegarde de justice"
    CURATELLE_SIMPLE = "curatelle_simple", "Curatelle simple"
    CURATELLE_RENFORCEE = "curatelle_renforcee", "Curatelle renforcée"
    TUTELLE = "tutelle", "Tutelle"
    HABILITATION_FAMILIALE = "habilitation_familiale", "Habilitation familiale"
    MANDAT_PROTECTION_FUTURE = "mandat_protection_future", "Mandat de protection future"


class PorteeMesure(models.TextChoices):
    PERSONNE = "personne", "À la personne"
    BIENS = "biens", "Aux biens"
    PERSONNE_ET_BIENS = "personne_et_biens", "À la personne et aux biens"


class TypeMandataire(models.TextChoices):
    FAMILIAL = "familial", "Mandataire familial"
    MJPM = "mjpm", "Mandataire judiciaire à la protection des majeurs (MJPM)"
    SERVICE = "service", "Service mandataire (association)"
    PREPOSE = "prepose", "Préposé d'établissement"


# Longest duration the judge may set at first pronouncement (Code civil art. 439 and 441,
# 494-6): the end date is mandatory for every judicial measure; a mandat de protection future
# takes effect without a set end.
MESURES_A_ECHEANCE = frozenset(
    {
        TypeMesure.SAUVEGARDE,
        TypeMesure.CURATELLE_SIMPLE,
        TypeMesure.CURATELLE_RENFORCEE,
        TypeMesure.TUTELLE,
        TypeMesure.HABILITATION_FAMILIALE,
    }
)


class MesureProtection(models.Model):
    """A legal protection measure and its mandataire (TDDUI: MesureProtection)."""

    usager = models.ForeignKey(Usager, on_delete=models.PROTECT, related_name="mesures_protection")
    type = models.CharField("type de mesure", max_length=30, choices=TypeMesure.choices)
    portee = models.CharField("portée", max_length=20, choices=PorteeMesure.choices)
    mandataire_nom = models.CharField("mandataire (nom ou organisme)", max_length=200)
    mandataire_type = models.CharField(
        "type de mandataire", max_length=10, choices=TypeMandataire.choices
    )
    mandataire_contact = models.ForeignKey(
        Contact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mesures",
        verbose_name="mandataire dans l'entourage",
    )
    mandataire_telephone = models.CharField("téléphone du mandataire", max_length=20, blank=True)
    tribunal = models.CharField("tribunal judiciaire", max_length=200, blank=True)
    date_jugement = models.DateField("date du jugement", null=True, blank=True)
    date_debut = models.DateField("début de la mesure")
    date_fin = models.DateField("échéance de la mesure", null=True, blank=True)
    commentaire = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "mesure de protection"
        verbose_name_plural = "mesures de protection"
        ordering = ["-date_debut"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_fin__isnull=True) | Q(date_fin__gte=models.F("date_debut")),
                name="mesure_fin_apres_debut",
            ),
        ]

    def __str__(self) -> str:
        return self.get_type_display()

    def is_en_cours(self, jour: datetime.date) -> bool:
        return self.date_debut <= jour and (self.date_fin is None or self.date_fin >= jour)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.type in MESURES_A_ECHEANCE and not self.date_fin:
            errors["date_fin"] = (
                "Une mesure judiciaire a toujours une échéance fixée par le juge : indiquez-la."
            )
        if self.date_fin and self.date_debut and self.date_fin < self.date_debut:
            errors["date_fin"] = "L'échéance ne peut pas précéder le début de la mesure."
        if self.date_jugement and self.date_debut and self.date_jugement > self.date_debut:
            errors["date_jugement"] = "Le jugement précède le début de la mesure."
        if errors:
            raise ValidationError(errors)


# ---------------------------------------------------------------------------------------------
# Stays
# ---------------------------------------------------------------------------------------------
class ModeEntree(models.TextChoices):
    # TDDUI: provenance, jdv-modalite-entree-cisis (1.2.250.1.213.1.1.5.73).
    DOMICILE = "8", "Domicile"
    TRANSFERT = "7", "Transfert depuis un autre établissement"
    MUTATION = "6", "Mutation depuis une autre unité du même organisme"


class ModeSortie(models.TextChoices):
    # TDDUI: motifSortie, jdv-modalite-sortie-cisis (1.2.250.1.213.1.1.5.74).
    DOMICILE = "8", "Retour au domicile"
    TRANSFERT = "7", "Transfert vers un autre établissement"
    MUTATION = "6", "Mutation vers une autre unité du même organisme"
    DECES = "9", "Décès"


class MotifSortie(models.TextChoices):
    FIN_ACCOMPAGNEMENT = "fin_accompagnement", "Fin de l'accompagnement prévu"
    REORIENTATION = "reorientation", "Réorientation (nouvelle décision d'orientation)"
    DEMANDE_PERSONNE = "demande_personne", "À la demande de la personne ou de sa famille"
    HOSPITALISATION = "hospitalisation", "Hospitalisation prolongée"
    DECES = "deces", "Décès"
    DEMENAGEMENT = "demenagement", "Déménagement"
    AUTRE = "autre", "Autre motif"


class Sejour(models.Model):
    """A stay: admission to an establishment (and unit) until exit (TDDUI: Sejour)."""

    usager = models.ForeignKey(Usager, on_delete=models.PROTECT, related_name="sejours")
    etablissement = models.ForeignKey(
        Etablissement, on_delete=models.PROTECT, related_name="sejours"
    )
    unite = models.ForeignKey(
        Unite, on_delete=models.PROTECT, null=True, blank=True, related_name="sejours"
    )
    # TDDUI: modaliteAccueil
    mode_accueil = models.CharField("mode d'accueil", max_length=20, choices=ModeAccueil.choices)
    # TDDUI: dateEntree, provenance
    date_entree = models.DateField("date d'entrée")
    mode_entree = models.CharField(
        "mode d'entrée", max_length=2, choices=ModeEntree.choices, blank=True
    )
    # TDDUI: dateSortiePrevisionnelle, dateSortie, motifSortie
    date_sortie_prevue = models.DateField("date de sortie prévue", null=True, blank=True)
    date_sortie = models.DateField("date de sortie", null=True, blank=True)
    mode_sortie = models.CharField(
        "mode de sortie", max_length=2, choices=ModeSortie.choices, blank=True
    )
    motif_sortie = models.CharField(
        "motif de sortie", max_length=20, choices=MotifSortie.choices, blank=True
    )
    # TDDUI: origineDemande, commentaire
    origine_demande = models.CharField("origine de la demande", max_length=200, blank=True)
    commentaire = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "séjour"
        verbose_name_plural = "séjours"
        ordering = ["-date_entree"]
        indexes = [
            models.Index(fields=["unite", "date_entree"], name="sejour_unite_entree"),
            models.Index(fields=["etablissement", "date_entree"], name="sejour_etab_entree"),
            models.Index(fields=["usager", "date_entree"], name="sejour_usager_entree"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_sortie__isnull=True) | Q(date_sortie__gte=models.F("date_entree")),
                name="sejour_sortie_apres_entree",
            ),
        ]

    def __str__(self) -> str:
        return f"Séjour du {self.date_entree:%d/%m/%Y}"

    def is_en_cours(self, jour: datetime.date) -> bool:
        return self.date_entree <= jour and (self.date_sortie is None or self.date_sortie >= jour)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.date_sortie and self.date_entree and self.date_sortie < self.date_entree:
            errors["date_sortie"] = "La date de sortie ne peut pas précéder la date d'entrée."
        if (
            self.date_sortie_prevue
            and self.date_entree
            and self.date_sortie_prevue < self.date_entree
        ):
            errors["date_sortie_prevue"] = "La sortie prévue ne peut pas précéder l'entrée."
        if self.date_sortie and not self.mode_sortie:
            errors["mode_sortie"] = "Indiquez le mode de sortie."
        if (self.mode_sortie or self.motif_sortie) and not self.date_sortie:
            errors["date_sortie"] = "Indiquez la date de sortie."
        if (
            self.unite is not None
            and self.etablissement_id
            and self.unite.etablissement_id != self.etablissement_id
        ):
            errors["unite"] = "Cette unité n'appartient pas à l'établissement du séjour."
        if (
            self.usager_id
            and self.etablissement_id
            and self.etablissement.organisme_id != self.usager.organisme_id
        ):
            errors["etablissement"] = "Cet établissement n'appartient pas à l'organisme du dossier."
        if not errors and self.usager_id and self.etablissement_id and self.date_entree:
            overlapping = Sejour.objects.filter(
                usager_id=self.usager_id, etablissement_id=self.etablissement_id
            ).exclude(pk=self.pk)
            end = self.date_sortie or datetime.date.max
            overlapping = overlapping.filter(date_entree__lte=end).filter(
                Q(date_sortie__isnull=True) | Q(date_sortie__gte=self.date_entree)
            )
            if overlapping.exists():
                errors["date_entree"] = (
                    "Ce séjour chevauche un autre séjour de la personne dans le même "
                    "établissement : clôturez d'abord le séjour en cours."
                )
        if errors:
            raise ValidationError(errors)


# ---------------------------------------------------------------------------------------------
# Orientation (CDAPH) and evaluations (AGGIR)
# ---------------------------------------------------------------------------------------------
class TypeOrientation(models.TextChoices):
    """ESSMS category the CDAPH orients towards (TDDUI: DroitPrestation.typeDroitPrestation)."""

    IME = "ime", "IME"
    ITEP = "itep", "ITEP"
    IEM = "iem", "IEM"
    SESSAD = "sessad", "SESSAD"
    CAMSP = "camsp", "CAMSP"
    MAS = "mas", "MAS"
    FAM = "fam", "FAM / EAM"
    FOYER_VIE = "foyer_vie", "Foyer de vie / EANM"
    FOYER_HEBERGEMENT = "foyer_hebergement", "Foyer d'hébergement"
    ESAT = "esat", "ESAT"
    SAVS = "savs", "SAVS"
    SAMSAH = "samsah", "SAMSAH"
    AUTRE = "autre", "Autre orientation"


class DecisionOrientation(models.Model):
    """A CDAPH orientation decision notified by the MDPH (TDDUI: Decision + DroitPrestation)."""

    usager = models.ForeignKey(
        Usager, on_delete=models.PROTECT, related_name="decisions_orientation"
    )
    # TDDUI: idDecision = idDecisionMDPHInitial/idMDPHInitial
    numero = models.CharField("numéro de la décision", max_length=60)
    mdph = models.CharField("MDPH", max_length=100, help_text="Par exemple : MDPH du Rhône (69).")
    # TDDUI: dateDecision, dateOuverture, dateEcheance
    date_decision = models.DateField("date de la décision")
    date_debut = models.DateField("ouverture du droit")
    date_fin = models.DateField("échéance du droit")
    type_orientation = models.CharField(
        "orientation", max_length=20, choices=TypeOrientation.choices
    )
    mode_accueil = models.CharField(
        "mode d'accueil", max_length=20, choices=ModeAccueil.choices, blank=True
    )
    # TDDUI: creton
    is_creton = models.BooleanField("amendement Creton", default=False)
    commentaire = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "décision d'orientation"
        verbose_name_plural = "décisions d'orientation"
        ordering = ["-date_decision"]

    def __str__(self) -> str:
        return f"Décision n° {self.numero}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.date_fin and self.date_debut and self.date_fin < self.date_debut:
            errors["date_fin"] = "L'échéance du droit ne peut pas précéder son ouverture."
        if self.date_decision and self.date_decision > timezone.localdate():
            errors["date_decision"] = "La date de décision ne peut pas être dans le futur."
        if errors:
            raise ValidationError(errors)


class Grille(models.TextChoices):
    # TDDUI: typeEvaluation (JDV_TypeEvaluation_CISIS).
    AGGIR = "aggir", "AGGIR (personnes âgées)"


class Evaluation(models.Model):
    """An evaluation result: the GIR of the AGGIR grid (TDDUI: Evaluation, JDV_GIR_CISIS)."""

    usager = models.ForeignKey(Usager, on_delete=models.PROTECT, related_name="evaluations")
    grille = models.CharField("grille", max_length=10, choices=Grille.choices)
    date_evaluation = models.DateField("date de l'évaluation")
    gir = models.PositiveSmallIntegerField("GIR", choices=[(n, f"GIR {n}") for n in range(1, 7)])
    evaluateur = models.ForeignKey(
        "securite.Utilisateur", on_delete=models.PROTECT, related_name="+"
    )
    commentaire = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "évaluation"
        verbose_name_plural = "évaluations"
        ordering = ["-date_evaluation", "-id"]

    def __str__(self) -> str:
        return f"GIR {self.gir} au {self.date_evaluation:%d/%m/%Y}"

    def clean(self) -> None:
        if self.date_evaluation and self.date_evaluation > timezone.localdate():
            raise ValidationError(
                {"date_evaluation": "La date de l'évaluation ne peut pas être dans le futur."}
            )


# ---------------------------------------------------------------------------------------------
# Emergency liaison file (DLU, EHPAD)
# ---------------------------------------------------------------------------------------------
# The DLU checklist of the person's state, in the words of the paper form (HAS/DGS model of
# the DLU, 2015). Codes of JDV_ObservationEtatPatient_CISIS (SNOMED CT), so the CDA builder
# writes them as they are.
ETAT_DLU: tuple[tuple[str, str, str], ...] = (
    ("Comportement et communication", "288575003", "Capable de communiquer"),
    ("Comportement et communication", "247663003", "Bien orienté(e)"),
    ("Comportement et communication", "62476001", "Désorienté(e)"),
    ("Comportement et communication", "24199005", "Agitation"),
    ("Comportement et communication", "248043008", "Comportement non conciliant (opposition)"),
    ("Comportement et communication", "425104003", "Comportement suicidaire"),
    ("Handicaps et déficits", "397540003", "Malvoyance"),
    ("Handicaps et déficits", "15188001", "Perte auditive"),
    ("Handicaps et déficits", "62305002", "Trouble du langage"),
    ("Déplacements et transferts", "161898004", "Chutes"),
    ("Déplacements et transferts", "50239007", "Errance"),
    ("Déplacements et transferts", "248046000", "Fugue"),
    ("Déplacements et transferts", "386423001", "Contention physique"),
    ("Autres risques", "285304000", "Risque d'escarre"),
    ("Autres risques", "249492002", "Fausse route alimentaire"),
)
ETAT_DLU_CODES = frozenset(code for _groupe, code, _libelle in ETAT_DLU)


class Appareillage(models.TextChoices):
    """Devices and personal items that go with the person (JDV_ProtheseObjetPersonnel_CISIS:
    EMDN codes, and the TA_ASIP code for any other device)."""

    LUNETTES = "Q021003", "Lunettes"
    PROTHESE_DENTAIRE = "P0102", "Prothèse dentaire"
    APPAREIL_AUDITIF = "Y2145", "Appareil auditif"
    AUTRE = "GEN-092.02.01", "Autre appareillage (à préciser)"


class StatutEtablissementSante(models.TextChoices):
    """Kind of a health establishment (codes of JDV_J02, the CDA facility types)."""

    PUBLIC = "SA01", "Établissement public de santé"
    ESPIC = "SA03", "Établissement privé d'intérêt collectif (ESPIC)"
    PRIVE = "SA04", "Établissement privé"


class DossierLiaisonUrgence(models.Model):
    """The Dossier de liaison d'urgence of a resident (one per person, kept up to date): what
    an emergency team needs when the person is transferred, following the DLU-EHPAD model of
    the CI-SIS (templateId 1.2.250.1.213.1.1.1.22). Category médical.

    The trusted person and the persons to call come from the entourage (Contact), the GIR
    from the evaluations: they are not copied here. Medical free text is encrypted at rest.
    Unknown yes/no answers stay null: the document then says "non renseigné" rather than
    inventing a "no"."""

    usager = models.OneToOneField(Usager, on_delete=models.PROTECT, related_name="dlu")
    # Treating doctor (usually a general practitioner outside the establishment).
    medecin_traitant_nom = models.CharField("nom du médecin traitant", max_length=100, blank=True)
    medecin_traitant_prenom = models.CharField(
        "prénom du médecin traitant", max_length=100, blank=True
    )
    medecin_traitant_rpps = models.CharField(
        "RPPS du médecin traitant", max_length=11, blank=True, validators=[rpps_validator]
    )
    medecin_traitant_telephone = models.CharField(
        "téléphone du médecin traitant", max_length=20, blank=True
    )
    # Health establishment the person (or the doctor) prefers for a hospitalisation.
    etablissement_preference_nom = models.CharField(
        "établissement de santé de préférence", max_length=200, blank=True
    )
    etablissement_preference_finess = models.CharField(
        "FINESS de l'établissement de préférence",
        max_length=9,
        blank=True,
        validators=[finess_validator],
    )
    etablissement_preference_statut = models.CharField(
        "statut de l'établissement de préférence",
        max_length=4,
        choices=StatutEtablissementSante.choices,
        default=StatutEtablissementSante.PUBLIC,
    )
    etablissement_preference_telephone = models.CharField(
        "téléphone de l'établissement de préférence", max_length=20, blank=True
    )
    # Medical content, free text, one item per line (coded when the medical module exists).
    pathologies = EncryptedTextField("pathologies en cours", blank=True)
    antecedents = EncryptedTextField("antécédents médicaux et chirurgicaux", blank=True)
    allergies_medicamenteuses = EncryptedTextField("allergies médicamenteuses", blank=True)
    allergies_alimentaires = EncryptedTextField("allergies alimentaires", blank=True)
    autres_allergies = EncryptedTextField(
        "autres allergies, hypersensibilités et intolérances", blank=True
    )
    is_sans_allergie_connue = models.BooleanField("aucune allergie connue", default=False)
    traitements = EncryptedTextField("traitements en cours", blank=True)
    soins_palliatifs = models.BooleanField("soins palliatifs", null=True, blank=True)
    directives_anticipees = models.BooleanField(
        "directives anticipées rédigées", null=True, blank=True
    )
    directives_anticipees_lieu = EncryptedTextField(
        "où trouver les directives anticipées", blank=True
    )
    bmr = models.BooleanField("porteur d'une bactérie multirésistante (BMR)", null=True, blank=True)
    # {SNOMED CT code of ETAT_DLU: true/false}; an absent code is "non renseigné".
    etat = models.JSONField("état de la personne", default=dict, blank=True)
    appareillages = models.JSONField("appareillages", default=list, blank=True)
    appareillages_precisions = EncryptedTextField("précisions sur les appareillages", blank=True)
    informations_utiles = EncryptedTextField(
        "informations utiles en urgence",
        blank=True,
        help_text="Communication, comportement, habitudes de vie : ce qui aide l'équipe des "
        "urgences à prendre soin de la personne.",
    )
    mis_a_jour_le = models.DateTimeField("mis à jour le")
    mis_a_jour_par = models.ForeignKey(
        "securite.Utilisateur",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="mis à jour par",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "dossier de liaison d'urgence"
        verbose_name_plural = "dossiers de liaison d'urgence"

    def __str__(self) -> str:
        return f"DLU du {self.mis_a_jour_le:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return lien("usagers:dlu", self.usager_id)

    @property
    def has_allergies(self) -> bool:
        return any(
            value.strip()
            for value in (
                self.allergies_medicamenteuses,
                self.allergies_alimentaires,
                self.autres_allergies,
            )
        )

    @property
    def etat_renseigne(self) -> list[tuple[str, str, bool | None]]:
        """The checklist for display: (group, label, answer or None)."""
        return [(groupe, libelle, self.etat.get(code)) for groupe, code, libelle in ETAT_DLU]

    @property
    def appareillages_libelles(self) -> list[str]:
        return [Appareillage(code).label for code in self.appareillages if code in Appareillage]

    def manquants(self) -> list[str]:
        """What the DLU document still needs, in French (empty when it can be produced)."""
        manquants = []
        if not self.etablissement_preference_nom.strip():
            manquants.append("établissement de santé de préférence")
        elif not self.etablissement_preference_finess:
            manquants.append("FINESS de l'établissement de santé de préférence")
        if not self.medecin_traitant_nom.strip() or not self.medecin_traitant_rpps:
            manquants.append("médecin traitant (avec son RPPS)")
        if not self.has_allergies and not self.is_sans_allergie_connue:
            manquants.append("allergies (ou « aucune allergie connue »)")
        return manquants

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.is_sans_allergie_connue and self.has_allergies:
            errors["is_sans_allergie_connue"] = (
                "Des allergies sont saisies : décochez « aucune allergie connue » ou videz-les."
            )
        if self.medecin_traitant_rpps and not self.medecin_traitant_nom.strip():
            errors["medecin_traitant_nom"] = "Indiquez le nom du médecin traitant."
        if self.etablissement_preference_finess and not self.etablissement_preference_nom.strip():
            errors["etablissement_preference_nom"] = (
                "Indiquez le nom de l'établissement de santé de préférence."
            )
        if not isinstance(self.etat, dict) or not all(
            code in ETAT_DLU_CODES and isinstance(value, bool) for code, value in self.etat.items()
        ):
            errors["etat"] = "État de la personne : réponse inconnue de la grille du DLU."
        if not isinstance(self.appareillages, list) or not all(
            code in Appareillage.values for code in self.appareillages
        ):
            errors["appareillages"] = "Appareillage inconnu."
        elif Appareillage.AUTRE in self.appareillages and not self.appareillages_precisions.strip():
            errors["appareillages_precisions"] = "Précisez l'autre appareillage."
        if self.directives_anticipees is not True and self.directives_anticipees_lieu.strip():
            errors["directives_anticipees_lieu"] = (
                "Le lieu de conservation ne s'indique que si des directives anticipées existent."
            )
        if errors:
            raise ValidationError(errors)
