"""Forms of the plan editor. They parse and present; the rules live in services.py."""

from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from securite.models import TypeCompte, Utilisateur

from . import selectors
from .models import (
    Accord,
    Attente,
    Bilan,
    EvaluationObjectif,
    FamilleSerafin,
    Objectif,
    Participant,
    Prestation,
    ProjetDeVie,
    ProjetPersonnalise,
    StatutProjet,
    TypeProjet,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTE = forms.Textarea(attrs={"rows": 3})


def professionnels(projet_or_usager: Any, etablissement: Any) -> QuerySet[Utilisateur]:
    """Professionals who may be named for this person: those of the establishment, and the
    person's care team (the service still checks each one's access)."""
    usager = getattr(projet_or_usager, "usager", projet_or_usager)
    return (
        Utilisateur.objects.filter(
            organisme_id=usager.organisme_id,
            is_active=True,
            type_compte=TypeCompte.PROFESSIONNEL,
        )
        .filter(
            Q(professionnel__etablissements=etablissement)
            | Q(professionnel__unites__etablissement=etablissement)
            | Q(equipes__usager=usager)
            | Q(professionnel__profession="directeur")
        )
        .select_related("professionnel")
        .distinct()
        .order_by("last_name", "first_name")
    )


class ProfessionnelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Utilisateur) -> str:
        return f"{obj} — {obj.professionnel.get_profession_display()}"


class SerafinSelect(forms.Select):
    """A native <select> with one <optgroup> per SERAFIN-PH heading; static/js/projet.js adds
    an accent-insensitive search box above it."""

    def __init__(self, famille: str) -> None:
        super().__init__(attrs={"data-serafin-picker": famille, "size": "10"})
        self.choices = [("", "— Choisir un code —"), *selectors.serafin_choix(famille)]


class ProjetForm(forms.ModelForm):
    usager_present = forms.TypedChoiceField(
        label="La personne a participé à l'élaboration",
        choices=[("", "Non renseigné"), ("oui", "Oui"), ("non", "Non")],
        coerce=lambda v: {"oui": True, "non": False}.get(v),
        empty_value=None,
        required=False,
    )

    class Meta:
        model = ProjetPersonnalise
        fields = (
            "type_projet",
            "titre",
            "referent",
            "date_debut",
            "date_fin",
            "date_reevaluation",
            "usager_present",
            "modalites_communication",
            "description",
        )
        widgets = {
            "date_debut": DATE,
            "date_fin": DATE,
            "date_reevaluation": DATE,
            "modalites_communication": TEXTE,
            "description": TEXTE,
        }
        help_texts = {
            "date_reevaluation": "Laissez vide : calculée à la validation selon le type de "
            "projet et l'établissement (12 mois par défaut)."
        }

    def __init__(self, *args: Any, usager: Any, etablissement: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type_projet"].queryset = TypeProjet.objects.filter(  # type: ignore[attr-defined]
            actif=True
        )
        self.fields["referent"] = ProfessionnelChoiceField(
            label="Référent", queryset=professionnels(usager, etablissement)
        )
        if self.instance.pk:
            self.initial["usager_present"] = {True: "oui", False: "non"}.get(
                self.instance.usager_present, ""
            )
        else:
            del self.fields["date_reevaluation"]


class ProjetDeVieForm(forms.ModelForm):
    class Meta:
        model = ProjetDeVie
        fields = ("titre", "aspirations", "date_debut", "date_fin")
        widgets = {"aspirations": TEXTE, "date_debut": DATE, "date_fin": DATE}
        labels = {"titre": "Mon projet de vie, en une phrase"}


class AttenteForm(forms.ModelForm):
    class Meta:
        model = Attente
        fields = ("origine", "origine_precision", "description", "commentaire")
        widgets = {"description": TEXTE, "commentaire": TEXTE}


class BesoinForm(forms.Form):
    # A CharField, not a ChoiceField: an unknown code reaches the service, whose message
    # says which code does not exist.
    code = forms.CharField(label="Besoin (nomenclature SERAFIN-PH)")
    description = forms.CharField(
        label="Description",
        max_length=300,
        required=False,
        help_text="Facultatif : par défaut, le libellé SERAFIN-PH.",
    )
    commentaire = forms.CharField(label="Commentaire", widget=TEXTE, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget = SerafinSelect(FamilleSerafin.BESOIN)


class ObjectifForm(forms.ModelForm):
    class Meta:
        model = Objectif
        fields = (
            "besoin",
            "titre",
            "titre_facile",
            "description",
            "date_debut",
            "date_cible",
            "indicateur",
            "priorite",
            "strategie",
            "avis_usager",
            "referent",
        )
        widgets = {
            "description": TEXTE,
            "strategie": TEXTE,
            "avis_usager": TEXTE,
            "date_debut": DATE,
            "date_cible": DATE,
            "priorite": forms.RadioSelect,
        }
        error_messages = {
            "besoin": {
                "required": "Un objectif répond à un besoin : choisissez le besoin auquel il "
                "répond."
            }
        }

    def __init__(self, *args: Any, projet: ProjetPersonnalise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        besoin = self.fields["besoin"]
        besoin.queryset = projet.besoins.select_related("code")  # type: ignore[attr-defined]
        besoin.label_from_instance = lambda b: f"{b.code.code} {b.libelle}"  # type: ignore[attr-defined]
        self.fields["referent"] = ProfessionnelChoiceField(
            label="Référent de l'objectif",
            queryset=professionnels(projet, projet.etablissement),
            required=False,
        )


class PrestationForm(forms.ModelForm):
    code = forms.CharField(label="Prestation directe (nomenclature SERAFIN-PH)")

    class Meta:
        model = Prestation
        fields = (
            "titre",
            "objectifs",
            "responsable",
            "frequence",
            "moyens",
            "date_debut",
            "date_fin",
            "description",
        )
        widgets = {
            "objectifs": forms.CheckboxSelectMultiple,
            "date_debut": DATE,
            "date_fin": DATE,
            "description": TEXTE,
        }

    field_order = ("code", "titre")

    def __init__(self, *args: Any, projet: ProjetPersonnalise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget = SerafinSelect(FamilleSerafin.PRESTATION_DIRECTE)
        self.fields["objectifs"].queryset = projet.objectifs.all()  # type: ignore[attr-defined]
        self.fields["responsable"] = ProfessionnelChoiceField(
            label="Professionnel responsable",
            queryset=professionnels(projet, projet.etablissement),
            required=False,
        )


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ("type", "utilisateur", "nom", "qualite", "present")
        help_texts = {
            "utilisateur": "Pour un professionnel de l'établissement : il pourra modifier le "
            "projet.",
            "nom": "Pour un proche, un représentant ou un partenaire.",
        }

    def __init__(self, *args: Any, projet: ProjetPersonnalise, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["utilisateur"] = ProfessionnelChoiceField(
            label="Professionnel",
            queryset=professionnels(projet, projet.etablissement),
            required=False,
        )


class AccordForm(forms.ModelForm):
    class Meta:
        model = Accord
        fields = ("partie", "forme", "date", "signataire", "temoin", "motif_refus", "document")
        widgets = {"date": DATE, "motif_refus": TEXTE, "forme": forms.RadioSelect}
        help_texts = {
            "temoin": "Obligatoire pour un accord oral.",
            "motif_refus": "Obligatoire pour un refus : les mots de la personne.",
            "document": "PDF, JPEG ou PNG, 5 Mo au plus. Obligatoire pour une signature.",
        }


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = EvaluationObjectif
        fields = ("date", "resultat", "commentaire")
        widgets = {"date": DATE, "resultat": forms.RadioSelect, "commentaire": TEXTE}


class BilanForm(forms.ModelForm):
    class Meta:
        model = Bilan
        fields = ("date", "categorie", "synthese", "invites", "date_prochain_bilan")
        widgets = {
            "date": DATE,
            "date_prochain_bilan": DATE,
            "synthese": forms.Textarea(attrs={"rows": 5}),
        }


class TransitionForm(forms.Form):
    vers = forms.ChoiceField(choices=StatutProjet.choices)
    motif = forms.CharField(max_length=300, required=False, label="Motif")
