"""Fixtures of the daily-support tests, on top of the personas of tests/conftest.py.

`resident` (tests/conftest.py) stays in unit A of the EHPAD: the unit of `educateur` and
`infirmier`; `medecin` and `chef_service` work in the whole EHPAD."""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import RequestFactory

from dui import celery_app
from tests.factories import SejourFactory


@pytest.fixture
def celery_eager() -> Iterator[None]:
    """Run tasks in-process (the worker test of tests/dui covers the real path)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def enfant(world: Any) -> Any:
    """A child of the IME (Les Colibris, externat)."""
    return SejourFactory(
        unite=world.unite_ime,
        mode_accueil="externat",
        date_entree=datetime.date(2024, 9, 2),
        usager__date_naissance=datetime.date(2014, 3, 8),
    ).usager


@pytest.fixture
def request_of() -> Any:
    """A request of a user, for services that record the client in the audit."""

    def make(user: Any) -> Any:
        request = RequestFactory().get("/", HTTP_USER_AGENT="Tablette")
        request.user = user
        return request

    return make
