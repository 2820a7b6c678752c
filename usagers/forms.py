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
    ETAT_DLU,
    Appareillage,
    Contact,
    Lien,
    ModeEntree,
    ModeSortie,
    MotifSortie,
    PorteeMesure,
    PrecisionDate,
    Sexe,
    StatutEtablissementSante,
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


# ---------------------------------------------------------------------------------------------
# Emergency liaison file (DLU)
# ---------------------------------------------------------------------------------------------
OUI, NON = "oui", "non"


def _oui_non(label: str, help_text: str = "") -> forms.TypedChoiceField:
    """A yes / no / unknown answer: unknown stays None (the DLU says "non renseigné")."""
    return forms.TypedChoiceField(
        label=label,
        choices=[(OUI, "Oui"), (NON, "Non"), ("", "Non renseigné")],
        coerce=lambda value: value == OUI,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=help_text,
    )


def _texte(label: str, help_text: str = "Un élément par ligne.") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=help_text,
    )


def _vers_choix(value: bool | None) -> str:
    return {True: OUI, False: NON}.get(value, "")  # type: ignore[arg-type]


class DluForm(forms.Form):
    """The Dossier de liaison d'urgence, grouped as the paper form (GROUPES)."""

    medecin_traitant_nom = forms.CharField(
        label="Nom du médecin traitant", max_length=100, required=False
    )
    medecin_traitant_prenom = forms.CharField(
        label="Prénom du médecin traitant", max_length=100, required=False
    )
    medecin_traitant_rpps = forms.CharField(
        label="N° RPPS du médecin traitant",
        max_length=14,
        required=False,
        help_text="11 chiffres : nécessaire pour transmettre le DLU.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    medecin_traitant_telephone = forms.CharField(
        label="Téléphone du médecin traitant", max_length=20, required=False
    )
    etablissement_preference_nom = forms.CharField(
        label="Établissement de santé de préférence", max_length=200, required=False
    )
    etablissement_preference_finess = forms.CharField(
        label="N° FINESS de l'établissement de préférence",
        max_length=11,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    etablissement_preference_statut = forms.ChoiceField(
        label="Statut de l'établissement de préférence",
        choices=StatutEtablissementSante.choices,
        initial=StatutEtablissementSante.PUBLIC,
    )
    etablissement_preference_telephone = forms.CharField(
        label="Téléphone de l'établissement de préférence", max_length=20, required=False
    )
    allergies_medicamenteuses = _texte("Allergies médicamenteuses")
    allergies_alimentaires = _texte("Allergies alimentaires")
    autres_allergies = _texte("Autres allergies, hypersensibilités et intolérances")
    is_sans_allergie_connue = forms.BooleanField(
        label="Aucune allergie connue (vérifié)", required=False
    )
    pathologies = _texte("Pathologies en cours")
    antecedents = _texte("Antécédents médicaux et chirurgicaux")
    traitements = _texte(
        "Traitements en cours",
        "Un traitement par ligne, avec sa posologie (texte libre en attendant le module "
        "médicaments).",
    )
    soins_palliatifs = _oui_non("Soins palliatifs")
    directives_anticipees = _oui_non("Directives anticipées rédigées")
    directives_anticipees_lieu = forms.CharField(
        label="Où trouver les directives anticipées", max_length=500, required=False
    )
    bmr = _oui_non("Porteur d'une bactérie multirésistante (BMR)")
    appareillages = forms.MultipleChoiceField(
        label="Appareillages",
        choices=Appareillage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    appareillages_precisions = forms.CharField(
        label="Précisions sur les appareillages",
        max_length=1000,
        required=False,
        help_text="Par exemple : stimulateur cardiaque, oxygène, sonde urinaire.",
    )
    informations_utiles = _texte(
        "Informations utiles en urgence",
        "Communication, comportement, habitudes de vie : ce qui aide l'équipe des urgences.",
    )

    GROUPES: tuple[tuple[str, tuple[str, ...]], ...] = (
        (
            "Médecin traitant",
            (
                "medecin_traitant_nom",
                "medecin_traitant_prenom",
                "medecin_traitant_rpps",
                "medecin_traitant_telephone",
            ),
        ),
        (
            "Établissement de santé de préférence",
            (
                "etablissement_preference_nom",
                "etablissement_preference_finess",
                "etablissement_preference_statut",
                "etablissement_preference_telephone",
            ),
        ),
        (
            "Allergies et hypersensibilités",
            (
                "allergies_medicamenteuses",
                "allergies_alimentaires",
                "autres_allergies",
                "is_sans_allergie_connue",
            ),
        ),
        ("Pathologies et antécédents", ("pathologies", "antecedents")),
        ("Traitements", ("traitements",)),
        (
            "Soins palliatifs et directives anticipées",
            ("soins_palliatifs", "directives_anticipees", "directives_anticipees_lieu"),
        ),
        ("Risque infectieux", ("bmr",)),
        ("Appareillages", ("appareillages", "appareillages_precisions")),
    )
    CHAMPS_SIMPLES = (
        "medecin_traitant_nom",
        "medecin_traitant_prenom",
        "medecin_traitant_rpps",
        "medecin_traitant_telephone",
        "etablissement_preference_nom",
        "etablissement_preference_finess",
        "etablissement_preference_statut",
        "etablissement_preference_telephone",
        "allergies_medicamenteuses",
        "allergies_alimentaires",
        "autres_allergies",
        "is_sans_allergie_connue",
        "pathologies",
        "antecedents",
        "traitements",
        "directives_anticipees_lieu",
        "appareillages",
        "appareillages_precisions",
        "informations_utiles",
    )
    OUI_NON = ("soins_palliatifs", "directives_anticipees", "bmr")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One yes / no / unknown answer per item of the DLU checklist of the person's state.
        for _groupe, code, libelle in ETAT_DLU:
            self.fields[f"etat_{code}"] = _oui_non(libelle)

    @classmethod
    def initial_depuis(cls, dlu: Any) -> dict[str, Any] | None:
        """The form's initial values from a saved DLU (None: an empty form)."""
        if dlu is None:
            return None
        initial: dict[str, Any] = {name: getattr(dlu, name) for name in cls.CHAMPS_SIMPLES}
        for name in cls.OUI_NON:
            initial[name] = _vers_choix(getattr(dlu, name))
        for _groupe, code, _libelle in ETAT_DLU:
            initial[f"etat_{code}"] = _vers_choix(dlu.etat.get(code))
        return initial

    def groupes(self) -> list[tuple[str, list[Any]]]:
        """Fieldsets for the template: the groups, then the state checklist by domain."""
        out = [(titre, [self[name] for name in names]) for titre, names in self.GROUPES]
        domaines: dict[str, list[Any]] = {}
        for groupe, code, _libelle in ETAT_DLU:
            domaines.setdefault(groupe, []).append(self[f"etat_{code}"])
        out.extend(
            (f"État de la personne — {groupe.lower()}", champs)
            for groupe, champs in domaines.items()
        )
        out.append(("Vie quotidienne", [self["informations_utiles"]]))
        return out

    def donnees(self) -> dict[str, Any]:
        """The service's keyword arguments from the cleaned data."""
        data = self.cleaned_data
        out = {name: data[name] for name in (*self.CHAMPS_SIMPLES, *self.OUI_NON)}
        out["etat"] = {
            code: data[f"etat_{code}"]
            for _groupe, code, _libelle in ETAT_DLU
            if data.get(f"etat_{code}") is not None
        }
        return out
