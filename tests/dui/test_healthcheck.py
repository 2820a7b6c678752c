"""The web container's health probe (dui/healthcheck.py) passes production's host and HTTPS
rules, as docker-compose.yml runs it."""

from pathlib import Path

import pytest
import yaml
from django.test import override_settings

from dui.healthcheck import probe_headers
from dui.management.commands.run_demo import ACCESS_LOG_FORMAT

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "ALLOWED_HOSTS": ["dui.example.org"],
    "SECURE_SSL_REDIRECT": True,
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
}


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_the_probe_behind_the_proxy():
    compose = _compose()
    assert compose["services"]["web"]["healthcheck"]["test"] == [
        "CMD",
        "python",
        "-m",
        "dui.healthcheck",
    ]
    assert compose["services"]["web"]["environment"]["BEHIND_PROXY"] == "true"


@pytest.mark.django_db
@override_settings(**PRODUCTION)
def test_the_probe_gets_200_from_production_settings(client):
    headers = probe_headers(
        {"ALLOWED_HOSTS": "dui.example.org,.example.org", "BEHIND_PROXY": "true"}
    )
    assert headers == {"Host": "dui.example.org", "X-Forwarded-Proto": "https"}
    assert client.get("/sante/", headers=headers).status_code == 200


@pytest.mark.django_db
@override_settings(**PRODUCTION)
def test_a_bare_request_would_never_be_healthy(client):
    assert client.get("/sante/").status_code == 400  # unknown host
    assert client.get("/sante/", headers={"Host": "dui.example.org"}).status_code == 301


def test_probe_host_of_wildcards():
    assert probe_headers({"ALLOWED_HOSTS": ".example.org"}) == {"Host": "example.org"}
    assert probe_headers({"ALLOWED_HOSTS": "*"}) == {"Host": "localhost"}


def test_access_logs_carry_the_path_without_the_query_string():
    command = _compose()["services"]["web"]["command"]
    log_format = command[command.index("--access-logformat") + 1]
    assert log_format == ACCESS_LOG_FORMAT
    assert "%(U)s" in log_format and "%(r)s" not in log_format and "%(q)s" not in log_format


def test_the_image_installs_every_runtime_dependency_with_the_lock():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir -c requirements.lock ." in dockerfile
    assert "libpangoft2-1.0-0" in dockerfile  # WeasyPrint
