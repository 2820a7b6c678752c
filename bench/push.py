"""Push benchmark: deliveries per second and end-to-end latency (validation click -> receipt
by the DMP peer) with 2 Celery workers against the local XDS.b repository.

Steps: a dedicated database (`dui_bench_push`, migrated once, reused), a private Redis on a
free port, the test PKI and XDS repository of tests/interop/peers (mutual TLS, VIHF signature
checked; the validation kit runs after the measure on a sample of what it received, to keep
the measure about the outbox), 2 workers (prefork, acks late, prefetch 1: the shipped
settings). Documents are validated at a steady rate, one transaction each, like clicks.

The machine's cores are shared by everything: PostgreSQL, Redis, the 2 workers, the peer (in
this process) and the click generator. The CPU time each of them used during the measure is
read from /proc and reported per delivery ("cpu_ms_per_delivery"), so the record says where
the time goes, and how much the rest of the machine took meanwhile ("cpu_other_ms_per_delivery").

Settings: DATABASE_URL, BENCH_PUSH_RATE (60/s), BENCH_PUSH_SECONDS (20), BENCH_PUSH_CONCURRENCY
(2 per worker: one per core), BENCH_PUSH_OUTAGE (0: off; N: the peer fails for N seconds
during the run, then the drain is measured), BENCH_PUSH_SAMPLE (20 payloads validated by the kit).
Writes the records "push:dmp" (and "push:dmp-outage") to docs/benchmarks.json.
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
JSON_PATH = ROOT / "docs" / "benchmarks.json"
DATABASE = "dui_bench_push"


def _database_url() -> str:
    base = os.getenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dui")
    return base.rsplit("/", 1)[0] + "/" + DATABASE


def _prepare_database(url: str) -> None:
    import psycopg2

    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE DATABASE {DATABASE}")
    admin.close()
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )


def _postmaster_pid() -> int:
    """The PostgreSQL server's main process (0 if its data folder cannot be read)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        folder = cursor.fetchone()[0]
    try:
        return int((Path(folder) / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


class CpuMeter:
    """CPU time (user + system) used by each component of the measure, read from /proc every
    half second (a process that exits keeps its last reading). PostgreSQL backends are told
    apart by the database name in their title; the server's own processes and backends that
    came and went between two readings are counted from the postmaster (all databases)."""

    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(
        self, *, clicks_pid: int, redis_port: int, workers: tuple[str, ...], postmaster: int
    ) -> None:
        self.clicks_pid = clicks_pid
        self.postmaster = postmaster
        self.redis_port = str(redis_port)
        self.workers = workers
        self.first: dict[int, tuple[str, float]] = {}
        self.last: dict[int, tuple[str, float]] = {}
        self.machine_start = self._machine()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _machine() -> float:
        with open("/proc/stat") as stat:
            fields = stat.readline().split()[1:]
        # user nice system irq softirq steal (idle and iowait left out)
        return sum(int(fields[i]) for i in (0, 1, 2, 5, 6, 7)) / CpuMeter.TICK

    def _component(self, pid: int, ppid: int, cmdline: str) -> str:
        if pid == self.postmaster or (ppid == self.postmaster and "(" not in cmdline):
            return "postgresql (server, all databases)"
        if pid == os.getpid():
            return "peer"
        if pid == self.clicks_pid:
            return "clicks"
        if cmdline.startswith("postgres: ") and f" {DATABASE} " in cmdline:
            return "postgresql"
        if "redis-server" in cmdline and self.redis_port in cmdline:
            return "redis"
        if "celery" in cmdline and any(f"-n {name}-" in cmdline for name in self.workers):
            return "workers"
        return ""

    def _read(self, into: dict[int, tuple[str, float]], *, keep: bool) -> None:
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            component = self._component(pid, int(fields[1]), cmdline)
            if pid == self.postmaster:
                # With its reaped children: backends that came and went between two readings.
                seconds = sum(int(fields[i]) for i in (11, 12, 13, 14)) / self.TICK
            elif component:
                seconds = (int(fields[11]) + int(fields[12])) / self.TICK
            else:
                continue
            if keep and pid in into:
                continue
            into[pid] = (component, seconds)

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self._read(self.last, keep=False)

    def start(self) -> None:
        self._read(self.first, keep=True)
        self.machine_start = self._machine()
        self._thread.start()

    def stop(self) -> tuple[dict[str, float], float]:
        """CPU seconds by component, and the machine's total, since start()."""
        self._stop.set()
        self._thread.join()
        self._read(self.last, keep=False)
        used: dict[str, float] = {}
        for pid, (component, seconds) in self.last.items():
            before = self.first.get(pid, (component, 0.0))[1]
            used[component] = used.get(component, 0.0) + seconds - before
        # A backend that exited during the measure (the clicks' one, when they are done) is
        # counted twice: by its own last reading, and in the postmaster's reaped children.
        server = "postgresql (server, all databases)"
        for pid, (component, seconds) in self.last.items():
            if component == "postgresql" and not os.path.exists(f"/proc/{pid}"):
                before = self.first.get(pid, (component, 0.0))[1]
                used[server] = max(used.get(server, 0.0) - (seconds - before), 0.0)
        return used, self._machine() - self.machine_start


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _record(
    name: str, latencies_ms: list[float], rps: float, dataset: str, **extra: object
) -> dict:
    return {
        "name": name,
        "p50_ms": round(statistics.median(latencies_ms), 1),
        "p95_ms": round(_percentile(latencies_ms, 0.95), 1),
        "p99_ms": round(_percentile(latencies_ms, 0.99), 1),
        "rps": round(rps, 1),
        "target_rps": 50.0,
        "target_p95_ms": 1000.0,
        "dataset": dataset,
        "machine": f"{os.cpu_count()} CPU, {platform.python_version()}",
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        **extra,
    }


def _save(records: list[dict]) -> None:
    existing = json.loads(JSON_PATH.read_text()) if JSON_PATH.exists() else []
    names = {r["name"] for r in records}
    merged = [r for r in existing if r.get("name") not in names] + records
    JSON_PATH.parent.mkdir(exist_ok=True)
    JSON_PATH.write_text(json.dumps(merged, ensure_ascii=False, indent=2) + "\n")


def main() -> None:
    rate = float(os.getenv("BENCH_PUSH_RATE", "60"))
    seconds = float(os.getenv("BENCH_PUSH_SECONDS", "20"))
    # One process per core and per worker: 2 workers x 2 already give 4 processes for 2 cores.
    concurrency = int(os.getenv("BENCH_PUSH_CONCURRENCY", "2"))
    outage = float(os.getenv("BENCH_PUSH_OUTAGE", "0"))
    sample = int(os.getenv("BENCH_PUSH_SAMPLE", "20"))
    url = _database_url()
    print("== base", DATABASE)
    _prepare_database(url)

    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    from tests.interop.peers.infra import RedisPrive, Worker
    from tests.interop.peers.pki import pki_creer
    from tests.interop.peers.validation import valider_cli
    from tests.interop.peers.xds import DepotXds

    work = Path(tempfile.mkdtemp(prefix="bench-push-"))
    redis = RedisPrive(work / "redis")
    redis.start()
    os.environ["CELERY_BROKER_URL"] = os.environ["REDIS_URL"] = redis.url
    import django

    django.setup()
    from django.utils import timezone

    from dui.models import Etablissement, Organisme, Unite
    from interop.models import Envoi
    from securite.models import Professionnel, Utilisateur
    from tests.interop.peers.documents import INS_EXEMPLE, OID_INS_TEST
    from usagers.models import IdentiteINS, Sejour, StatutIdentite, Usager

    pki = pki_creer(work / "pki")
    depot = DepotXds(ca=pki.ca, cert=pki.serveur.cert, key=pki.serveur.key, validateur=None)
    depot.conserver = sample
    depot_url = depot.start()

    organisme, _ = Organisme.objects.get_or_create(nom="Bench push")
    etablissement = Etablissement.objects.filter(
        organisme=organisme
    ).first() or Etablissement.objects.create(
        organisme=organisme, nom="EHPAD bench", finess="750000028", categorie="500"
    )
    unite, _ = Unite.objects.get_or_create(etablissement=etablissement, nom="Unité bench")
    user = Utilisateur.objects.filter(username="bench.push").first()
    if user is None:
        user = Utilisateur.objects.create(
            username="bench.push", organisme=organisme, last_name="BENCH"
        )
        Professionnel.objects.create(utilisateur=user, profession="infirmier").unites.set([unite])
    usager = Usager.objects.filter(organisme=organisme).first()
    if usager is None:
        usager = Usager.objects.create(
            organisme=organisme,
            identifiant_local="BENCH1",
            nom_naissance="BENCH",
            prenoms_naissance="Test",
            premier_prenom_naissance="Test",
            date_naissance=date(1940, 1, 1),
            sexe="F",
            statut_identite=StatutIdentite.QUALIFIEE,
        )
        Sejour.objects.create(
            usager=usager,
            etablissement=etablissement,
            unite=unite,
            mode_accueil="internat",
            date_entree=date(2024, 1, 1),
        )
        IdentiteINS.objects.create(
            usager=usager,
            matricule=INS_EXEMPLE,
            oid=OID_INS_TEST,
            methode="insi_traits",
            recupere_le=timezone.now(),
        )
    Envoi.objects.filter(usager=usager).delete()
    # The previous run's documents (hundreds of MB) are dead rows now: vacuumed here, not by
    # autovacuum in the middle of the measure.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE interop_envoi, interop_tentativeenvoi")

    env = {
        **os.environ,
        "DMP_ENDPOINT": depot_url,
        "DMP_CERT_FILE": pki.client.cert,
        "DMP_KEY_FILE": pki.client.key,
        "DMP_CA_FILE": pki.ca,
        "INTEROP_SWEEP_SECONDS": "2",
        "INTEROP_RETRY_BASE_SECONDS": "2",
        "INTEROP_RETRY_MAX_SECONDS": "30",
        "INTEROP_MAX_ATTEMPTS": "1000",
        "LOG_LEVEL": "WARNING",
    }
    workers = [
        Worker(env, work, concurrency=concurrency, beat=(i == 0), nom=f"bench{i}") for i in range(2)
    ]
    for worker in workers:
        worker.start()
    time.sleep(8)  # both workers ready (Django setup)

    count = int(rate * seconds)
    print(f"== {count} documents at {rate}/s, 2 workers x {concurrency}")
    if outage:
        depot.mode = "echec"
    clicks = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "bench" / "push_clicks.py"),
            str(count),
            str(rate),
            str(usager.pk),
            str(user.pk),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    meter = CpuMeter(
        clicks_pid=clicks.pid,
        redis_port=redis.port,
        workers=tuple(w.nom for w in workers),
        postmaster=_postmaster_pid(),
    )
    meter.start()
    start = time.time()
    while outage and clicks.poll() is None and time.time() - start < outage:
        time.sleep(0.5)
    if outage:
        depot.mode = "ok"
        back = time.time()
    stdout, _ = clicks.communicate()
    created: dict[str, float] = json.loads(stdout)
    start = min(created.values())
    deadline = time.time() + max(120.0, outage + 300)
    while time.time() < deadline and len(depot.registre.acceptes) < count:
        time.sleep(0.2)
    end = max((r.recu_a for r in depot.registre.acceptes.values()), default=time.time())
    cpu, machine = meter.stop()
    for worker in workers:
        worker.stop()
    depot.stop()
    redis.stop()

    received = depot.registre.acceptes
    lost = [uid for uid in created if uid not in received]
    latencies = [(received[uid].recu_a - created[uid]) * 1000 for uid in created if uid in received]
    rps = len(received) / (end - start) if end > start else 0.0
    copies_ok = all(depot.copies(uid) == 1 for uid in received)
    paths = [r.enveloppe for r in list(received.values())[:sample]]
    xds = valider_cli("xds", paths) if paths else None
    cda = (
        valider_cli("cda", [r.document for r in list(received.values())[:sample]])
        if paths
        else None
    )
    dataset = (
        f"{count} documents CDA N1 (448 ko) à {rate:g}/s, 2 workers prefork x {concurrency} ; "
        f"{os.cpu_count()} cœurs partagés par PostgreSQL, Redis, les 2 workers, le pair XDS et "
        "le générateur de clics (et ce qui tourne d'autre sur la machine)"
    )
    delivered = max(len(received), 1)
    ours = sum(cpu.values())
    extra = {
        "cpu_ms_per_delivery": {
            component: round(seconds * 1000 / delivered, 1)
            for component, seconds in sorted(cpu.items())
        },
        "cpu_other_ms_per_delivery": round(max(machine - ours, 0.0) * 1000 / delivered, 1),
        "lost": len(lost),
        "duplicates_refused": sum(depot.registre.doublons.values()),
        "exactly_once": copies_ok and not lost,
        "kit_errors_sample": (xds.errors + cda.errors) if xds and cda else None,
    }
    if outage:
        extra["outage_s"] = outage
        extra["drain_after_outage_s"] = round(end - back, 1)
        name = "push:dmp-outage"
    else:
        name = "push:dmp"
    record = _record(name, latencies, rps, dataset, **extra)
    print(json.dumps(record, ensure_ascii=False, indent=2))
    _save([record])
    if lost or not copies_ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
