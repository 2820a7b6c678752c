from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError

from .models import CategorieEtablissement, ModeAccueil
from .validators import finess_validate


def add_service_errors(
    form: forms.BaseForm, error: ValidationError, field_of: Mapping[str, str] | None = None
) -> None:
    """A service's refusal shown on the form: each message under its field (renamed through
    `field_of` when the form calls it otherwise), the rest at the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        target = (field_of or {}).get(name, name)
        form.add_error(target if target in form.fields else None, messages)


class EtablissementForm(forms.Form):
    nom = forms.CharField(label="Nom de l'établissement", max_length=200)
    finess = forms.CharField(
        label="Numéro FINESS géographique",
        max_length=11,
        help_text="9 caractères, par exemple 750712184 (2A ou 2B en tête pour la Corse).",
    )
    categorie = forms.ChoiceField(label="Catégorie", choices=CategorieEtablissement.choices)
    adresse = forms.CharField(label="Adresse", max_length=300, required=False)
    code_postal = forms.RegexField(
        label="Code postal",
        regex=r"^\d{5}$",
        required=False,
        error_messages={"invalid": "Le code postal comporte 5 chiffres."},
    )
    commune = forms.CharField(label="Commune", max_length=100, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for mode, label in ModeAccueil.choices:
            self.fields[f"places_{mode}"] = forms.IntegerField(
                label=f"Places autorisées : {label.lower()}",
                min_value=0,
                max_value=10000,
                required=False,
            )

    def clean_finess(self) -> str:
        return finess_validate(self.cleaned_data["finess"])

    def capacites(self) -> dict[str, int]:
        return {
            mode: self.cleaned_data[f"places_{mode}"]
            for mode in ModeAccueil.values
            if self.cleaned_data.get(f"places_{mode}")
        }
