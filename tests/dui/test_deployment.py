"""Deployment files: compose shape and `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "PATH": os.environ["PATH"],
    "DJANGO_SETTINGS_MODULE": "dui.settings",
    "SECRET_KEY": "k" * 20 + "a-long-production-like-secret-key-9f8e7d6c5b4a",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/dui",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "ALLOWED_HOSTS": "dui.example.org",
    "DUI_ENCRYPTION_KEYS": "k1:dGVzdC1rZXktb25lLTAxMjM0NTY3ODlhYmNkZWYwMTI=",
}


def _check_deploy(extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**PRODUCTION_ENV, **extra},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _check_deploy({})
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_refuses_the_demo_mode():
    result = _check_deploy({"DUI_DEMO_MODE": "true"})
    assert result.returncode != 0
    assert "dui.E001" in result.stderr


def test_check_deploy_requires_encryption_keys():
    result = _check_deploy({"DUI_ENCRYPTION_KEYS": ""})
    assert "dui.E005" in result.stderr


def test_check_deploy_refuses_sqlite():
    result = _check_deploy({"DATABASE_URL": "sqlite:////tmp/dui-check.sqlite3"})
    assert "dui.E004" in result.stderr


def test_settings_refuse_to_start_without_secret_key_outside_debug():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_compose_file_has_the_production_services_with_health_checks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("postgres", "redis", "web", "worker"):
        assert services[name]["healthcheck"]["test"], name
    assert "pgdata" in compose["volumes"] and "redisdata" in compose["volumes"]
    assert any("pgdata:" in v for v in services["postgres"]["volumes"])
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["CELERY_BROKER_URL"].startswith("redis://")
        assert "SECRET_KEY" not in env, "secrets come from a file, not the compose file"
        assert env["SECRET_KEY_FILE"].startswith("/run/secrets/")
        assert env["DUI_ENCRYPTION_KEYS_FILE"].startswith("/run/secrets/")
    assert "gunicorn" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "dui", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "dui", "beat"]
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
