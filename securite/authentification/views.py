"""Pages of authentication: the password step, the second step, the enrolment of a second
factor, the account's security page, password change and reset, Pro Santé Connect.

Routes open before the second factor are marked in securite/urls.py (verification_exempt).
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from securite.access import current_user
from securite.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_totp_key

from . import lockout, passkeys, pro_sante_connect, sessions
from .forms import CodeForm, LoginForm, PasskeyForm, locked_error
from .journal import event_record
from .models import (
    LoginEvent,
    LoginEventKind,
    PasskeyDevice,
    ProSanteConnectDevice,
    UserSession,
)
from .second_factor import (
    code_verify,
    has_second_factor,
    recovery_code_display,
    recovery_codes_generate,
    recovery_codes_remaining,
    session_verify,
    totp_code_now,
    totp_device_confirm,
    totp_device_pending,
    totp_device_start,
    totp_qr_code,
    totp_secret_display,
)
from .verified import is_verified

NEW_CODES_KEY = "auth_recovery_codes_new"
AFTER_CODES_KEY = "auth_after_codes"
WRONG_CODE = (
    "Code incorrect ou déjà utilisé. Saisissez le code affiché maintenant par votre "
    "application (il change toutes les 30 secondes), ou un code de secours."
)


def _safe_next(request: HttpRequest, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def _next_url(request: HttpRequest) -> str:
    """Where the login was going (kept in the session by the password step)."""
    next_url: str = request.session.pop(sessions.NEXT_KEY, "") or resolve_url(
        settings.LOGIN_REDIRECT_URL
    )
    return next_url


def _is_demo_account(user: Any) -> bool:
    return bool(settings.DEMO_MODE) and user.get_username() in {a.username for a in DEMO_ACCOUNTS}


# ---------------------------------------------------------------------------
# Step 1: password
# ---------------------------------------------------------------------------
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "securite/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        next_url = self.get_redirect_url()
        auth_login(self.request, form.get_user())
        if next_url:
            self.request.session[sessions.NEXT_KEY] = next_url
        return HttpResponseRedirect(reverse("securite:verification"))

    def get_success_url(self) -> str:
        """For a visitor already logged in: on to the page, or to the second step."""
        if is_verified(self.request.user):
            return self.get_redirect_url() or resolve_url(settings.LOGIN_REDIRECT_URL)
        return reverse("securite:verification")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["psc_enabled"] = pro_sante_connect.is_enabled()
        if settings.DEMO_MODE:
            context["demo_accounts"] = [
                (account, totp_code_now(demo_totp_key(account.username)))
                for account in DEMO_ACCOUNTS
            ]
            context["demo_password"] = DEMO_PASSWORD
        return context


class LogoutView(auth_views.LogoutView):
    pass


# ---------------------------------------------------------------------------
# Step 2: second factor
# ---------------------------------------------------------------------------
def _verification_page(request: HttpRequest, form: Form, status: int = 200) -> HttpResponse:
    user = request.user
    context: dict[str, Any] = {
        "form": form,
        "has_totp": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "has_passkey": PasskeyDevice.objects.filter(user=user, confirmed=True).exists(),
        "passkey_form": PasskeyForm(),
    }
    if _is_demo_account(user):
        context["demo_code"] = totp_code_now(demo_totp_key(user.get_username()))
        context["demo_recovery_codes"] = list(
            StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
        )
    return render(request, "securite/verification.html", context, status=status)


@never_cache
def verification(request: HttpRequest) -> HttpResponse:
    """The second step: a code of the TOTP application, a recovery code, or a passkey."""
    user = request.user
    if not user.is_authenticated:
        return redirect("securite:login")
    if is_verified(user):
        return redirect(_next_url(request))
    if not has_second_factor(user):
        return redirect("securite:enrolement")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        until = lockout.locked_until(username=user.get_username(), request=request)
        if until is not None:
            lockout.refusal_record(request=request, user=user)
            form.add_error(None, locked_error(until))
            return _verification_page(request, form, status=429)
        device = code_verify(user, form.cleaned_data["code"])
        if device is None:
            lockout.failure_record(
                username=user.get_username(),
                request=request,
                kind=LoginEventKind.SECOND_FACTOR_FAILURE,
                user=user,
            )
            form.add_error("code", WRONG_CODE)
            return _verification_page(request, form)
        is_recovery = isinstance(device, StaticDevice)
        session_verify(
            request, device, method="code de secours" if is_recovery else "application TOTP"
        )
        if is_recovery:
            messages.warning(
                request,
                f"Code de secours utilisé : il vous en reste {recovery_codes_remaining(user)}. "
                "Vérifiez votre application d'authentification depuis « Sécurité du compte ».",
            )
        return redirect(_next_url(request))
    return _verification_page(request, form)


@require_POST
def passkey_authentication_options(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return JsonResponse({"detail": "Connexion requise."}, status=403)
    return HttpResponse(
        passkeys.authentication_options(request, user), content_type="application/json"
    )


@require_POST
def passkey_authentication(request: HttpRequest) -> HttpResponse:
    """The second step with a passkey (the form filled by static/js/passkeys.js)."""
    user = request.user
    if not user.is_authenticated:
        return redirect("securite:login")
    if is_verified(user):
        return redirect(_next_url(request))
    until = lockout.locked_until(username=user.get_username(), request=request)
    if until is not None:
        lockout.refusal_record(request=request, user=user)
        messages.error(request, locked_error(until).messages[0])
        return redirect("securite:verification")
    form = PasskeyForm(request.POST)
    try:
        if not form.is_valid():
            raise passkeys.PasskeyError("Réponse de la clé manquante : recommencez.")
        device = passkeys.authentication_verify(request, user, form.cleaned_data["credential"])
    except passkeys.PasskeyError as error:
        lockout.failure_record(
            username=user.get_username(),
            request=request,
            kind=LoginEventKind.SECOND_FACTOR_FAILURE,
            user=user,
        )
        messages.error(request, str(error))
        return redirect("securite:verification")
    session_verify(request, device, method="clé d'accès")
    return redirect(_next_url(request))


# ---------------------------------------------------------------------------
# Enrolment of a second factor (mandatory at the first login, or from the account page)
# ---------------------------------------------------------------------------
def _may_enrol(user: Any) -> bool:
    """An account that has passed only its password may enrol a factor only if it has none:
    otherwise the password alone would be enough to add a factor of one's choosing."""
    return bool(user.is_authenticated and (is_verified(user) or not has_second_factor(user)))


def _enrolment_done(request: HttpRequest, device: Any, *, method: str) -> HttpResponse:
    user = request.user
    event_record(kind=LoginEventKind.DEVICE_ADDED, request=request, user=user, detail=method)
    if is_verified(user):
        after = reverse("securite:compte")
        messages.success(request, "Second facteur ajouté.")
    else:
        # First enrolment: this factor completes the login.
        session_verify(request, device, method=method)
        after = _next_url(request)
    if recovery_codes_remaining(user) == 0:
        request.session[NEW_CODES_KEY] = recovery_codes_generate(user)
        request.session[AFTER_CODES_KEY] = after
        return redirect("securite:codes-de-secours")
    return redirect(after)


@never_cache
def enrolment(request: HttpRequest) -> HttpResponse:
    """Add a TOTP application (QR code) or a passkey."""
    user = request.user
    if not user.is_authenticated:
        return redirect("securite:login")
    if not _may_enrol(user):
        return redirect("securite:verification")
    device = totp_device_pending(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and device is not None and form.is_valid():
        if totp_device_confirm(device, form.cleaned_data["code"]):
            return _enrolment_done(request, device, method="application TOTP")
        form.add_error("code", WRONG_CODE)
    if device is None:
        device = totp_device_start(user)
    return render(
        request,
        "securite/enrolement.html",
        {
            "form": form,
            "qr_code": totp_qr_code(device),
            "secret": totp_secret_display(device),
            "is_mandatory": not is_verified(user),
            "passkey_form": PasskeyForm(),
        },
    )


@require_POST
def passkey_registration_options(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not _may_enrol(user):
        return JsonResponse({"detail": "Ajout d'un second facteur refusé."}, status=403)
    return HttpResponse(
        passkeys.registration_options(request, user), content_type="application/json"
    )


@require_POST
def passkey_registration(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return redirect("securite:login")
    if not _may_enrol(user):
        return redirect("securite:verification")
    form = PasskeyForm(request.POST)
    try:
        if not form.is_valid():
            raise passkeys.PasskeyError("Réponse de la clé manquante : recommencez.")
        device = passkeys.registration_verify(
            request, user, form.cleaned_data["credential"], form.cleaned_data["name"]
        )
    except passkeys.PasskeyError as error:
        messages.error(request, str(error))
        return redirect("securite:enrolement")
    return _enrolment_done(request, device, method="clé d'accès")


@never_cache
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shows new recovery codes once: right after the first enrolment, or after a renewal."""
    user = current_user(request)
    if request.method == "POST":
        codes = recovery_codes_generate(user)
        event_record(
            kind=LoginEventKind.DEVICE_ADDED, request=request, user=user, detail="codes de secours"
        )
        after = reverse("securite:compte")
    else:
        codes = request.session.pop(NEW_CODES_KEY, None)
        after = request.session.pop(AFTER_CODES_KEY, "") or reverse("securite:compte")
        if not codes:
            return redirect("securite:compte")
    return render(
        request,
        "securite/codes_de_secours.html",
        {"codes": [recovery_code_display(code) for code in codes], "after": after},
    )


# ---------------------------------------------------------------------------
# The account's security page
# ---------------------------------------------------------------------------
@never_cache
def compte(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    return render(
        request,
        "securite/compte.html",
        {
            "totp_devices": TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id"),
            "passkey_devices": PasskeyDevice.objects.filter(user=user).order_by("id"),
            "psc_device": ProSanteConnectDevice.objects.filter(user=user).first(),
            "recovery_remaining": recovery_codes_remaining(user),
            "open_sessions": UserSession.objects.filter(user=user).order_by("-created_at"),
            "current_session_key": request.session.session_key,
            "events": LoginEvent.objects.filter(user=user)[:10],
        },
    )


DEVICE_MODELS: dict[str, type[TOTPDevice] | type[PasskeyDevice]] = {
    "application": TOTPDevice,
    "cle": PasskeyDevice,
}


@require_POST
def device_remove(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Remove a TOTP application or a passkey; the last one cannot go."""
    user = current_user(request)
    model = DEVICE_MODELS.get(kind)
    if model is None:
        raise Http404
    device = get_object_or_404(model, pk=pk, user=user)
    remaining = [
        other
        for other in [
            *TOTPDevice.objects.filter(user=user, confirmed=True),
            *PasskeyDevice.objects.filter(user=user, confirmed=True),
        ]
        if other != device
    ]
    if not remaining:
        messages.error(
            request,
            "C'est votre seul second facteur : ajoutez-en un autre avant de le retirer.",
        )
        return redirect("securite:compte")
    if getattr(user, "otp_device", None) == device:
        # The session stays verified: it passed a factor, which is being replaced.
        otp_login(request, remaining[0])
    device.delete()
    event_record(kind=LoginEventKind.DEVICE_REMOVED, request=request, user=user, detail=device.name)
    messages.success(request, f"« {device.name} » a été retiré.")
    return redirect("securite:compte")


@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of the account, this one included."""
    user = current_user(request)
    ended = sessions.sessions_end(user)
    event_record(
        kind=LoginEventKind.LOGOUT_EVERYWHERE,
        request=request,
        user=user,
        detail=f"{ended} session(s)",
    )
    logout(request)
    messages.success(request, "Toutes vos sessions ont été fermées, sur tous les appareils.")
    return redirect("securite:login")


# ---------------------------------------------------------------------------
# Password change and reset
# ---------------------------------------------------------------------------
class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "securite/mot_de_passe_changer.html"
    success_url = reverse_lazy("securite:compte")

    def form_valid(self, form: Any) -> HttpResponse:
        old_key = self.request.session.session_key
        response = super().form_valid(form)  # keeps this session, under a new key
        user = form.user
        UserSession.objects.filter(session_key=old_key).delete()
        sessions.session_index(self.request, user)
        sessions.sessions_end(user, keep=self.request.session.session_key)
        event_record(kind=LoginEventKind.PASSWORD_CHANGED, request=self.request, user=user)
        messages.success(self.request, "Mot de passe changé. Vos autres sessions ont été fermées.")
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "securite/mot_de_passe_oublie.html"
    email_template_name = "securite/email_reinitialisation.txt"
    subject_template_name = "securite/email_reinitialisation_sujet.txt"
    success_url = reverse_lazy("securite:mot-de-passe-envoye")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "securite/mot_de_passe_envoye.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's tokens are single-use: they hash the password, which the reset changes."""

    template_name = "securite/mot_de_passe_nouveau.html"
    success_url = reverse_lazy("securite:mot-de-passe-termine")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        user = form.user
        lockout.account_unlock(user.get_username())
        sessions.sessions_end(user)
        event_record(
            kind=LoginEventKind.PASSWORD_CHANGED,
            request=self.request,
            user=user,
            detail="réinitialisation par courriel",
        )
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "securite/mot_de_passe_termine.html"


# ---------------------------------------------------------------------------
# Pro Santé Connect
# ---------------------------------------------------------------------------
def _psc_refusal(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    return render(request, "securite/psc_refus.html", {"reason": reason}, status=status)


def psc_login(request: HttpRequest) -> HttpResponse:
    if not pro_sante_connect.is_enabled():
        raise Http404
    next_url = _safe_next(request, request.GET.get("next"))
    if next_url:
        request.session[sessions.NEXT_KEY] = next_url
    try:
        return pro_sante_connect.authorization_redirect(request)
    except pro_sante_connect.ProSanteConnectError:
        return _psc_refusal(request, "indisponible", status=502)


@never_cache
def psc_callback(request: HttpRequest) -> HttpResponse:
    if not pro_sante_connect.is_enabled():
        raise Http404
    try:
        claims = pro_sante_connect.claims_fetch(request)
    except pro_sante_connect.ProSanteConnectError:
        event_record(kind=LoginEventKind.PSC_REFUSED, request=request, detail="échange refusé")
        return _psc_refusal(request, "echange", status=403)
    user = authenticate(request, psc_claims=claims)
    if user is None:
        event_record(kind=LoginEventKind.PSC_REFUSED, request=request, detail="RPPS inconnu")
        return _psc_refusal(request, "inconnu", status=403)
    next_url = request.session.get(sessions.NEXT_KEY, "")
    auth_login(request, user)
    if next_url:
        request.session[sessions.NEXT_KEY] = next_url
    device = pro_sante_connect.psc_device_link(user, claims)  # type: ignore[arg-type]
    session_verify(request, device, method="Pro Santé Connect")
    return redirect(_next_url(request))
