"""Faults that must lose nothing, with a real Celery worker process (prefork, acks late,
prefetch 1: the shipped settings), a real Redis broker, real PostgreSQL and the local XDS
repository. Each test ends by counting at the peer: exactly one accepted copy of each
document version.

The broker and the database that get stopped are private ones (a redis-server on a free
port, a PostgreSQL cluster initialised in a temporary folder): the machine's shared servers
are never touched."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection, transaction

from interop.models import Envoi, ResultatTentative, StatutEnvoi
from tests.interop.peers.documents import cda_n1, nouvel_identifiant
from tests.interop.peers.fixtures import *  # noqa: F403
from tests.interop.peers.infra import ROOT, PostgresPrive, RedisPrive, Worker
from tests.interop.peers.pki import Pki
from tests.interop.peers.xds import DepotXds

pytestmark = pytest.mark.worker

# Short delays so that each fault resolves in seconds; the mechanisms are the shipped ones.
TIMINGS = {
    "INTEROP_SWEEP_SECONDS": "1",
    "INTEROP_REQUEUE_SECONDS": "5",
    "INTEROP_RETRY_BASE_SECONDS": "0.5",
    "INTEROP_RETRY_MAX_SECONDS": "2",
    "INTEROP_LEASE_SECONDS": "6",
    "DMP_TIMEOUT": "3",
}


def _attendre(condition: Callable[[], bool], timeout: float, message: str) -> None:
    fin = time.monotonic() + timeout
    while time.monotonic() < fin:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(message)


@dataclass
class Pile:
    redis: RedisPrive
    env: dict[str, str]
    dossier: Path
    worker: Worker | None = None

    def demarrer_worker(
        self, nom: str, *, concurrency: int = 1, env: dict[str, str] | None = None
    ) -> Worker:
        worker = Worker(env or self.env, self.dossier, concurrency=concurrency, nom=nom)
        worker.start()
        fin = time.monotonic() + 60
        while time.monotonic() < fin:
            if worker.log.exists() and b"ready." in worker.log.read_bytes():
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"worker {nom} not ready: {worker.log.read_text()[-2000:]}")
        self.worker = worker
        return worker


def _env(pki: Pki, depot_url: str, redis_url: str, database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": redis_url,
        "REDIS_URL": redis_url,
        "DMP_ENDPOINT": depot_url,
        "DMP_CERT_FILE": pki.client.cert,
        "DMP_KEY_FILE": pki.client.key,
        "DMP_CA_FILE": pki.ca,
        **TIMINGS,
    }


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture(scope="module")
def pile(tmp_path_factory, pki, depot_session, django_db_setup) -> Iterator[Pile]:  # type: ignore[no-untyped-def]
    """A private Redis, the test process publishing to it, and a worker on the test DB."""
    from dui.celery import app

    dossier = tmp_path_factory.mktemp("faults")
    redis = RedisPrive(dossier / "redis")
    redis.start()
    _, depot_url = depot_session
    previous = app.conf.broker_write_url
    app.conf.broker_write_url = redis.url
    app._pool = None
    app.amqp._producer_pool = None
    pile = Pile(redis=redis, env=_env(pki, depot_url, redis.url, _database_url()), dossier=dossier)
    pile.demarrer_worker("w1")
    yield pile
    if pile.worker is not None:
        pile.worker.stop()
    redis.stop()
    app.conf.broker_write_url = previous
    app._pool = None
    app.amqp._producer_pool = None


def _valider_plan(acteur, usager, **kwargs) -> Envoi:  # type: ignore[no-untyped-def]
    """The business event: a plan validated, its delivery written in the same transaction."""
    from interop import services

    set_id = nouvel_identifiant()
    document, uid = cda_n1(set_id=set_id)
    with transaction.atomic():
        return services.envoi_creer(
            acteur=acteur,
            usager=usager,
            document_bytes=document,
            document_id=set_id,
            document_uid=uid,
            version=1,
            target="dmp",
            titre="Projet personnalisé d'accompagnement",
            **kwargs,
        )


def _statut(envoi: Envoi) -> str:
    connection.close()
    return Envoi.objects.values_list("statut", flat=True).get(pk=envoi.pk)


def test_redis_stopped_while_a_plan_is_validated_the_document_leaves_when_it_returns(
    transactional_db, pile: Pile, depot: DepotXds, infirmier, usager_qualifie
):
    pile.redis.stop()
    debut = time.monotonic()
    envoi = _valider_plan(infirmier, usager_qualifie)
    # The click is not held up by the broker being down, and the row is kept for the sweeper.
    assert time.monotonic() - debut < 5
    envoi.refresh_from_db()
    assert envoi.statut == StatutEnvoi.PENDING
    assert envoi.mis_en_file_le is None
    time.sleep(2)
    assert depot.copies(envoi.document_uid) == 0
    pile.redis.start()  # empty: every message it held is gone
    _attendre(
        lambda: _statut(envoi) == StatutEnvoi.ACKNOWLEDGED, 60, "not delivered after Redis returned"
    )
    assert depot.copies(envoi.document_uid) == 1
    assert depot.registre.doublons.get(envoi.document_uid, 0) == 0


def test_worker_killed_in_the_middle_of_a_send_the_document_arrives_once(
    transactional_db, pile: Pile, depot: DepotXds, infirmier, usager_qualifie
):
    depot.mode, depot.delai = "lent", 20.0  # registers, then answers late
    envoi = _valider_plan(infirmier, usager_qualifie)
    _attendre(lambda: depot.copies(envoi.document_uid) == 1, 30, "the send never reached the peer")
    assert pile.worker is not None
    pile.worker.tuer()  # SIGKILL, main process and child, while the answer is pending
    depot.mode = "ok"
    assert _statut(envoi) == StatutEnvoi.SENDING
    pile.demarrer_worker("w2")
    _attendre(
        lambda: _statut(envoi) == StatutEnvoi.ACKNOWLEDGED, 60, "not delivered after the kill"
    )
    assert depot.copies(envoi.document_uid) == 1
    assert depot.registre.doublons[envoi.document_uid] == 1  # the resend, refused by the DMP
    resultats = list(Envoi.objects.get(pk=envoi.pk).tentatives.values_list("resultat", flat=True))
    assert resultats == [ResultatTentative.INTERROMPUE, ResultatTentative.DEJA_RECU]


@pytest.mark.parametrize(
    ("mode", "delai", "echecs"),
    [("echec", 0.0, 2), ("coupure", 0.0, 2), ("lent", 5.0, 1)],
    ids=["failing-5xx", "dropping-connections", "slow-beyond-the-timeout"],
)
def test_peer_failing_or_slow_the_document_arrives_once(
    transactional_db, pile: Pile, depot: DepotXds, infirmier, usager_qualifie, mode, delai, echecs
):
    depot.mode, depot.delai, depot.echecs_restants = mode, delai, echecs
    envoi = _valider_plan(infirmier, usager_qualifie)
    _attendre(lambda: _statut(envoi) == StatutEnvoi.ACKNOWLEDGED, 60, f"not delivered ({mode})")
    assert depot.copies(envoi.document_uid) == 1
    tentatives = Envoi.objects.get(pk=envoi.pk).tentatives.all()
    assert tentatives.filter(resultat=ResultatTentative.ECHEC_TEMPORAIRE).count() >= 1


def test_peer_refusing_the_delivery_is_dead_at_once_with_its_message(
    transactional_db, pile: Pile, depot: DepotXds, infirmier, usager_qualifie
):
    depot.mode = "refus"
    envoi = _valider_plan(infirmier, usager_qualifie)
    _attendre(lambda: _statut(envoi) == StatutEnvoi.DEAD, 30, "refusal not recorded")
    envoi.refresh_from_db()
    assert "XDSUnknownPatientId" in envoi.derniere_erreur
    assert envoi.tentatives.count() == 1
    assert depot.copies(envoi.document_uid) == 0


def test_postgresql_restarted_during_the_queue_drain_nothing_lost_nothing_twice(
    transactional_db, pile: Pile, depot: DepotXds, pki, depot_session, infirmier, usager_qualifie
):
    # A private cluster holding a copy of the test database (people and accounts).
    # Under /tmp itself: pytest's tmp_path is not traversable by the `postgres` user.
    pg = PostgresPrive(Path(tempfile.mkdtemp(prefix="dui-pg-")))
    pg.init()
    pg.start()
    try:
        db = settings.DATABASES["default"]
        subprocess.run(
            [
                "/usr/lib/postgresql/15/bin/createdb",
                "-h",
                "127.0.0.1",
                "-p",
                str(pg.port),
                "-U",
                "postgres",
                "dui_faute",
            ],
            check=True,
        )
        dump = subprocess.run(
            [
                "/usr/lib/postgresql/15/bin/pg_dump",
                "-h",
                db["HOST"],
                "-p",
                str(db["PORT"]),
                "-U",
                db["USER"],
                "--no-owner",
                db["NAME"],
            ],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(
            [
                "/usr/lib/postgresql/15/bin/psql",
                "-q",
                "-h",
                "127.0.0.1",
                "-p",
                str(pg.port),
                "-U",
                "postgres",
                "-d",
                "dui_faute",
                "-v",
                "ON_ERROR_STOP=1",
            ],
            input=dump,
            check=True,
            capture_output=True,
        )
        _, depot_url = depot_session
        env = _env(pki, depot_url, pile.redis.url, pg.url("dui_faute"))
        assert pile.worker is not None
        pile.worker.stop()
        pile.demarrer_worker("w-pg", concurrency=2, env=env)
        depot.mode, depot.delai = "lent", 0.3
        n = 20
        created = json.loads(
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "tests.interop.peers.scenario",
                    "creer",
                    str(n),
                    str(usager_qualifie.pk),
                    str(infirmier.pk),
                ],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
                timeout=120,
            ).stdout
        )
        uids = [item["uid"] for item in created]
        _attendre(lambda: sum(depot.copies(u) for u in uids) >= 3, 60, "the drain did not start")
        assert sum(depot.copies(u) for u in uids) < n  # the restart falls in the drain
        pg.restart()
        depot.mode = "ok"

        def statuts() -> dict[str, int]:
            try:
                with psycopg2.connect(pg.url("dui_faute")) as conn, conn.cursor() as cursor:
                    cursor.execute("SELECT statut, count(*) FROM interop_envoi GROUP BY statut")
                    return dict(cursor.fetchall())
            except psycopg2.OperationalError:
                return {}

        _attendre(lambda: statuts() == {"acknowledged": n}, 120, f"drain incomplete: {statuts()}")
        assert [depot.copies(u) for u in uids] == [1] * n
    finally:
        if pile.worker is not None:
            pile.worker.stop()
            pile.worker = None
        pg.stop()
        shutil.rmtree(pg.dossier, ignore_errors=True)
