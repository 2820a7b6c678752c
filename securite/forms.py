import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from .models import Categorie, Profession, RoleEquipe, TypeCompte, Utilisateur

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE_WIDGET,
        help_text=help_text,
        error_messages={
            "invalid": "Saisissez une date valide (jj/mm/aaaa).",
            "required": "Saisissez une date.",
        },
    )


class BrisDeGlaceForm(forms.Form):
    identifiant_local = forms.CharField(
        label="Identifiant du dossier",
        max_length=30,
        help_text="L'identifiant local figurant sur le dossier (par exemple U0000123).",
    )
    motif = forms.CharField(
        label="Motif de l'accès exceptionnel",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Situation qui justifie l'accès. Il sera transmis au chef de service et tracé.",
    )


class ProfessionnelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} — {obj.professionnel.get_profession_display()}"


def professionnels_organisme(organisme_id: int) -> QuerySet[Utilisateur]:
    """Active professional accounts of an organisme (the choices of the forms below)."""
    return (
        Utilisateur.objects.filter(
            organisme_id=organisme_id,
            type_compte=TypeCompte.PROFESSIONNEL,
            is_active=True,
            professionnel__isnull=False,
        )
        .select_related("professionnel")
        .order_by("last_name", "first_name", "username")
    )


class MembreEquipeForm(forms.Form):
    utilisateur = ProfessionnelChoiceField(
        label="Professionnel",
        queryset=Utilisateur.objects.none(),
        empty_label="Choisir un professionnel",
        error_messages={
            "required": "Choisissez un professionnel.",
            "invalid_choice": "Ce professionnel n'appartient pas à l'organisme.",
        },
    )
    role = forms.ChoiceField(
        label="Rôle",
        choices=RoleEquipe.choices,
        initial=RoleEquipe.INTERVENANT,
        widget=forms.RadioSelect,
        help_text="Le référent coordonne l'accompagnement ; un intervenant y participe.",
        error_messages={"required": "Choisissez le rôle."},
    )
    date_debut = _date("Début")
    date_fin = _date(
        "Fin", required=False, help_text="Laisser vide si la fin n'est pas encore connue."
    )

    def __init__(self, *args: Any, organisme_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"date_debut": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["utilisateur"].queryset = professionnels_organisme(organisme_id)  # type: ignore[attr-defined]


class MembreEquipeFinForm(forms.Form):
    date_fin = _date("Fin de l'appartenance à l'équipe")


class OppositionForm(forms.Form):
    PERSONNE = "personne"
    REPRESENTANT = "representant"
    AUTEURS = ((PERSONNE, "La personne accompagnée"), (REPRESENTANT, "Son représentant légal"))

    categorie = forms.ChoiceField(
        label="Partie du dossier",
        choices=[("", "Choisir une partie du dossier")]
        + [c for c in Categorie.choices if c[0] != Categorie.ADMINISTRATIF],
        help_text="L'identité et le séjour restent partagés : ils sont nécessaires à "
        "l'accompagnement.",
        error_messages={"required": "Choisissez la partie du dossier concernée."},
    )
    profession = forms.ChoiceField(
        label="Profession visée",
        choices=[("", "—"), *Profession.choices],
        required=False,
        help_text="Soit une profession, soit un professionnel nommé.",
    )
    utilisateur = ProfessionnelChoiceField(
        label="Ou professionnel nommé",
        queryset=Utilisateur.objects.none(),
        required=False,
        empty_label="—",
        error_messages={"invalid_choice": "Ce professionnel n'appartient pas à l'organisme."},
    )
    exprimee_par = forms.ChoiceField(
        label="Opposition exprimée par",
        choices=AUTEURS,
        initial=PERSONNE,
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez qui exprime l'opposition."},
    )
    representant = forms.CharField(
        label="Nom du représentant légal",
        max_length=150,
        required=False,
        help_text="Si l'opposition est exprimée par le représentant légal.",
    )
    date = _date("Date de l'opposition")

    def __init__(self, *args: Any, organisme_id: int, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["utilisateur"].queryset = professionnels_organisme(organisme_id)  # type: ignore[attr-defined]

    def clean_date(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise ValidationError("La date de l'opposition ne peut pas être dans le futur.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("profession")) == bool(data.get("utilisateur")):
            raise ValidationError(
                "Une opposition vise soit une profession, soit un professionnel nommé : "
                "choisissez l'un des deux."
            )
        if (
            data.get("exprimee_par") == self.REPRESENTANT
            and not (data.get("representant") or "").strip()
        ):
            self.add_error("representant", "Indiquez le nom du représentant légal.")
        return data

    def exprimee_par_libelle(self) -> str:
        """The text stored in `Opposition.exprimee_par`."""
        if self.cleaned_data["exprimee_par"] == self.REPRESENTANT:
            return f"Représentant légal : {self.cleaned_data['representant'].strip()}"
        return "La personne accompagnée"


class OppositionRetraitForm(forms.Form):
    retrait_exprime_par = forms.ChoiceField(
        label="Retrait demandé par",
        choices=OppositionForm.AUTEURS,
        widget=forms.RadioSelect,
        error_messages={"required": "Indiquez qui demande le retrait."},
    )

    def libelle(self) -> str:
        return dict(OppositionForm.AUTEURS)[self.cleaned_data["retrait_exprime_par"]]
