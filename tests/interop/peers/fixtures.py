"""Fixtures of the outbox tests: a throwaway PKI, the validation kit kept warm, the local
peers (XDS repository, SMTP and IMAP servers) and a person whose INS is qualified.
Imported by the test modules (`from tests.interop.peers.fixtures import *`)."""

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone

from interop import services
from interop.models import Cible
from tests.factories import SejourFactory, UsagerFactory
from usagers.models import IdentiteINS, MethodeRecuperation, StatutIdentite

from .documents import INS_EXEMPLE, OID_INS_TEST, cda_n1, nouvel_identifiant
from .imap import ServeurImap
from .pki import Pki, pki_creer
from .smtp import ServeurSmtp
from .validation import EXAMPLE_N1, ValidateurChaud, kit_installe
from .xds import DepotXds

__all__ = [
    "depot",
    "depot_session",
    "dmp_configure",
    "imap",
    "mss_configure",
    "pki",
    "publications",
    "smtp",
    "smtp_session",
    "usager_qualifie",
    "validateur",
]

MSS_EXPEDITEUR = "dui@ehpad-tilleuls.mssante.fr"
MSS_DESTINATAIRE = "medecin.traitant@medecin.mssante.fr"


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return pki_creer(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def validateur() -> Iterator[ValidateurChaud]:
    if not kit_installe():
        pytest.fail("validation kit missing: run ../shared/validate/setup (done by .ci/run)")
    kit = ValidateurChaud()
    # Compile the schematrons once (the first CDA costs ~2 s, the next ones ~0.1 s).
    assert kit.valider("cda", [str(EXAMPLE_N1)]).ok
    yield kit
    kit.close()


@pytest.fixture(scope="session")
def depot_session(pki: Pki, validateur: ValidateurChaud) -> Iterator[tuple[DepotXds, str]]:
    depot = DepotXds(ca=pki.ca, cert=pki.serveur.cert, key=pki.serveur.key, validateur=validateur)
    url = depot.start()
    yield depot, url
    depot.stop()


@pytest.fixture
def depot(depot_session: tuple[DepotXds, str]) -> Iterator[DepotXds]:
    """The XDS repository, back to normal behaviour for each test."""
    depot, _ = depot_session
    depot.mode, depot.delai, depot.echecs_restants = "ok", 0.0, 0
    yield depot
    depot.mode, depot.delai, depot.echecs_restants = "ok", 0.0, 0


@pytest.fixture
def dmp_configure(settings, pki: Pki, depot_session: tuple[DepotXds, str]) -> str:  # type: ignore[no-untyped-def]
    _, url = depot_session
    settings.DMP_ENDPOINT = url
    settings.DMP_CERT_FILE = settings.DMP_SIGN_CERT_FILE = pki.client.cert
    settings.DMP_KEY_FILE = settings.DMP_SIGN_KEY_FILE = pki.client.key
    settings.DMP_CA_FILE = pki.ca
    settings.DMP_TIMEOUT = 3.0
    return url


@pytest.fixture(scope="session")
def smtp_session(pki: Pki, validateur: ValidateurChaud) -> Iterator[tuple[ServeurSmtp, int]]:
    serveur = ServeurSmtp(
        ca=pki.ca, cert=pki.serveur.cert, key=pki.serveur.key, validateur=validateur
    )
    port = serveur.start()
    yield serveur, port
    serveur.stop()


@pytest.fixture
def smtp(smtp_session: tuple[ServeurSmtp, int]) -> Iterator[ServeurSmtp]:
    serveur, _ = smtp_session
    serveur.mode, serveur.delai, serveur.echecs_restants = "ok", 0.0, 0
    yield serveur
    serveur.mode, serveur.delai, serveur.echecs_restants = "ok", 0.0, 0


@pytest.fixture
def imap(pki: Pki) -> Iterator[ServeurImap]:
    serveur = ServeurImap(
        ca=pki.ca,
        cert=pki.serveur.cert,
        key=pki.serveur.key,
        user="bal-dui",
        password="secret-imap",
    )
    serveur.port = serveur.start()  # type: ignore[attr-defined]
    yield serveur
    serveur.stop()


@pytest.fixture
def mss_configure(settings, pki: Pki, smtp_session: tuple[ServeurSmtp, int]) -> int:  # type: ignore[no-untyped-def]
    _, port = smtp_session
    settings.MSS_SMTP_HOST = "127.0.0.1"
    settings.MSS_SMTP_PORT = port
    settings.MSS_SMTP_IMPLICIT_TLS = False
    settings.MSS_CERT_FILE = pki.client.cert
    settings.MSS_KEY_FILE = pki.client.key
    settings.MSS_CA_FILE = pki.ca
    settings.MSS_EXPEDITEUR = MSS_EXPEDITEUR
    settings.MSS_TIMEOUT = 3.0
    return port


@pytest.fixture
def usager_qualifie(world):  # type: ignore[no-untyped-def]
    """A resident of unit A of the EHPAD whose identity is qualified, with the INS of the
    ANS example document (so the document's INS matches the record's)."""
    sejour = SejourFactory(
        unite=world.unite_a,
        usager=UsagerFactory(organisme=world.organisme),
        date_entree=dt.date(2024, 1, 15),
    )
    usager = sejour.usager
    IdentiteINS.objects.create(
        usager=usager,
        matricule=INS_EXEMPLE,
        oid=OID_INS_TEST,
        methode=MethodeRecuperation.INSI_TRAITS,
        recupere_le=timezone.now(),
    )
    usager.statut_identite = StatutIdentite.QUALIFIEE
    usager.save(update_fields=["statut_identite"])
    return usager


@pytest.fixture
def publications(monkeypatch):
    """Tasks published to the broker, captured (no worker in these tests)."""
    from interop import tasks

    published: list[int] = []
    monkeypatch.setattr(
        tasks.envoi_executer, "apply_async", lambda args, **kwargs: published.append(args[0])
    )
    return published


def creer_envoi(acteur, usager, *, version=1, set_id=None, parent_uid="", **kwargs):
    set_id = set_id or nouvel_identifiant()
    document, uid = cda_n1(set_id=set_id, version=version, parent_uid=parent_uid)
    return services.envoi_creer(
        acteur=acteur,
        usager=usager,
        document_bytes=document,
        document_id=set_id,
        document_uid=uid,
        version=version,
        target=kwargs.pop("target", Cible.DMP),
        titre="Projet personnalisé d'accompagnement",
        type_code="80788-3",
        **kwargs,
    )
