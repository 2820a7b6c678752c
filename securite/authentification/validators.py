"""Password rule of the PGSSI-S for administrators: a longer minimum length."""

from typing import Any

from django.core.exceptions import ValidationError


def is_administrator(user: Any) -> bool:
    """Technical administrators, staff and superusers hold the keys of every record."""
    return bool(
        getattr(user, "type_compte", "") == "technique"
        or getattr(user, "is_staff", False)
        or getattr(user, "is_superuser", False)
    )


class AdministratorMinimumLengthValidator:
    """At least `min_length` characters (default 16) for an administrator's password; other
    accounts follow Django's MinimumLengthValidator (12)."""

    def __init__(self, min_length: int = 16) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or not is_administrator(user):
            return
        if len(password) < self.min_length:
            raise ValidationError(
                "Un compte d'administration exige un mot de passe d'au moins "
                "%(min_length)d caractères (une phrase de passe convient).",
                code="password_too_short_administrator",
                params={"min_length": self.min_length},
            )

    def get_help_text(self) -> str:
        return (
            f"Pour un compte d'administration, au moins {self.min_length} caractères "
            "(une phrase de passe convient)."
        )
