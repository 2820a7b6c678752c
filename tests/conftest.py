"""Personas shared by the whole suite.

An organisme with two establishments: an EHPAD (units A and B) and an IME. Each persona is a
logged-in-able account; `client_for(persona)` gives a Django test client logged in as it.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from dui.models import Etablissement, Organisme, Unite
from securite.authentification.testing import client_verify
from securite.models import TypeCompte, Utilisateur

from .factories import (
    CapaciteFactory,
    EtablissementFactory,
    OrganismeFactory,
    ProfessionnelFactory,
    UniteFactory,
    UtilisateurFactory,
)


@dataclass
class World:
    organisme: Organisme
    ehpad: Etablissement
    unite_a: Unite
    unite_b: Unite
    ime: Etablissement
    unite_ime: Unite
    autre_organisme: Organisme
    autre_etablissement: Etablissement


@pytest.fixture(scope="session", autouse=True)
def _test_database_released(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """At the end of the run, close the sessions that worker processes and server threads of
    the tests may still hold on the test database, so that it is dropped, not left behind."""
    yield
    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    name = settings.DATABASES["default"]["TEST"]["NAME"]
    with django_db_blocker.unblock():
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )


@pytest.fixture
def world(db: None) -> World:
    organisme = OrganismeFactory(nom="Association Les Tilleuls")
    ehpad = EtablissementFactory(organisme=organisme, nom="EHPAD Les Tilleuls", categorie="500")
    CapaciteFactory(etablissement=ehpad, places=80)
    ime = EtablissementFactory(organisme=organisme, nom="IME Les Peupliers", categorie="183")
    CapaciteFactory(etablissement=ime, mode_accueil="externat", places=60)
    autre = OrganismeFactory(nom="Autre association")
    return World(
        organisme=organisme,
        ehpad=ehpad,
        unite_a=UniteFactory(etablissement=ehpad, nom="Unité A"),
        unite_b=UniteFactory(etablissement=ehpad, nom="Unité B"),
        ime=ime,
        unite_ime=UniteFactory(etablissement=ime, nom="Les Colibris"),
        autre_organisme=autre,
        autre_etablissement=EtablissementFactory(organisme=autre, nom="EHPAD d'ailleurs"),
    )


def _pro(
    world: World, profession: str, *, etablissements=(), unites=(), organisme=None
) -> Utilisateur:
    user = UtilisateurFactory(organisme=organisme or world.organisme, username=profession)
    ProfessionnelFactory(
        utilisateur=user,
        profession=profession,
        etablissements=list(etablissements),
        unites=list(unites),
    )
    return user


@pytest.fixture
def educateur(world: World) -> Utilisateur:
    """Educator of unit A of the EHPAD."""
    return _pro(world, "educateur", unites=[world.unite_a])


@pytest.fixture
def infirmier(world: World) -> Utilisateur:
    """Nurse of unit A of the EHPAD."""
    return _pro(world, "infirmier", unites=[world.unite_a])


@pytest.fixture
def medecin(world: World) -> Utilisateur:
    """Doctor of the whole EHPAD."""
    return _pro(world, "medecin", etablissements=[world.ehpad])


@pytest.fixture
def chef_service(world: World) -> Utilisateur:
    """Head of service of the EHPAD."""
    return _pro(world, "chef_service", etablissements=[world.ehpad])


@pytest.fixture
def directeur(world: World) -> Utilisateur:
    """Director of the organisme (every establishment)."""
    return _pro(world, "directeur")


@pytest.fixture
def secretaire(world: World) -> Utilisateur:
    """Secretary of the EHPAD."""
    return _pro(world, "secretaire", etablissements=[world.ehpad])


@pytest.fixture
def educateur_ime(world: World) -> Utilisateur:
    """Educator of the IME: same organisme, another establishment."""
    user = UtilisateurFactory(organisme=world.organisme, username="educateur_ime")
    ProfessionnelFactory(utilisateur=user, profession="educateur", unites=[world.unite_ime])
    return user


@pytest.fixture
def educateur_ailleurs(world: World) -> Utilisateur:
    """Educator of another organisme's establishment."""
    user = UtilisateurFactory(organisme=world.autre_organisme, username="educateur_ailleurs")
    ProfessionnelFactory(
        utilisateur=user, profession="educateur", etablissements=[world.autre_etablissement]
    )
    return user


@pytest.fixture
def famille(world: World) -> Utilisateur:
    """A relative of a resident."""
    return UtilisateurFactory(
        organisme=world.organisme, username="famille", type_compte=TypeCompte.FAMILLE
    )


@pytest.fixture
def admin_technique(world: World) -> Utilisateur:
    """Technical administrator of the organisme."""
    return UtilisateurFactory(
        organisme=world.organisme, username="admin", type_compte=TypeCompte.TECHNIQUE, is_staff=True
    )


@pytest.fixture
def client_for() -> Callable[[Utilisateur], Client]:
    """A client logged in as the persona, past both factors (password and second factor)."""

    def make(user: Utilisateur) -> Client:
        return client_verify(Client(), user)

    return make


# ---------------------------------------------------------------------------------------------
# Usager record: the local INSi test peer
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def insi_peer(settings):  # type: ignore[no-untyped-def]
    """A real INSi SOAP peer on 127.0.0.1 (free port), and the settings pointing at it."""
    from interop.targets.insi.peer import InsiTestPeer

    with InsiTestPeer() as peer:
        settings.INSI_ENDPOINT = peer.url
        yield peer


# ---------------------------------------------------------------------------------------------
# Support plan (usagers/projet): see tests/projet/conftest.py for the plan builders.
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def resident(world: World):  # type: ignore[no-untyped-def]
    """A person staying in unit A of the EHPAD since 2024 (educateur's and infirmier's unit)."""
    import datetime

    from .factories import SejourFactory

    return SejourFactory(unite=world.unite_a, date_entree=datetime.date(2024, 1, 15)).usager
