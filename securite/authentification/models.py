"""Authentication records: passkeys and Pro Santé Connect as second-factor devices, login
throttles, the login journal, and the index of each account's open sessions.

TOTP applications and recovery codes are django-otp's own models (otp_totp, otp_static).
"""

from django.conf import settings
from django.db import models
from django_otp.models import Device, TimestampMixin


class PasskeyDevice(TimestampMixin, Device):
    """A WebAuthn credential (passkey or security key) of an account.

    A django-otp device, so a session it verified is `is_verified()` like one verified by a
    TOTP code; it never verifies a typed token (see `passkeys.py`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="compte",
    )
    credential_id = models.CharField("identifiant de la clé", max_length=1400, unique=True)
    public_key = models.BinaryField("clé publique")
    sign_count = models.PositiveBigIntegerField("compteur de signatures", default=0)
    transports = models.JSONField("transports", default=list, blank=True)

    class Meta(Device.Meta):
        verbose_name = "clé d'accès (WebAuthn)"
        verbose_name_plural = "clés d'accès (WebAuthn)"


class ProSanteConnectDevice(TimestampMixin, Device):
    """The link of an account with Pro Santé Connect. A login through PSC (e-CPS, itself two
    factors) verifies the session with this device; it never verifies a typed token."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="pro_sante_connect_device",
        verbose_name="compte",
    )
    subject = models.CharField("identifiant national (SubjectNameID)", max_length=64)

    class Meta(Device.Meta):
        verbose_name = "liaison Pro Santé Connect"
        verbose_name_plural = "liaisons Pro Santé Connect"


class ThrottleScope(models.TextChoices):
    ACCOUNT = "compte", "Identifiant"
    IP = "adresse", "Adresse IP"


class LoginThrottle(models.Model):
    """Failed logins of one username or one IP address, and the lock they caused.

    The username is stored as a keyed hash: a password typed in the username field never
    lands in the database."""

    scope = models.CharField("portée", max_length=10, choices=ThrottleScope.choices)
    key = models.CharField("clé", max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="compte",
    )
    failures = models.PositiveIntegerField("échecs depuis le dernier verrouillage", default=0)
    level = models.PositiveSmallIntegerField("verrouillages", default=0)
    locked_until = models.DateTimeField("verrouillé jusqu'à", null=True, blank=True)
    last_failure_at = models.DateTimeField("dernier échec")

    class Meta:
        verbose_name = "verrou de connexion"
        verbose_name_plural = "verrous de connexion"
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="login_throttle_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} : {self.failures} échec(s), niveau {self.level}"


class LoginEventKind(models.TextChoices):
    LOGIN = "connexion", "Connexion réussie"
    PASSWORD_FAILURE = "echec_mot_de_passe", "Échec du mot de passe"
    SECOND_FACTOR_FAILURE = "echec_second_facteur", "Échec du second facteur"
    LOCK = "verrouillage", "Verrouillage"
    REFUSED_LOCKED = "refus_verrouille", "Tentative refusée (verrouillé)"
    RECOVERY_CODE_USED = "code_secours", "Code de secours utilisé"
    DEVICE_ADDED = "facteur_ajoute", "Second facteur ajouté"
    DEVICE_REMOVED = "facteur_retire", "Second facteur retiré"
    PSC_REFUSED = "psc_refus", "Pro Santé Connect refusé"
    LOGOUT_EVERYWHERE = "deconnexion_partout", "Déconnexion de toutes les sessions"
    SESSION_EXPIRED = "session_expiree", "Session expirée"
    PASSWORD_CHANGED = "mot_de_passe_change", "Mot de passe changé"


class LoginEvent(models.Model):
    """The login journal: every success, failure, lock and refusal, with the address.
    Never a password, never a code."""

    created_at = models.DateTimeField("date et heure", auto_now_add=True, db_index=True)
    kind = models.CharField("événement", max_length=30, choices=LoginEventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="compte",
    )
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    detail = models.CharField("détail", max_length=200, blank=True)

    class Meta:
        verbose_name = "événement de connexion"
        verbose_name_plural = "journal des connexions"
        ordering = ["-id"]
        indexes = [models.Index(fields=["user", "created_at"], name="login_event_user_date")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} le {self.created_at:%d/%m/%Y %H:%M}"


class UserSession(models.Model):
    """One open session of an account: lets "log out everywhere" find and end them all."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="open_sessions",
        verbose_name="compte",
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField("ouverte le", auto_now_add=True)
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    user_agent = models.CharField("navigateur", max_length=300, blank=True)

    class Meta:
        verbose_name = "session ouverte"
        verbose_name_plural = "sessions ouvertes"

    def __str__(self) -> str:
        return f"Session ouverte le {self.created_at:%d/%m/%Y %H:%M}"
