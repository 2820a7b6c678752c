"""Daily support: what happens to a person day after day.

- `Transmission`: a targeted note (cible; Données / Actions / Résultats), never edited: a
  correction is an addendum pointing to the original;
- `Observation`: a measurement (constante) checked against plausibility rules;
- `EvenementIndesirable`: an adverse event with its severity, the serious-event (EIGS)
  declaration in two parts and the report to the authority (CASF L331-8-1);
- `Evenement` and `Participant`: the agenda (appointments, activities), per person and per unit;
- `AbsencePrevue` and `Presence`: planned absences and the presence per day or half-day, the
  basis of occupancy and billing days;
- `Releve`: where a professional stopped reading the transmissions (unread marker).

Free text that tells about the person's health or life is encrypted at rest.

TDDUI mapping (ANS "Transfert de données DUI"): Evenement → TDDUIEncounterEvenement (type
SERAFIN-PH or text, period, location, participants, status planned/finished/cancelled);
Presence → TDDUISlotPresenceAbsence (serviceType TRE_R423, appointmentType TRE_R424,
absencePrevue); Observation → FR Core vital signs.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from dui.dates import add_months
from dui.models import Etablissement, Unite
from securite.crypto import EncryptedTextField
from securite.models import Categorie, Utilisateur
from usagers.models import Usager

from .plausibilite import MESURES, TypeObservation, nombre_fr

__all__ = ["TypeObservation"]


# ---------------------------------------------------------------------------
# Transmissions ciblées
# ---------------------------------------------------------------------------
class Transmission(models.Model):
    """A targeted note. Author and time are set by the service; nothing is ever edited: a
    correction or a complement is another Transmission whose `complete` points here."""

    # Indexed by "transmission_fil" (usager first): no index of its own.
    usager = models.ForeignKey(
        Usager, on_delete=models.PROTECT, related_name="transmissions", db_index=False
    )
    auteur = models.ForeignKey(Utilisateur, on_delete=models.PROTECT, related_name="+")
    ecrite_le = models.DateTimeField("écrite le", default=timezone.now)
    categorie = models.CharField("catégorie", max_length=20, choices=Categorie.choices)
    # The target stays in clear: a short label ("Sommeil", "Repas", "Chute") that titles the
    # note in lists; the narrative goes to the encrypted fields below.
    cible = models.CharField("cible", max_length=80)
    donnees = EncryptedTextField("données")
    actions = EncryptedTextField("actions", blank=True)
    resultats = EncryptedTextField("résultats", blank=True)
    is_importante = models.BooleanField("importante", default=False)
    is_partageable_famille = models.BooleanField(
        "partageable avec la famille",
        default=False,
        help_text="Montrée à la famille par le portail, seulement avec l'accord de la personne.",
    )
    objectif = models.ForeignKey(
        "projet.Objectif",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transmissions",
        verbose_name="objectif du projet personnalisé",
        db_index=False,
    )
    prestation_serafin = models.CharField("prestation SERAFIN-PH", max_length=12, blank=True)
    complete = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="addenda",
        verbose_name="complète la transmission",
        db_index=False,
    )

    class Meta:
        verbose_name = "transmission"
        verbose_name_plural = "transmissions"
        indexes = [
            # The timeline (keyset on (ecrite_le, id)) and "ma journée" (usagers since a time).
            models.Index(
                fields=["usager", "categorie", "ecrite_le", "id"], name="transmission_fil"
            ),
            # Few notes are complements or linked to an objective: partial indexes stay small.
            models.Index(
                fields=["complete"],
                condition=Q(complete__isnull=False),
                name="transmission_addenda",
            ),
            models.Index(
                fields=["objectif"],
                condition=Q(objectif__isnull=False),
                name="transmission_objectif",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(cible=""), name="transmission_cible_requise"),
        ]

    def __str__(self) -> str:
        return f"Transmission du {timezone.localtime(self.ecrite_le):%d/%m/%Y %H:%M}"

    @property
    def is_addendum(self) -> bool:
        return self.complete_id is not None


class Releve(models.Model):
    """Up to when a professional has read the transmissions (end of their handover)."""

    utilisateur = models.OneToOneField(Utilisateur, on_delete=models.CASCADE, related_name="+")
    lu_jusqu_au = models.DateTimeField("transmissions lues jusqu'au")

    class Meta:
        verbose_name = "relève"
        verbose_name_plural = "relèves"

    def __str__(self) -> str:
        return f"Relève du {timezone.localtime(self.lu_jusqu_au):%d/%m/%Y %H:%M}"


# ---------------------------------------------------------------------------
# Observations (constantes)
# ---------------------------------------------------------------------------
class TypeRepas(models.TextChoices):
    PETIT_DEJEUNER = "petit_dejeuner", "Petit-déjeuner"
    DEJEUNER = "dejeuner", "Déjeuner"
    GOUTER = "gouter", "Goûter"
    DINER = "diner", "Dîner"


class Observation(models.Model):
    """One measurement. Impossible values never get here (plausibilite.valeur_verifier);
    abnormal ones are flagged with the reason, in clear (it is built from the value)."""

    # Indexed by "observation_fil" and "observation_courbe" (usager first).
    usager = models.ForeignKey(
        Usager, on_delete=models.PROTECT, related_name="observations", db_index=False
    )
    auteur = models.ForeignKey(Utilisateur, on_delete=models.PROTECT, related_name="+")
    type = models.CharField("mesure", max_length=20, choices=TypeObservation.choices)
    categorie = models.CharField("catégorie", max_length=20, choices=Categorie.choices)
    mesuree_le = models.DateTimeField("mesurée le")
    saisie_le = models.DateTimeField("saisie le", default=timezone.now)
    valeur = models.DecimalField("valeur", max_digits=7, decimal_places=2)
    valeur_2 = models.DecimalField(
        "diastolique", max_digits=7, decimal_places=2, null=True, blank=True
    )
    repas = models.CharField("repas", max_length=20, choices=TypeRepas.choices, blank=True)
    is_anormale = models.BooleanField("anormale", default=False)
    motif_anomalie = models.CharField("anomalie", max_length=200, blank=True)
    commentaire = EncryptedTextField("commentaire", blank=True)

    class Meta:
        verbose_name = "observation"
        verbose_name_plural = "observations"
        indexes = [
            models.Index(
                fields=["usager", "categorie", "mesuree_le", "id"], name="observation_fil"
            ),
            models.Index(fields=["usager", "type", "mesuree_le"], name="observation_courbe"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(type=TypeObservation.TENSION) | Q(valeur_2__isnull=False),
                name="observation_tension_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} : {self.valeur_affichee}"

    @property
    def unite(self) -> str:
        return MESURES[self.type].unite

    @property
    def valeur_affichee(self) -> str:
        if self.type == TypeObservation.TENSION:
            return f"{nombre_fr(self.valeur)}/{nombre_fr(self.valeur_2)} mmHg"
        return MESURES[self.type].avec_unite(self.valeur)


# ---------------------------------------------------------------------------
# Événements indésirables
# ---------------------------------------------------------------------------
class TypeIncident(models.TextChoices):
    CHUTE = "chute", "Chute"
    MEDICAMENT = "medicament", "Erreur ou incident médicamenteux"
    FAUSSE_ROUTE = "fausse_route", "Fausse route"
    FUGUE = "fugue", "Fugue ou disparition"
    VIOLENCE = "violence", "Violence ou agression"
    MALTRAITANCE = "maltraitance", "Suspicion de maltraitance"
    SUICIDE = "suicide", "Suicide ou tentative de suicide"
    DECES = "deces", "Décès inattendu"
    SOINS = "soins", "Défaut de soin ou de surveillance"
    SINISTRE = "sinistre", "Sinistre, panne ou défaillance technique"
    AUTRE = "autre", "Autre"


class Gravite(models.IntegerChoices):
    """Five-level severity scale of adverse-event management (HAS)."""

    MINEURE = 1, "1 — Mineure"
    SIGNIFICATIVE = 2, "2 — Significative"
    MAJEURE = 3, "3 — Majeure"
    CRITIQUE = 4, "4 — Critique"
    CATASTROPHIQUE = 5, "5 — Catastrophique"


class StatutIncident(models.TextChoices):
    DECLARE = "declare", "Déclaré"
    EN_ANALYSE = "en_analyse", "En cours d'analyse"
    CLOS = "clos", "Clos"


class NatureSignalement(models.TextChoices):
    """Events to report to the authority without delay (CASF L331-8-1 and R331-8; arrêté du
    28 décembre 2016, article 1)."""

    SINISTRE = "1", "Sinistre ou événement météorologique exceptionnel"
    EQUIPEMENT = "2", "Défaillance d'équipement technique, événement en santé environnement"
    ORGANISATION = "3", "Perturbation de l'organisation du travail ou de la gestion des ressources"
    SOINS = "4", "Erreur ou défaut de soin ou de surveillance"
    RELATIONS = "5", "Difficultés relationnelles récurrentes avec la famille ou des proches"
    DECES = "6", "Décès accidentel ou consécutif à un défaut de surveillance ou de prise en charge"
    SUICIDE = "7", "Suicide ou tentative de suicide"
    MALTRAITANCE = "8", "Situation de maltraitance"
    DISPARITION = "9", "Disparition d'une personne accueillie (forces de l'ordre alertées)"
    VIOLENCE = "10", "Comportement violent d'usagers ou manquement grave au règlement"
    MALVEILLANCE = "11", "Acte de malveillance au sein de la structure"


class EvenementIndesirable(models.Model):
    """An adverse event. Seen by its declarant and by heads of service and directors of the
    establishment. A serious event associated with care (EIGS, CSP R1413-67 s.) is declared to
    the ARS in two parts: the first without delay, the second within three months."""

    etablissement = models.ForeignKey(
        Etablissement, on_delete=models.PROTECT, related_name="evenements_indesirables"
    )
    usager = models.ForeignKey(
        Usager,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evenements_indesirables",
        help_text="Laisser vide si l'événement ne concerne pas une personne en particulier.",
    )
    declarant = models.ForeignKey(Utilisateur, on_delete=models.PROTECT, related_name="+")
    declare_le = models.DateTimeField("déclaré le", default=timezone.now)
    survenu_le = models.DateTimeField("survenu le")
    type = models.CharField("type", max_length=20, choices=TypeIncident.choices)
    gravite = models.PositiveSmallIntegerField("gravité", choices=Gravite.choices)
    lieu = models.CharField("lieu", max_length=120, blank=True)
    recit = EncryptedTextField("ce qui s'est passé")
    mesures_immediates = EncryptedTextField("mesures prises immédiatement", blank=True)
    is_famille_informee = models.BooleanField("famille ou représentant informé", default=False)
    statut = models.CharField(
        "statut", max_length=20, choices=StatutIncident.choices, default=StatutIncident.DECLARE
    )
    is_eigs = models.BooleanField(
        "événement indésirable grave associé aux soins (EIGS)",
        default=False,
        help_text="Décès inattendu, mise en jeu du pronostic vital ou déficit fonctionnel "
        "permanent probable, lié à des soins ou à l'accompagnement.",
    )
    eigs_partie1_le = models.DateTimeField("EIGS : partie 1 transmise le", null=True, blank=True)
    eigs_partie2_le = models.DateTimeField("EIGS : partie 2 transmise le", null=True, blank=True)
    signalement_nature = models.CharField(
        "nature (signalement L331-8-1)",
        max_length=2,
        choices=NatureSignalement.choices,
        blank=True,
    )
    signalement_le = models.DateTimeField(
        "signalement à l'autorité transmis le", null=True, blank=True
    )
    clos_le = models.DateTimeField("clos le", null=True, blank=True)

    class Meta:
        verbose_name = "événement indésirable"
        verbose_name_plural = "événements indésirables"
        indexes = [
            models.Index(fields=["etablissement", "survenu_le"], name="incident_etablissement"),
            models.Index(fields=["usager", "survenu_le", "id"], name="incident_fil"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(eigs_partie2_le__isnull=True) | Q(eigs_partie1_le__isnull=False),
                name="incident_eigs_partie1_avant_partie2",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} du {timezone.localtime(self.survenu_le):%d/%m/%Y}"

    @property
    def eigs_partie2_echeance(self) -> date | None:
        """Three months after the first part (CSP R1413-69)."""
        if not self.is_eigs or self.eigs_partie1_le is None:
            return None
        return add_months(timezone.localdate(self.eigs_partie1_le), 3)


class PalierRelance(models.TextChoices):
    PARTIE1 = "partie1", "Partie 1 à transmettre sans délai"
    PARTIE2_J30 = "partie2_j30", "Partie 2 : échéance dans 30 jours"
    PARTIE2_J7 = "partie2_j7", "Partie 2 : échéance dans 7 jours"
    PARTIE2_RETARD = "partie2_retard", "Partie 2 : échéance dépassée"


class RelanceEIGS(models.Model):
    """One reminder sent about an EIGS. Unique per step, so the periodic job can run any number
    of times and each reminder goes out once."""

    evenement = models.ForeignKey(
        EvenementIndesirable, on_delete=models.CASCADE, related_name="relances"
    )
    palier = models.CharField("palier", max_length=20, choices=PalierRelance.choices)
    envoyee_le = models.DateTimeField("envoyée le", default=timezone.now)
    destinataires = models.PositiveIntegerField("nombre de destinataires", default=0)

    class Meta:
        verbose_name = "relance EIGS"
        verbose_name_plural = "relances EIGS"
        constraints = [
            models.UniqueConstraint(fields=["evenement", "palier"], name="relance_eigs_unique"),
        ]

    def __str__(self) -> str:
        return self.get_palier_display()


# ---------------------------------------------------------------------------
# Agenda
# ---------------------------------------------------------------------------
class NatureEvenement(models.TextChoices):
    RENDEZ_VOUS = "rendez_vous", "Rendez-vous"
    ACTIVITE = "activite", "Activité"
    SORTIE = "sortie", "Sortie"
    SCOLARITE = "scolarite", "Scolarité"
    VISITE = "visite", "Visite de la famille ou des proches"
    REUNION = "reunion", "Réunion (projet, synthèse)"
    AUTRE = "autre", "Autre"


class Transport(models.TextChoices):
    AUCUN = "aucun", "Sans transport"
    ETABLISSEMENT = "etablissement", "Véhicule de l'établissement"
    TAXI = "taxi", "Taxi ou VSL"
    AMBULANCE = "ambulance", "Ambulance"
    COMMUN = "commun", "Transports en commun"
    FAMILLE = "famille", "Famille ou proche"


class StatutEvenement(models.TextChoices):
    """TDDUI statuses: planned, finished, cancelled."""

    PLANIFIE = "planifie", "Planifié"
    REALISE = "realise", "Réalisé"
    ANNULE = "annule", "Annulé"


class Recurrence(models.TextChoices):
    AUCUNE = "", "Une seule fois"
    QUOTIDIENNE = "quotidienne", "Tous les jours"
    HEBDOMADAIRE = "hebdomadaire", "Toutes les semaines"
    BIMENSUELLE = "bimensuelle", "Toutes les deux semaines"
    MENSUELLE = "mensuelle", "Tous les mois"


# Longest event the agenda accepts: longer absences are planned absences. Also bounds the
# index ranges of the agenda reads.
EVENEMENT_DUREE_MAX = timedelta(days=31)


class Evenement(models.Model):
    """An appointment or activity, for one or more persons (Participant) or the whole unit.
    A recurring event is stored as one row per occurrence sharing a `serie`, so each occurrence
    can be cancelled or moved on its own and week views stay one simple query."""

    etablissement = models.ForeignKey(
        Etablissement, on_delete=models.PROTECT, related_name="evenements"
    )
    unite = models.ForeignKey(
        Unite, on_delete=models.PROTECT, null=True, blank=True, related_name="evenements"
    )
    titre = models.CharField("intitulé", max_length=120)
    nature = models.CharField("nature", max_length=20, choices=NatureEvenement.choices)
    prestation_serafin = models.CharField("prestation SERAFIN-PH", max_length=12, blank=True)
    # Who may read the event's details: a medical appointment is "médical"; others in the unit
    # still see that the person is busy.
    categorie = models.CharField(
        "catégorie", max_length=20, choices=Categorie.choices, default=Categorie.EDUCATIF
    )
    debut = models.DateTimeField("début")
    fin = models.DateTimeField("fin")
    lieu = models.CharField("lieu", max_length=200, blank=True)
    transport = models.CharField(
        "transport", max_length=20, choices=Transport.choices, default=Transport.AUCUN
    )
    professionnels = models.ManyToManyField(
        Utilisateur, blank=True, related_name="evenements_agenda", verbose_name="professionnels"
    )
    statut = models.CharField(
        "statut", max_length=20, choices=StatutEvenement.choices, default=StatutEvenement.PLANIFIE
    )
    recurrence = models.CharField(
        "récurrence", max_length=20, choices=Recurrence.choices, blank=True
    )
    serie = models.UUIDField("série", null=True, blank=True, db_index=True)
    cree_par = models.ForeignKey(Utilisateur, on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField("créé le", default=timezone.now)

    class Meta:
        verbose_name = "événement de l'agenda"
        verbose_name_plural = "événements de l'agenda"
        indexes = [
            models.Index(fields=["unite", "debut"], name="evenement_unite_debut"),
            models.Index(fields=["etablissement", "debut"], name="evenement_etab_debut"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(fin__gt=F("debut")), name="evenement_fin_apres"),
        ]

    def __str__(self) -> str:
        return self.titre

    def clean(self) -> None:
        if self.debut and self.fin and self.fin <= self.debut:
            raise ValidationError({"fin": "La fin doit être postérieure au début."})
        unite = self.unite if self.unite_id else None
        if unite is not None and unite.etablissement_id != self.etablissement_id:
            raise ValidationError({"unite": "Cette unité n'appartient pas à l'établissement."})


class Participant(models.Model):
    """A person taking part in an event. Start and category are copied from the event (the
    services keep them equal) so a person's timeline reads one index in order."""

    evenement = models.ForeignKey(Evenement, on_delete=models.CASCADE, related_name="participants")
    usager = models.ForeignKey(
        Usager, on_delete=models.PROTECT, related_name="participations", db_index=False
    )
    debut = models.DateTimeField("début")
    categorie = models.CharField("catégorie", max_length=20, choices=Categorie.choices)
    is_present = models.BooleanField("présent", null=True, blank=True)

    class Meta:
        verbose_name = "participant"
        verbose_name_plural = "participants"
        indexes = [
            models.Index(
                fields=["usager", "categorie", "debut", "evenement"], name="participant_fil"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["evenement", "usager"], name="participant_unique"),
        ]

    def __str__(self) -> str:
        return f"Participant à l'événement {self.evenement_id}"


# ---------------------------------------------------------------------------
# Absences prévues et présences
# ---------------------------------------------------------------------------
class MotifAbsence(models.TextChoices):
    """Local reasons; each maps to TRE_R424 (1 hospitalisation, 2 raisons personnelles)."""

    HOSPITALISATION = "hospitalisation", "Hospitalisation"
    VACANCES = "vacances", "Vacances"
    FAMILLE = "famille", "Séjour ou week-end en famille"
    RETOUR_DOMICILE = "retour_domicile", "Retour à domicile"
    MALADIE = "maladie", "Maladie (sans hospitalisation)"
    AUTRE = "autre", "Autre raison personnelle"

    @property
    def code_tre_r424(self) -> str:
        return "1" if self == MotifAbsence.HOSPITALISATION else "2"


class DemiJournee(models.TextChoices):
    MATIN = "matin", "Matin"
    APRES_MIDI = "apres_midi", "Après-midi"


DEMI_JOURNEE_RANG: dict[str, int] = {DemiJournee.MATIN: 0, DemiJournee.APRES_MIDI: 1}


class AbsencePrevue(models.Model):
    """A planned absence, from a half-day to another (both included)."""

    usager = models.ForeignKey(Usager, on_delete=models.PROTECT, related_name="absences_prevues")
    debut = models.DateField("du")
    debut_demi_journee = models.CharField(
        "à partir du", max_length=10, choices=DemiJournee.choices, default=DemiJournee.MATIN
    )
    fin = models.DateField("au")
    fin_demi_journee = models.CharField(
        "jusqu'au", max_length=10, choices=DemiJournee.choices, default=DemiJournee.APRES_MIDI
    )
    motif = models.CharField("motif", max_length=20, choices=MotifAbsence.choices)
    cree_par = models.ForeignKey(Utilisateur, on_delete=models.PROTECT, related_name="+")
    cree_le = models.DateTimeField("créée le", default=timezone.now)

    class Meta:
        verbose_name = "absence prévue"
        verbose_name_plural = "absences prévues"
        indexes = [models.Index(fields=["usager", "debut"], name="absence_usager_debut")]
        constraints = [
            models.CheckConstraint(condition=Q(fin__gte=F("debut")), name="absence_fin_apres"),
        ]

    def __str__(self) -> str:
        return f"Absence du {self.debut:%d/%m/%Y} au {self.fin:%d/%m/%Y}"

    def demi_journees(self) -> tuple[tuple[date, int], tuple[date, int]]:
        """First and last half-day covered, as comparable (day, 0 morning / 1 afternoon)."""
        return (
            (self.debut, DEMI_JOURNEE_RANG[self.debut_demi_journee]),
            (self.fin, DEMI_JOURNEE_RANG[self.fin_demi_journee]),
        )

    def couvre(self, jour: date, demi_journee: str) -> bool:
        premier, dernier = self.demi_journees()
        return premier <= (jour, DEMI_JOURNEE_RANG[demi_journee]) <= dernier

    def clean(self) -> None:
        if self.debut and self.fin:
            premier, dernier = self.demi_journees()
            if dernier < premier:
                raise ValidationError({"fin": "L'absence ne peut pas finir avant de commencer."})
            if self.fin - self.debut > timedelta(days=366):
                raise ValidationError({"fin": "Une absence prévue dure au plus un an."})


class Periode(models.TextChoices):
    JOURNEE = "journee", "Journée"
    MATIN = "matin", "Matin"
    APRES_MIDI = "apres_midi", "Après-midi"


class StatutPresence(models.TextChoices):
    """TRE_R423: 1 présence, 2 absence."""

    PRESENT = "present", "Présent"
    ABSENT = "absent", "Absent"


class SourcePresence(models.TextChoices):
    DEDUITE = "deduite", "Déduite du séjour et des absences prévues"
    SAISIE = "saisie", "Saisie par un professionnel"


class Presence(models.Model):
    """Presence or absence of a person for a day or a half-day in an establishment: what
    occupancy and billing days count. Rows are derived each day from the stay and planned
    absences (`source=deduite`), and professionals correct them (`source=saisie`), which the
    derivation then leaves alone."""

    usager = models.ForeignKey(Usager, on_delete=models.PROTECT, related_name="presences")
    etablissement = models.ForeignKey(
        Etablissement, on_delete=models.PROTECT, related_name="presences"
    )
    jour = models.DateField("jour")
    periode = models.CharField("période", max_length=10, choices=Periode.choices)
    statut = models.CharField("statut", max_length=10, choices=StatutPresence.choices)
    motif_absence = models.CharField(
        "motif d'absence", max_length=20, choices=MotifAbsence.choices, blank=True
    )
    is_absence_prevue = models.BooleanField("absence prévue", default=False)
    source = models.CharField("origine", max_length=10, choices=SourcePresence.choices)
    saisie_par = models.ForeignKey(
        Utilisateur, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    saisie_le = models.DateTimeField("enregistrée le", default=timezone.now)

    class Meta:
        verbose_name = "présence"
        verbose_name_plural = "présences"
        indexes = [models.Index(fields=["etablissement", "jour"], name="presence_etab_jour")]
        constraints = [
            models.UniqueConstraint(
                fields=["usager", "jour", "periode"], name="presence_unique_par_periode"
            ),
            models.CheckConstraint(
                condition=Q(statut=StatutPresence.PRESENT, motif_absence="")
                | Q(statut=StatutPresence.ABSENT),
                name="presence_motif_si_absent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_statut_display()} le {self.jour:%d/%m/%Y} ({self.get_periode_display()})"
