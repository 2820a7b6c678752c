"""Settings of the DUI, read from the environment.

Every value comes from an environment variable (or a file named by `X_FILE` for secrets),
with defaults that are safe in production: DEBUG off, secure cookies, no demo accounts.
The embedded demo (`make run`) sets its own variables in the Makefile.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: str) -> int:
    return int(os.getenv(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


def envsecret(name: str, default: str = "") -> str:
    """Read a secret from `NAME`, or from the file named by `NAME_FILE` (Docker secrets)."""
    path = os.getenv(name + "_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.getenv(name, default)


BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.getenv("DUI_VAR_DIR", str(BASE_DIR / "var")))

# ---------------------------------------------------------------------------
# Core
# ---------------------------------------------------------------------------
DEBUG = envbool("DEBUG", "false")
SECRET_KEY = envsecret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY (ou SECRET_KEY_FILE) doit être défini hors mode DEBUG.")
    SECRET_KEY = "insecure-development-key-" + "x" * 40
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_NAME = os.getenv("SITE_NAME", "DUI")

# The demo switch shows demo credentials on the login page. `check --deploy` refuses it
# (see dui/checks.py), so it cannot be on in production.
DEMO_MODE = envbool("DUI_DEMO_MODE", "false")
# Baseline views used by `make bench` only.
BENCH_VIEWS = envbool("DUI_BENCH_VIEWS", "false")

INSTALLED_APPS = [
    "securite.admin_site.DuiAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "dui",
    "securite",
    "securite.authentification",
    "usagers",
    "usagers.quotidien",
    "usagers.projet",
    "interop",
    "interop.documents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Facts of the access policy asked for several times per request, kept for that request.
    "securite.cache_requete.CacheRequeteMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: an expired session is told on the login page.
    "securite.authentification.middleware.SessionLifetimeMiddleware",
    "securite.authentification.middleware.SecondFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "securite.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "dui.urls"
WSGI_APPLICATION = "dui.wsgi.application"
ASGI_APPLICATION = "dui.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dui.context_processors.site",
                "securite.context_processors.acces_exceptionnels",
            ],
        },
    },
]

# ---------------------------------------------------------------------------
# Database
# ---------------------------------------------------------------------------
# Embedded default: a SQLite file, so the product runs with no server. Tests and production
# set DATABASE_URL to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", "sqlite:///" + str(VAR_DIR / "dui.sqlite3")),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", "60"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets the web server and the Celery worker write the same file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------------------
# Accounts and sessions
# ---------------------------------------------------------------------------
AUTH_USER_MODEL = "securite.Utilisateur"
LOGIN_URL = "securite:login"
LOGIN_REDIRECT_URL = "dui:accueil"
LOGOUT_REDIRECT_URL = "securite:login"
AUTHENTICATION_BACKENDS = [
    # Django's ModelBackend, loading the professional profile with the account.
    "securite.authentification.backends.UtilisateurBackend",
    # Pro Santé Connect (e-CPS); inert until PSC_CLIENT_ID is set (section Authentication).
    "securite.authentification.pro_sante_connect.ProSanteConnectBackend",
]
# PGSSI-S (identification électronique, 2026): long passwords, passphrases welcome, no
# composition rules and no forced periodic change; 16 characters for administrators.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {
        "NAME": "securite.authentification.validators.AdministratorMinimumLengthValidator",
        "OPTIONS": {"min_length": 16},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A session ends after SESSION_IDLE_TIMEOUT seconds without a request, and in any case
# SESSION_ABSOLUTE_LIFETIME seconds after the login (securite.authentification.middleware).
SESSION_IDLE_TIMEOUT = envint("SESSION_IDLE_TIMEOUT", "1800")
SESSION_ABSOLUTE_LIFETIME = envint("SESSION_ABSOLUTE_LIFETIME", str(12 * 3600))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# ---------------------------------------------------------------------------
# Security headers (production-safe defaults; the demo and tests switch HTTPS off)
# ---------------------------------------------------------------------------
SECURE_HTTPS = envbool("SECURE_HTTPS", "true")
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS and envbool("SECURE_SSL_REDIRECT", "true")
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000") if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_PROXY", "false") else None
)
# Addresses or networks (CIDR) of the load balancers and reverse proxies in front of the
# application: only from them is X-Forwarded-For believed for the client address (lockout,
# login journal, audit). Empty: the peer address (REMOTE_ADDR) is the client.
TRUSTED_PROXIES = envlist("TRUSTED_PROXIES", "")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True

# ---------------------------------------------------------------------------
# Internationalisation
# ---------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------------------
# Static files (vendored, served by WhiteNoise; no CDN)
# ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", str(VAR_DIR / "media")))

# ---------------------------------------------------------------------------
# API
# ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Tokens for technical accounts only (securite/authentification/jetons.py); first, so
    # that a refused or missing credential answers 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "securite.authentification.jetons.JetonTechniqueAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "dui.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API du Dossier Usager Informatisé",
    "DESCRIPTION": "API REST du DUI. Authentification par session ou par jeton "
    "(en-tête `Authorization: Token …`).",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# ---------------------------------------------------------------------------
# Celery
# ---------------------------------------------------------------------------
# Embedded default: kombu's filesystem transport, a broker that needs no server. Set
# CELERY_BROKER_URL=redis://... for production and tests.
CELERY_BROKER_URL = os.getenv("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery-broker"
    for _folder in ("out", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        # Broadcast (pidbox) exchanges; kombu's default is "control" in the working directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", "3600"),
    }
# Celery's Django fixup closes the database connection before and after every task unless
# CELERY_DB_REUSE_MAX is set: a new PostgreSQL backend per delivery, the largest CPU item of
# the push benchmark (docs/benchmarks.md). Connections are kept for this many tasks, and
# dui.celery checks them around each task as Django does around a request (CONN_MAX_AGE,
# health check: a connection lost in a PostgreSQL restart is replaced at its next use).
CELERY_DB_REUSE_MAX = envint("CELERY_DB_REUSE_MAX", "1000")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# Eager mode exists for unit tests only: tests/conftest.py switches it on explicitly.
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "worker-heartbeat": {"task": "dui.tasks.worker_heartbeat", "schedule": 60.0},
    # The head of the audit chain, to the log every hour (manage.py audit_verify --ancre).
    "audit-ancre": {"task": "securite.tasks.audit_anchor", "schedule": 3600.0},
}

REDIS_URL = os.getenv("REDIS_URL", "")

# ---------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------
EMAIL_BACKEND = os.getenv("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "dui@localhost")

# ---------------------------------------------------------------------------
# Logging: no health data in logs (messages carry ids, never names or notes).
# ---------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
}

# A worker whose last heartbeat is older than this is reported late on /sante/.
WORKER_HEARTBEAT_STALE_SECONDS = envint("WORKER_HEARTBEAT_STALE_SECONDS", "180")

# ---------------------------------------------------------------------------
# Security: access policy, audit, encryption at rest
# ---------------------------------------------------------------------------
DUI_ENCRYPTION_KEYS = envsecret("DUI_ENCRYPTION_KEYS")
DUI_ENCRYPTION_ACTIVE_KEY = os.getenv("DUI_ENCRYPTION_ACTIVE_KEY", "")
# Break the glass: how long an exceptional access lasts.
BRIS_GLACE_DUREE_HEURES = envint("BRIS_GLACE_DUREE_HEURES", "4")
# Audit rows older than this are purged by `manage.py audit_purge` (0: keep forever).
AUDIT_RETENTION_JOURS = envint("AUDIT_RETENTION_JOURS", str(6 * 366))

# ---------------------------------------------------------------------------
# Interop: DMP / MSSanté
# ---------------------------------------------------------------------------
# The outbox (interop.Envoi): a delivery is queued when its business transaction commits;
# a periodic sweeper re-queues what a broker or worker failure left behind and the retries
# that fell due. See README, "Configurer le DMP et MSSanté".
INTEROP_SWEEP_SECONDS = float(os.getenv("INTEROP_SWEEP_SECONDS", "10"))
# A PENDING row queued longer ago than this is queued again (its message may be lost).
INTEROP_REQUEUE_SECONDS = float(os.getenv("INTEROP_REQUEUE_SECONDS", "300"))
# Transient failures: exponential backoff with jitter, then DEAD after this many attempts.
INTEROP_RETRY_BASE_SECONDS = float(os.getenv("INTEROP_RETRY_BASE_SECONDS", "10"))
INTEROP_RETRY_MAX_SECONDS = float(os.getenv("INTEROP_RETRY_MAX_SECONDS", "900"))
INTEROP_MAX_ATTEMPTS = envint("INTEROP_MAX_ATTEMPTS", "30")
# Root OID of this installation (submission set sourceId). Default: a UUID-derived OID.
INTEROP_OID = os.getenv("INTEROP_OID", "2.25.262515478136532604154012301306451961287")
# DMP: IHE XDS.b ITI-41 (SOAP 1.2 + MTOM) over TLS with the establishment's certificate.
DMP_ENDPOINT = os.getenv("DMP_ENDPOINT", "")
DMP_CERT_FILE = os.getenv("DMP_CERT_FILE", "")  # TLS client certificate (PEM)
DMP_KEY_FILE = os.getenv("DMP_KEY_FILE", "")
DMP_CA_FILE = os.getenv("DMP_CA_FILE", "")  # trust anchors of the DMP server (empty: system)
# Certificate that signs the VIHF assertion ("cachet" of the establishment); default: TLS one.
DMP_SIGN_CERT_FILE = os.getenv("DMP_SIGN_CERT_FILE", "") or DMP_CERT_FILE
DMP_SIGN_KEY_FILE = os.getenv("DMP_SIGN_KEY_FILE", "") or DMP_KEY_FILE
DMP_TIMEOUT = float(os.getenv("DMP_TIMEOUT", "30"))
DMP_LPS_ID = os.getenv("DMP_LPS_ID", "")
DMP_LPS_NOM = os.getenv("DMP_LPS_NOM", "DUI")
DMP_LPS_VERSION = os.getenv("DMP_LPS_VERSION", "0.1.0")
DMP_LPS_HOMOLOGATION = os.getenv("DMP_LPS_HOMOLOGATION", "")
# Secteur_Activite of the VIHF (JDV_J61, e.g. SA17 "Personnes âgées").
DMP_SECTEUR_ACTIVITE = os.getenv("DMP_SECTEUR_ACTIVITE", "SA17^1.2.250.1.71.4.2.4")
# MSSanté: SMTP (STARTTLS or implicit TLS) and IMAP with the application mailbox's certificate.
MSS_SMTP_HOST = os.getenv("MSS_SMTP_HOST", "")
MSS_SMTP_PORT = envint("MSS_SMTP_PORT", "587")
MSS_SMTP_IMPLICIT_TLS = envbool("MSS_SMTP_IMPLICIT_TLS", "false")
MSS_CERT_FILE = os.getenv("MSS_CERT_FILE", "")
MSS_KEY_FILE = os.getenv("MSS_KEY_FILE", "")
MSS_CA_FILE = os.getenv("MSS_CA_FILE", "")
MSS_EXPEDITEUR = os.getenv("MSS_EXPEDITEUR", "")  # the application mailbox (BAL applicative)
MSS_TIMEOUT = float(os.getenv("MSS_TIMEOUT", "30"))
MSS_IMAP_HOST = os.getenv("MSS_IMAP_HOST", "")
MSS_IMAP_PORT = envint("MSS_IMAP_PORT", "993")
MSS_IMAP_USER = os.getenv("MSS_IMAP_USER", "")
MSS_IMAP_PASSWORD = envsecret("MSS_IMAP_PASSWORD")
MSS_IMAP_FOLDER = os.getenv("MSS_IMAP_FOLDER", "INBOX")
MSS_IMAP_POLL_SECONDS = float(os.getenv("MSS_IMAP_POLL_SECONDS", "60"))
# Organisme (id) the application mailbox belongs to; optional with a single organisme.
MSS_IMAP_ORGANISME = os.getenv("MSS_IMAP_ORGANISME", "")
# A send holds its delivery row this long; past it, the sweeper takes the row back (the
# worker died). Longer than any transport timeout, so a live send is never taken over.
INTEROP_LEASE_SECONDS = float(
    os.getenv("INTEROP_LEASE_SECONDS", str(max(DMP_TIMEOUT, MSS_TIMEOUT) + 60))
)
CELERY_BEAT_SCHEDULE["interop-envois-relancer"] = {
    "task": "interop.tasks.envois_relancer",
    "schedule": INTEROP_SWEEP_SECONDS,
}
if MSS_IMAP_HOST:
    CELERY_BEAT_SCHEDULE["interop-mss-relever"] = {
        "task": "interop.tasks.mss_boite_relever",
        "schedule": MSS_IMAP_POLL_SECONDS,
    }

# ---------------------------------------------------------------------------
# Support plan (usagers/projet)
# ---------------------------------------------------------------------------
# Default re-evaluation period of a plan, in months, when no rule (DelaiReevaluation) applies.
PROJET_REEVALUATION_MOIS = envint("PROJET_REEVALUATION_MOIS", "12")
# A plan is listed as "to re-evaluate" this many days before its due date.
PROJET_ALERTE_JOURS = envint("PROJET_ALERTE_JOURS", "60")
# OpenAPI: the plan's review categories (TRE_R389) get their own enum name.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["CategorieBilanEnum"] = (  # type: ignore[index]
    "usagers.projet.models.CategorieBilan"
)
# Validated plans start on their start date (idempotent, hourly).
CELERY_BEAT_SCHEDULE["projets-demarrer"] = {
    "task": "usagers.projet.tasks.projets_demarrer",
    "schedule": 3600.0,
}

# ---------------------------------------------------------------------------
# Identity: INSi téléservice (usagers, interop/targets/insi)
# ---------------------------------------------------------------------------
# SOAP endpoint of the CNAM INSi service and the establishment's certificate (PEM). Empty
# endpoint: the admission wizard says INSi is not configured. `manage.py insi_peer` runs a
# local test peer for demonstrations (http://127.0.0.1:PORT/insi).
INSI_ENDPOINT = os.getenv("INSI_ENDPOINT", "")
INSI_CERT_FILE = os.getenv("INSI_CERT_FILE", "")
INSI_KEY_FILE = os.getenv("INSI_KEY_FILE", "")
INSI_CA_FILE = os.getenv("INSI_CA_FILE", "")
INSI_TIMEOUT = float(os.getenv("INSI_TIMEOUT", "15"))
# ContexteLPS of the requests: the software's agreement id (IDAM), name, version, instance.
INSI_LPS_IDAM = os.getenv("INSI_LPS_IDAM", "")
INSI_LPS_NOM = os.getenv("INSI_LPS_NOM", "DUI")
INSI_LPS_VERSION = os.getenv("INSI_LPS_VERSION", "0.1.0")
INSI_LPS_INSTANCE = os.getenv("INSI_LPS_INSTANCE", "")

# ---------------------------------------------------------------------------
# Authentication: second factor, lockout, Pro Santé Connect
# ---------------------------------------------------------------------------
# Every account passes a second factor (TOTP app, passkey or recovery code) after its
# password; token-authenticated API clients (machines) are outside this flow.
OTP_TOTP_ISSUER = SITE_NAME
# Technical administrators manage devices without ever seeing a TOTP key.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A password reset link works once (its token hashes the password) and for one hour.
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", "3600")
# Failed logins: after LOGIN_LOCK_THRESHOLD_ACCOUNT failures on one username (or
# LOGIN_LOCK_THRESHOLD_IP from one address), that username (address) is locked for the next
# delay of LOGIN_LOCK_DELAYS (seconds), then the count starts again. Counts are forgotten
# LOGIN_LOCK_MEMORY seconds after the last failure.
LOGIN_LOCK_THRESHOLD_ACCOUNT = envint("LOGIN_LOCK_THRESHOLD_ACCOUNT", "5")
LOGIN_LOCK_THRESHOLD_IP = envint("LOGIN_LOCK_THRESHOLD_IP", "30")
LOGIN_LOCK_DELAYS = [int(delay) for delay in envlist("LOGIN_LOCK_DELAYS", "60,300,900,3600")]
LOGIN_LOCK_MEMORY = envint("LOGIN_LOCK_MEMORY", str(24 * 3600))
# Login journal rows older than this many days are purged daily.
LOGIN_JOURNAL_RETENTION_JOURS = envint("LOGIN_JOURNAL_RETENTION_JOURS", "366")
CELERY_BEAT_SCHEDULE["authentification-purge"] = {
    "task": "securite.authentification.tasks.authentification_purge",
    "schedule": 24 * 3600.0,
}
# Passkeys (WebAuthn): relying party id and origin; empty means the request's host.
WEBAUTHN_RP_ID = os.getenv("WEBAUTHN_RP_ID", "")
WEBAUTHN_ORIGIN = os.getenv("WEBAUTHN_ORIGIN", "")
# Pro Santé Connect (OpenID Connect, e-CPS), enabled when PSC_CLIENT_ID is set. The provider
# is described by its discovery document (PSC_DISCOVERY_URL), each endpoint may be set
# explicitly instead. The RPPS comes in the userinfo claim PSC_RPPS_CLAIM (idNat_PS: "8"
# followed by the RPPS number).
PSC_CLIENT_ID = os.getenv("PSC_CLIENT_ID", "")
PSC_CLIENT_SECRET = envsecret("PSC_CLIENT_SECRET")
PSC_DISCOVERY_URL = os.getenv("PSC_DISCOVERY_URL", "")
PSC_ISSUER = os.getenv("PSC_ISSUER", "")
PSC_AUTHORIZATION_URL = os.getenv("PSC_AUTHORIZATION_URL", "")
PSC_TOKEN_URL = os.getenv("PSC_TOKEN_URL", "")
PSC_USERINFO_URL = os.getenv("PSC_USERINFO_URL", "")
PSC_JWKS_URL = os.getenv("PSC_JWKS_URL", "")
PSC_SCOPES = os.getenv("PSC_SCOPES", "openid scope_all")
PSC_ACR_VALUES = os.getenv("PSC_ACR_VALUES", "eidas1")
PSC_RPPS_CLAIM = os.getenv("PSC_RPPS_CLAIM", "SubjectNameID")
PSC_TOKEN_AUTH_METHOD = os.getenv("PSC_TOKEN_AUTH_METHOD", "client_secret_basic")
PSC_TIMEOUT = float(os.getenv("PSC_TIMEOUT", "10"))

# ---------------------------------------------------------------------------
# Daily support (usagers/quotidien)
# ---------------------------------------------------------------------------
# Reminders of serious adverse events (EIGS): idempotent, each step is sent once.
CELERY_BEAT_SCHEDULE["quotidien-eigs-relances"] = {
    "task": "usagers.quotidien.tasks.eigs_relancer",
    "schedule": 3600.0,
}
# One name per choice set in the OpenAPI schema.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].update(  # type: ignore[attr-defined]
    {
        "CategorieInformationEnum": "securite.models.Categorie",
        "DemiJourneeEnum": "usagers.quotidien.models.DemiJournee",
        "MotifAbsenceEnum": "usagers.quotidien.models.MotifAbsence",
    }
)
# Presence of the day (occupancy, billing days), derived just after midnight (idempotent).
CELERY_BEAT_SCHEDULE["quotidien-presences"] = {
    "task": "usagers.quotidien.tasks.presences_deriver",
    "schedule": crontab(hour=0, minute=15),
}
