"""Forms of the daily support: big fields, French labels, choices limited to what the user may
write. Validation of the domain stays in the services (a form only parses)."""

from typing import Any

from django import forms
from django.utils import timezone

from dui.models import Etablissement
from securite.models import Categorie, Utilisateur
from usagers.models import Usager
from usagers.projet.models import Objectif

from .models import (
    DemiJournee,
    Gravite,
    MotifAbsence,
    NatureEvenement,
    NatureSignalement,
    Periode,
    Recurrence,
    StatutPresence,
    Transport,
    TypeIncident,
    TypeRepas,
)
from .plausibilite import TypeObservation
from .referentiels import serafin_prestation_choices
from .selectors import Genre
from .services import EtapeIncident, MesureSaisie

MAINTENANT_FORMAT = "%Y-%m-%dT%H:%M"


class DateHeureInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=MAINTENANT_FORMAT)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _categorie_choices(categories: frozenset[str]) -> list[tuple[str, str]]:
    return [(c, str(label)) for c, label in Categorie.choices if c in categories]


def _serafin_choices() -> list[tuple[str, str]]:
    return [("", "—"), *serafin_prestation_choices()]


class TransmissionForm(forms.Form):
    cible = forms.CharField(
        label="Cible",
        max_length=80,
        help_text="Le sujet en quelques mots : Sommeil, Repas, Douleur, Comportement…",
        error_messages={
            "required": "Indiquez la cible de la transmission (par exemple : Sommeil, Repas, "
            "Douleur)."
        },
    )
    categorie = forms.ChoiceField(label="Catégorie")
    donnees = forms.CharField(
        label="Données",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Ce que vous avez observé ou entendu.",
        error_messages={"required": "Décrivez les données : ce que vous avez observé ou entendu."},
    )
    actions = forms.CharField(
        label="Actions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce qui a été fait.",
    )
    resultats = forms.CharField(
        label="Résultats",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="L'effet observé, ou ce qu'il reste à surveiller.",
    )
    is_importante = forms.BooleanField(label="Transmission importante", required=False)
    is_partageable_famille = forms.BooleanField(
        label="Partageable avec la famille",
        required=False,
        help_text="Visible par la famille sur le portail, seulement si la personne l'accepte.",
    )
    prestation_serafin = forms.ChoiceField(
        label="Prestation SERAFIN-PH", required=False, choices=()
    )
    objectif = forms.ModelChoiceField(
        label="Objectif du projet personnalisé",
        required=False,
        queryset=Objectif.objects.none(),
        empty_label="—",
    )

    def __init__(
        self, *args: Any, categories: frozenset[str], objectifs: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objectif"].queryset = objectifs  # type: ignore[attr-defined]
        choices = _categorie_choices(categories)
        self.fields["categorie"].choices = choices  # type: ignore[attr-defined]
        if len(choices) == 1:
            self.fields["categorie"].initial = choices[0][0]
        elif Categorie.EDUCATIF in categories:
            self.fields["categorie"].initial = Categorie.EDUCATIF
        self.fields["prestation_serafin"].choices = _serafin_choices()  # type: ignore[attr-defined]


class ComplementForm(forms.Form):
    donnees = forms.CharField(
        label="Correction ou complément",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="La transmission d'origine reste visible telle qu'elle a été écrite.",
    )
    actions = forms.CharField(
        label="Actions", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    resultats = forms.CharField(
        label="Résultats", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _nombre(label: str, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=10,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class ObservationsForm(forms.Form):
    """Several measurements taken together; empty fields are ignored."""

    mesuree_le = forms.DateTimeField(label="Mesurées le", widget=DateHeureInput())
    poids = _nombre("Poids (kg)")
    taille = _nombre("Taille (cm)")
    tension_systolique = _nombre("Pression artérielle : systolique (mmHg)")
    tension_diastolique = _nombre("Pression artérielle : diastolique (mmHg)")
    pouls = _nombre("Pouls (battements par minute)")
    temperature = _nombre("Température (°C)")
    glycemie = _nombre("Glycémie capillaire (g/L)")
    spo2 = _nombre("Saturation en oxygène, SpO2 (%)")
    douleur_eva = _nombre("Douleur, EVA (0 à 10)", "Auto-évaluation par la personne.")
    douleur_en = _nombre("Douleur, EN (0 à 10)", "Auto-évaluation par la personne.")
    algoplus = _nombre(
        "Douleur, Algoplus (0 à 5)",
        "Hétéro-évaluation, pour une personne qui ne peut pas dire sa douleur.",
    )
    selles = _nombre("Selles, type de Bristol (1 à 7)")
    sommeil = _nombre("Sommeil (heures)")
    repas = forms.ChoiceField(
        label="Repas : part consommée",
        required=False,
        choices=[
            ("", "—"),
            ("0", "Rien"),
            ("25", "1/4"),
            ("50", "1/2"),
            ("75", "3/4"),
            ("100", "Tout"),
        ],
    )
    repas_type = forms.ChoiceField(
        label="Repas", required=False, choices=[("", "—"), *TypeRepas.choices]
    )
    commentaire = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    CHAMPS = {
        "poids": TypeObservation.POIDS,
        "taille": TypeObservation.TAILLE,
        "pouls": TypeObservation.POULS,
        "temperature": TypeObservation.TEMPERATURE,
        "glycemie": TypeObservation.GLYCEMIE,
        "spo2": TypeObservation.SPO2,
        "douleur_eva": TypeObservation.DOULEUR_EVA,
        "douleur_en": TypeObservation.DOULEUR_EN,
        "algoplus": TypeObservation.ALGOPLUS,
        "selles": TypeObservation.SELLES,
        "sommeil": TypeObservation.SOMMEIL,
    }
    # Where a service error about a type is shown.
    CHAMP_DU_TYPE = {
        **{t: name for name, t in CHAMPS.items()},
        TypeObservation.TENSION: "tension_systolique",
        TypeObservation.REPAS: "repas",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault(
            "mesuree_le", timezone.localtime().replace(second=0, microsecond=0)
        )
        super().__init__(*args, **kwargs)

    def mesures(self) -> list[MesureSaisie]:
        data = self.cleaned_data
        mesures = [
            MesureSaisie(type, data[name]) for name, type in self.CHAMPS.items() if data.get(name)
        ]
        if data.get("tension_systolique") or data.get("tension_diastolique"):
            mesures.append(
                MesureSaisie(
                    TypeObservation.TENSION,
                    data.get("tension_systolique") or None,
                    data.get("tension_diastolique") or None,
                )
            )
        if data.get("repas"):
            mesures.append(
                MesureSaisie(TypeObservation.REPAS, data["repas"], repas=data.get("repas_type", ""))
            )
        return mesures


class IncidentForm(forms.Form):
    etablissement = forms.ModelChoiceField(
        label="Établissement", queryset=Etablissement.objects.none()
    )
    survenu_le = forms.DateTimeField(label="Survenu le", widget=DateHeureInput())
    type = forms.ChoiceField(label="Type d'événement", choices=TypeIncident.choices)
    gravite = forms.TypedChoiceField(
        label="Gravité",
        choices=Gravite.choices,
        coerce=int,
        help_text="1 : sans conséquence pour la personne ; 5 : décès ou atteinte irréversible.",
    )
    lieu = forms.CharField(label="Lieu", required=False, max_length=120)
    recit = forms.CharField(
        label="Ce qui s'est passé",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Les faits : qui, quoi, quand, comment. Pas d'interprétation.",
    )
    mesures_immediates = forms.CharField(
        label="Mesures prises immédiatement",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    is_famille_informee = forms.BooleanField(
        label="La famille ou le représentant légal a été informé", required=False
    )
    is_eigs = forms.BooleanField(
        label="Événement grave associé aux soins (EIGS)",
        required=False,
        help_text="Décès inattendu, mise en jeu du pronostic vital ou déficit fonctionnel "
        "permanent probable. La direction le déclare à l'ARS.",
    )

    def __init__(self, *args: Any, etablissements: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault(
            "survenu_le", timezone.localtime().replace(second=0, microsecond=0)
        )
        super().__init__(*args, **kwargs)
        field = self.fields["etablissement"]
        field.queryset = etablissements  # type: ignore[attr-defined]
        seul = list(etablissements[:2])
        if len(seul) == 1:
            field.initial = seul[0].pk


class IncidentEtapeForm(forms.Form):
    etape = forms.ChoiceField(label="Étape", choices=EtapeIncident.CHOICES)
    quand = forms.DateTimeField(
        label="Date de la transmission", required=False, widget=DateHeureInput()
    )
    nature = forms.ChoiceField(
        label="Nature de l'événement signalé",
        required=False,
        choices=[("", "—"), *NatureSignalement.choices],
    )


class EvenementForm(forms.Form):
    titre = forms.CharField(label="Intitulé", max_length=120)
    nature = forms.ChoiceField(label="Nature", choices=NatureEvenement.choices)
    categorie = forms.ChoiceField(
        label="Catégorie",
        help_text="Un rendez-vous médical est « Médical » : les autres professionnels voient "
        "seulement que la personne est occupée.",
    )
    prestation_serafin = forms.ChoiceField(
        label="Prestation SERAFIN-PH", required=False, choices=()
    )
    debut = forms.DateTimeField(label="Début", widget=DateHeureInput())
    fin = forms.DateTimeField(label="Fin", widget=DateHeureInput())
    lieu = forms.CharField(label="Lieu", required=False, max_length=200)
    transport = forms.ChoiceField(label="Transport", choices=Transport.choices)
    usagers = forms.ModelMultipleChoiceField(
        label="Personnes concernées",
        required=False,
        queryset=Usager.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Aucune : activité de toute l'unité.",
    )
    professionnels = forms.ModelMultipleChoiceField(
        label="Professionnels", required=False, queryset=Utilisateur.objects.none()
    )
    recurrence = forms.ChoiceField(label="Répétition", required=False, choices=Recurrence.choices)
    recurrence_fin = forms.DateField(label="Jusqu'au", required=False, widget=DateInput())

    def __init__(
        self,
        *args: Any,
        usagers: Any,
        professionnels: Any,
        categories: frozenset[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["usagers"].queryset = usagers  # type: ignore[attr-defined]
        self.fields["professionnels"].queryset = professionnels  # type: ignore[attr-defined]
        self.fields["categorie"].choices = _categorie_choices(categories)  # type: ignore[attr-defined]
        self.fields["categorie"].initial = Categorie.EDUCATIF
        self.fields["prestation_serafin"].choices = _serafin_choices()  # type: ignore[attr-defined]


class EvenementDeplacementForm(forms.Form):
    debut = forms.DateTimeField(label="Nouveau début", widget=DateHeureInput())
    fin = forms.DateTimeField(label="Nouvelle fin", widget=DateHeureInput())
    toute_la_serie = forms.BooleanField(
        label="Déplacer aussi les événements suivants de la série",
        required=False,
        help_text="Ils sont décalés d'autant, à la même heure.",
    )


class AbsenceForm(forms.Form):
    debut = forms.DateField(label="Du", widget=DateInput())
    debut_demi_journee = forms.ChoiceField(
        label="À partir du", choices=DemiJournee.choices, initial=DemiJournee.MATIN
    )
    fin = forms.DateField(label="Au", widget=DateInput())
    fin_demi_journee = forms.ChoiceField(
        label="Jusqu'au (inclus)", choices=DemiJournee.choices, initial=DemiJournee.APRES_MIDI
    )
    motif = forms.ChoiceField(label="Motif", choices=MotifAbsence.choices)


class PresenceForm(forms.Form):
    jour = forms.DateField(label="Jour", widget=DateInput())
    periode = forms.ChoiceField(label="Période", choices=Periode.choices)
    statut = forms.ChoiceField(
        label="Présence", choices=StatutPresence.choices, widget=forms.RadioSelect
    )
    motif_absence = forms.ChoiceField(
        label="Motif d'absence", required=False, choices=[("", "—"), *MotifAbsence.choices]
    )


class ChronologieFiltreForm(forms.Form):
    categorie = forms.ChoiceField(label="Catégorie", required=False)
    genre = forms.ChoiceField(label="Type", required=False)
    du = forms.DateField(label="Du", required=False, widget=DateInput())
    au = forms.DateField(label="Au", required=False, widget=DateInput())

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categorie"].choices = [("", "Toutes"), *categories]  # type: ignore[attr-defined]
        self.fields["genre"].choices = [("", "Tout"), *Genre.CHOICES]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("du") and data.get("au") and data["au"] < data["du"]:
            raise forms.ValidationError("La date de fin précède la date de début.")
        return data
