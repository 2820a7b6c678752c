"""Settings for the test suite: the real settings, fed the test environment.

Tests run against PostgreSQL (DATABASE_URL) and Redis (REDIS_URL), never SQLite.
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dui")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("CELERY_BROKER_URL", os.environ["REDIS_URL"])
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("SECURE_HTTPS", "false")
# Two fixed test keys: "t1" (old) and "t2" (active), so rotation can be exercised.
os.environ.setdefault(
    "DUI_ENCRYPTION_KEYS",
    "t1:dGVzdC1rZXktb25lLTAxMjM0NTY3ODlhYmNkZWYwMTI=,t2:dGVzdC1rZXktdHdvLTAxMjM0NTY3ODlhYmNkZWYwMTI=",
)
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from dui.settings import *  # noqa: F403

# Fast hashing in tests only; production keeps Django's PBKDF2 default.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise expects it
# One test database per run, so parallel runs on one machine (several developers or agents,
# a benchmark) never drop each other's database. pytest-django removes it at the end.
DATABASES["default"]["TEST"] = {  # noqa: F405
    "NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"  # noqa: F405
}
