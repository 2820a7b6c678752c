"""Forms of the usager pages. Validation of the rules lives in the models and services; forms
only shape the input and check what a field alone can tell (NIR key, COG code, dates)."""

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from dui.models import Etablissement, ModeAccueil, Unite

from .identifiants import cog_validate
from .models import (
    Contact,
    Lien,
    ModeEntree,
    ModeSortie,
    MotifSortie,
    PorteeMesure,
    PrecisionDate,
    Sexe,
    TypeJustificatif,
    TypeMandataire,
    TypeMesure,
    TypeOrientation,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE_WIDGET,
        help_text=help_text,
        error_messages={"invalid": "Saisissez une date valide (jj/mm/aaaa)."},
    )


class RechercheForm(forms.Form):
    """Search by name, birth date, matricule INS or local identifier (sent by POST: names
    never go into URLs or server logs)."""

    texte = forms.CharField(
        label="Nom, prénom, n° de dossier ou matricule INS",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "type": "search"}),
    )
    date_naissance = _date("Date de naissance", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("texte") or "").strip() and not data.get("date_naissance"):
            raise ValidationError("Saisissez un nom, un numéro ou une date de naissance.")
        return data


class IdentiteForm(forms.Form):
    nom_naissance = forms.CharField(label="Nom de naissance", max_length=100)
    prenoms_naissance = forms.CharField(
        label="Prénoms de naissance",
        max_length=200,
        help_text="Tous les prénoms de l'acte de naissance, dans l'ordre, séparés par une espace.",
    )
    date_naissance = _date("Date de naissance")
    precision_date_naissance = forms.ChoiceField(
        label="Précision de la date",
        choices=PrecisionDate.choices,
        initial=PrecisionDate.JOUR,
        help_text="Si le jour ou le mois sont inconnus, saisissez une date de la période.",
    )
    sexe = forms.ChoiceField(label="Sexe", choices=Sexe.choices, widget=forms.RadioSelect)
    lieu_naissance_code = forms.CharField(
        label="Lieu de naissance (code INSEE)",
        max_length=5,
        required=False,
        help_text="Code de la commune (69123 pour Lyon, 2A004 pour Ajaccio) ou du pays "
        "(99350 pour le Maroc).",
        widget=forms.TextInput(attrs={"data-cog": "1", "autocomplete": "off"}),
    )
    nom_utilise = forms.CharField(label="Nom utilisé", max_length=100, required=False)
    prenom_utilise = forms.CharField(label="Prénom utilisé", max_length=100, required=False)
    telephone = forms.CharField(label="Téléphone", max_length=20, required=False)
    email = forms.EmailField(label="Courriel", required=False)
    adresse = forms.CharField(label="Adresse", max_length=300, required=False)
    code_postal = forms.RegexField(
        label="Code postal",
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": "Le code postal comporte 5 chiffres."},
    )
    commune = forms.CharField(label="Commune", max_length=100, required=False)

    def clean_lieu_naissance_code(self) -> str:
        value = self.cleaned_data.get("lieu_naissance_code") or ""
        return cog_validate(value) if value else ""

    def clean_date_naissance(self) -> datetime.date:
        value = self.cleaned_data["date_naissance"]
        if value > timezone.localdate():
            raise ValidationError("La date de naissance ne peut pas être dans le futur.")
        return value


class IdentiteModificationForm(IdentiteForm):
    is_douteuse = forms.BooleanField(label="Identité douteuse", required=False)
    is_fictive = forms.BooleanField(label="Identité fictive", required=False)
    is_homonyme = forms.BooleanField(label="Homonymie signalée", required=False)
    photo = forms.FileField(
        label="Photo (JPEG ou PNG, 2 Mo au plus)",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if not photo or not hasattr(photo, "read"):
            return photo
        if photo.size > 2 * 1024 * 1024:
            raise ValidationError("La photo dépasse 2 Mo.")
        head = photo.read(8)
        photo.seek(0)
        if not (head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG\r\n\x1a\n")):
            raise ValidationError("La photo doit être une image JPEG ou PNG.")
        return photo


class SejourForm(forms.Form):
    etablissement = forms.ModelChoiceField(
        label="Établissement", queryset=Etablissement.objects.none()
    )
    unite = forms.ModelChoiceField(label="Unité", queryset=Unite.objects.none(), required=False)
    mode_accueil = forms.ChoiceField(label="Mode d'accueil", choices=ModeAccueil.choices)
    date_entree = _date("Date d'entrée")
    mode_entree = forms.ChoiceField(
        label="Mode d'entrée", choices=[("", "—"), *ModeEntree.choices], required=False
    )
    date_sortie_prevue = _date("Date de sortie prévue", required=False)
    origine_demande = forms.CharField(label="Origine de la demande", max_length=200, required=False)

    def __init__(self, *args: Any, etablissements: Any, unites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["etablissement"].queryset = etablissements  # type: ignore[attr-defined]
        self.fields["unite"].queryset = unites  # type: ignore[attr-defined]
        self.fields["unite"].label_from_instance = (  # type: ignore[attr-defined]
            lambda unite: f"{unite.etablissement.nom} — {unite.nom}"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unite, etablissement = data.get("unite"), data.get("etablissement")
        if (
            unite is not None
            and etablissement is not None
            and unite.etablissement_id != etablissement.pk
        ):
            self.add_error("unite", "Cette unité n'appartient pas à l'établissement choisi.")
        return data


class SortieForm(forms.Form):
    date_sortie = _date("Date de sortie")
    mode_sortie = forms.ChoiceField(label="Mode de sortie", choices=ModeSortie.choices)
    motif_sortie = forms.ChoiceField(
        label="Motif de sortie", choices=[("", "—"), *MotifSortie.choices], required=False
    )


class JustificatifForm(forms.Form):
    type = forms.ChoiceField(label="Pièce présentée", choices=TypeJustificatif.choices)
    numero = forms.CharField(
        label="Numéro du document",
        max_length=40,
        required=False,
        help_text="Conservé chiffré ; seuls les 4 derniers caractères sont affichés.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    date_expiration = _date("Date d'expiration", required=False)
    carte_vitale_photo = forms.BooleanField(
        label="Carte Vitale avec photo présentée (admission en EHPAD)", required=False
    )
    valider = forms.BooleanField(
        label="J'ai comparé le document à la personne et aux traits saisis : valider l'identité",
        required=False,
        initial=True,
    )


class InsiVitaleForm(forms.Form):
    nir_ouvrant_droit = forms.CharField(
        label="NIR inscrit sur la carte Vitale",
        max_length=21,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_nir_ouvrant_droit(self) -> str:
        from .identifiants import OID_INS_NIR, matricule_ins_validate

        return matricule_ins_validate(self.cleaned_data["nir_ouvrant_droit"], OID_INS_NIR)


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = [
            "nom",
            "prenom",
            "lien",
            "is_personne_confiance",
            "personne_confiance_designee_le",
            "is_a_prevenir",
            "is_aidant",
            "is_autorite_parentale",
            "telephone",
            "email",
            "adresse",
            "ordre_appel",
            "commentaire",
        ]
        widgets = {
            "personne_confiance_designee_le": DATE_WIDGET,
            "commentaire": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lien"].choices = Lien.choices  # type: ignore[attr-defined]


class MesureForm(forms.Form):
    type = forms.ChoiceField(label="Mesure", choices=TypeMesure.choices)
    portee = forms.ChoiceField(label="Portée", choices=PorteeMesure.choices)
    mandataire_nom = forms.CharField(label="Mandataire (nom ou organisme)", max_length=200)
    mandataire_type = forms.ChoiceField(label="Type de mandataire", choices=TypeMandataire.choices)
    mandataire_contact = forms.ModelChoiceField(
        label="Le mandataire fait partie de l'entourage",
        queryset=Contact.objects.none(),
        required=False,
    )
    mandataire_telephone = forms.CharField(
        label="Téléphone du mandataire", max_length=20, required=False
    )
    tribunal = forms.CharField(label="Tribunal judiciaire", max_length=200, required=False)
    date_jugement = _date("Date du jugement", required=False)
    date_debut = _date("Début de la mesure")
    date_fin = _date(
        "Échéance de la mesure",
        required=False,
        help_text="Obligatoire pour une mesure judiciaire (fixée par le juge).",
    )
    commentaire = forms.CharField(
        label="Commentaire", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, contacts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mandataire_contact"].queryset = contacts  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    numero = forms.CharField(label="Numéro de la décision", max_length=60)
    mdph = forms.CharField(label="MDPH", max_length=100)
    date_decision = _date("Date de la décision")
    date_debut = _date("Ouverture du droit")
    date_fin = _date("Échéance du droit")
    type_orientation = forms.ChoiceField(label="Orientation", choices=TypeOrientation.choices)
    mode_accueil = forms.ChoiceField(
        label="Mode d'accueil", choices=[("", "—"), *ModeAccueil.choices], required=False
    )
    is_creton = forms.BooleanField(label="Amendement Creton", required=False)
    commentaire = forms.CharField(
        label="Commentaire", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class EvaluationForm(forms.Form):
    date_evaluation = _date("Date de l'évaluation")
    gir = forms.TypedChoiceField(
        label="GIR", choices=[(n, f"GIR {n}") for n in range(1, 7)], coerce=int
    )
    commentaire = forms.CharField(
        label="Commentaire", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class FusionForm(forms.Form):
    doublon = forms.CharField(
        label="N° de dossier du doublon",
        max_length=30,
        help_text="Le dossier doublon est rattaché à celui-ci ; tout son historique est conservé.",
    )
    motif = forms.CharField(
        label="Pourquoi s'agit-il de la même personne ?", widget=forms.Textarea(attrs={"rows": 3})
    )
    confirmation = forms.BooleanField(
        label="Je confirme que les deux dossiers concernent la même personne."
    )
