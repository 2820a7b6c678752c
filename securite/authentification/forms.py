from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from securite.models import Utilisateur

from . import lockout
from .models import LoginEventKind

INVALID_LOGIN = "Identifiant ou mot de passe incorrect. Vérifiez la saisie (majuscules comprises)."
LOCKED = (
    "Trop de tentatives infructueuses : la connexion est suspendue jusqu'à %(heure)s. "
    "Réessayez plus tard, ou réinitialisez votre mot de passe."
)


def locked_error(until: Any) -> ValidationError:
    heure = timezone.localtime(until).strftime("%H:%M")
    return ValidationError(LOCKED, code="locked", params={"heure": heure})


class LoginForm(AuthenticationForm):
    """The password step. A locked username or address is refused before the password hash
    is computed; the messages never tell whether the account exists."""

    error_messages = {"invalid_login": INVALID_LOGIN, "inactive": INVALID_LOGIN}

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is None or not password:
            return self.cleaned_data
        until = lockout.locked_until(username=username, request=self.request)
        if until is not None:
            lockout.refusal_record(request=self.request, user=self._account(username))
            raise locked_error(until)
        self.user_cache = authenticate(self.request, username=username, password=password)
        if self.user_cache is None:
            lockout.failure_record(
                username=username,
                request=self.request,
                kind=LoginEventKind.PASSWORD_FAILURE,
                user=self._account(username),
            )
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    @staticmethod
    def _account(username: str) -> Utilisateur | None:
        """The account of a typed username, for the journal only (no hash computed)."""
        return Utilisateur.objects.filter(username=username).first()


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class PasskeyForm(forms.Form):
    """The browser's answer to a WebAuthn ceremony (filled by static/js/passkeys.js)."""

    credential = forms.CharField(widget=forms.HiddenInput, max_length=20_000)
    name = forms.CharField(label="Nom de la clé", max_length=64, required=False)
