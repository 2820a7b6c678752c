"""Check rules of the national identifiers used by the organisation model.

Each function returns the normalised value or raises ValidationError with a French message.
"""

import re

from django.core.exceptions import ValidationError


def luhn_is_valid(digits: str) -> bool:
    """Luhn (mod 10) check over a string of digits, key included as the last digit."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


_FINESS_RE = re.compile(r"^(\d{2}|2A|2B)\d{7}$")


def finess_validate(value: str) -> str:
    """A FINESS number: 9 characters, département first (2A/2B in Corsica), Luhn key last.

    Reference: FINESS nomenclature (DREES), "structure du numéro FINESS": two characters of
    département, six of order number, one Luhn key. For Corsica the letters are counted
    as 0 in the key (2A and 2B compute like "20").
    """
    normalised = (value or "").replace(" ", "").upper()
    if len(normalised) != 9:
        raise ValidationError(
            "Le numéro FINESS doit comporter 9 caractères (%(longueur)s saisis).",
            code="finess_longueur",
            params={"longueur": len(normalised)},
        )
    if not _FINESS_RE.match(normalised):
        raise ValidationError(
            "Le numéro FINESS ne contient que des chiffres, sauf 2A ou 2B en tête pour la Corse.",
            code="finess_format",
        )
    if normalised.startswith("00"):
        raise ValidationError("Le département « 00 » n'existe pas.", code="finess_departement")
    digits = normalised.replace("2A", "20", 1).replace("2B", "20", 1)
    if not luhn_is_valid(digits):
        raise ValidationError(
            "La clé de contrôle du numéro FINESS est incorrecte : vérifiez la saisie.",
            code="finess_cle",
        )
    return normalised


def rpps_validate(value: str) -> str:
    """An RPPS number: 11 digits, Luhn key last (ANS, Répertoire partagé des professionnels)."""
    normalised = (value or "").replace(" ", "")
    if not re.fullmatch(r"\d{11}", normalised):
        raise ValidationError("Le numéro RPPS comporte exactement 11 chiffres.", code="rpps_format")
    if not luhn_is_valid(normalised):
        raise ValidationError(
            "La clé de contrôle du numéro RPPS est incorrecte : vérifiez la saisie.",
            code="rpps_cle",
        )
    return normalised


def adeli_validate(value: str) -> str:
    """An ADELI number: 9 characters (département, profession, order number, key)."""
    normalised = (value or "").replace(" ", "").upper()
    if not re.fullmatch(r"(\d{2}|2A|2B)\d{7}", normalised):
        raise ValidationError(
            "Le numéro ADELI comporte 9 caractères : des chiffres, 2A ou 2B en tête pour la Corse.",
            code="adeli_format",
        )
    return normalised


# Model-field validators return None (Django's contract); the functions above also normalise.
def finess_validator(value: str) -> None:
    finess_validate(value)


def rpps_validator(value: str) -> None:
    rpps_validate(value)


def adeli_validator(value: str) -> None:
    adeli_validate(value)
