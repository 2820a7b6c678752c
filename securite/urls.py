"""Login, second factor, the account's security page, password reset, Pro Santé Connect.

Routes marked `open_before_second_factor` are reachable by an account that has passed only
its password (SecondFactorRequiredMiddleware); every other route needs both factors."""

from django.contrib.auth.decorators import login_required
from django.urls import path

from .authentification import views
from .authentification.middleware import verification_exempt as open_before_second_factor

app_name = "securite"

urlpatterns = [
    # Login: password, then second factor (or its mandatory enrolment).
    path("connexion/", open_before_second_factor(views.LoginView.as_view()), name="login"),
    path(
        "connexion/verification/",
        open_before_second_factor(views.verification),
        name="verification",
    ),
    path(
        "connexion/verification/cle/options/",
        open_before_second_factor(views.passkey_authentication_options),
        name="cle-connexion-options",
    ),
    path(
        "connexion/verification/cle/",
        open_before_second_factor(views.passkey_authentication),
        name="cle-connexion",
    ),
    path(
        "connexion/second-facteur/",
        open_before_second_factor(views.enrolment),
        name="enrolement",
    ),
    path(
        "connexion/second-facteur/cle/options/",
        open_before_second_factor(views.passkey_registration_options),
        name="cle-enregistrement-options",
    ),
    path(
        "connexion/second-facteur/cle/",
        open_before_second_factor(views.passkey_registration),
        name="cle-enregistrement",
    ),
    path("connexion/psc/", open_before_second_factor(views.psc_login), name="psc"),
    path("connexion/psc/retour/", open_before_second_factor(views.psc_callback), name="psc-retour"),
    path("deconnexion/", open_before_second_factor(views.LogoutView.as_view()), name="logout"),
    # Password reset by e-mail (single-use link).
    path(
        "mot-de-passe-oublie/",
        open_before_second_factor(views.PasswordResetView.as_view()),
        name="mot-de-passe-oublie",
    ),
    path(
        "mot-de-passe-oublie/envoye/",
        open_before_second_factor(views.PasswordResetDoneView.as_view()),
        name="mot-de-passe-envoye",
    ),
    path(
        "mot-de-passe-oublie/<uidb64>/<token>/",
        open_before_second_factor(views.PasswordResetConfirmView.as_view()),
        name="mot-de-passe-nouveau",
    ),
    path(
        "mot-de-passe-oublie/termine/",
        open_before_second_factor(views.PasswordResetCompleteView.as_view()),
        name="mot-de-passe-termine",
    ),
    # The account's security page (both factors passed).
    path("compte/securite/", login_required(views.compte), name="compte"),
    path(
        "compte/codes-de-secours/",
        login_required(views.recovery_codes),
        name="codes-de-secours",
    ),
    path(
        "compte/facteurs/<str:kind>/<int:pk>/retirer/",
        login_required(views.device_remove),
        name="facteur-retirer",
    ),
    path(
        "compte/mot-de-passe/",
        login_required(views.PasswordChangeView.as_view()),
        name="mot-de-passe-changer",
    ),
    path(
        "compte/deconnexion-partout/",
        login_required(views.logout_everywhere),
        name="deconnexion-partout",
    ),
]
