"""`make bench`: latency and throughput of the main pages on the scale data.

Steps: a dedicated PostgreSQL database (`dui_bench`), migrated and seeded with the scale data
(reused when present; BENCH_FRESH=true rebuilds it); SQL queries per page counted in-process
(bench/queries.py); the app served by gunicorn with DEBUG off; each page and its raw-SQL
baseline (dui/bench_views.py) driven by wrk; results written to docs/benchmarks.json (merged
with the records of other pages) and docs/benchmarks.md.

Settings, all optional: DATABASE_URL, REDIS_URL, BENCH_DURATION (10s), BENCH_WARMUP (2s),
BENCH_THREADS (2), BENCH_CONNECTIONS (8), BENCH_WORKERS (2), BENCH_FRESH (false),
BENCH_INTEROP (true: also the payload builders, bench/builders.py, and the pushes to the local
DMP peer, bench/push.py, which write their own records).
Prints figures only, never a row of data.
"""

import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import django
import gunicorn
import psycopg2
import quotidien as bench_quotidien
from pages import PAGES, Page
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
# The environment `make bench` was started with (django_setup adds the bench server's to it).
LAUNCH_ENV = dict(os.environ)
BENCH_DIR = ROOT / "bench"
DOCS_DIR = ROOT / "docs"
JSON_PATH = DOCS_DIR / "benchmarks.json"
MARKDOWN_PATH = DOCS_DIR / "benchmarks.md"
BENCH_DATABASE = "dui_bench"
PYTHON = sys.executable
GUNICORN_LOG = ROOT / "var" / "bench-gunicorn.log"


class BenchError(Exception):
    """A step failed: the message says which, in French."""


@dataclass(frozen=True)
class Config:
    database_url: str
    redis_url: str
    duration: str
    warmup: str
    threads: int
    connections: int
    workers: int
    fresh: bool

    @classmethod
    def from_env(cls) -> "Config":
        return cls(
            database_url=os.getenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dui"),
            redis_url=os.getenv("REDIS_URL", "redis://127.0.0.1:6379/0"),
            duration=os.getenv("BENCH_DURATION", "10s"),
            warmup=os.getenv("BENCH_WARMUP", "2s"),
            threads=int(os.getenv("BENCH_THREADS", "2")),
            connections=int(os.getenv("BENCH_CONNECTIONS", "8")),
            workers=int(os.getenv("BENCH_WORKERS", "2")),
            fresh=os.getenv("BENCH_FRESH", "false").lower() in ("1", "true", "yes", "on"),
        )

    @property
    def bench_database_url(self) -> str:
        return urlsplit(self.database_url)._replace(path="/" + BENCH_DATABASE).geturl()


@dataclass(frozen=True)
class Seeding:
    built: bool
    seconds: float


@dataclass(frozen=True)
class Load:
    """wrk's figures for one URL (latencies in milliseconds)."""

    p50_ms: float
    p95_ms: float
    p99_ms: float
    rps: float
    requests: int


# ---------------------------------------------------------------------------
# Database and data
# ---------------------------------------------------------------------------
def _connect(database_url: str, dbname: str) -> Any:
    parts = urlsplit(database_url)
    return psycopg2.connect(
        dbname=dbname,
        user=parts.username or "postgres",
        password=parts.password or None,
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
    )


def database_prepare(config: Config) -> None:
    """Create `dui_bench` if missing (dropped first with BENCH_FRESH=true)."""
    connection = _connect(config.database_url, "postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            name = sql.Identifier(BENCH_DATABASE)
            if config.fresh:
                cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DATABASE])
            if cursor.fetchone() is None:
                print(f"Création de la base {BENCH_DATABASE}")
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))
    finally:
        connection.close()


def _scale_data_present(config: Config, organisme: str) -> bool:
    connection = _connect(config.database_url, BENCH_DATABASE)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM dui_organisme WHERE nom = %s", [organisme])
            return cursor.fetchone() is not None
    finally:
        connection.close()


def postgres_version(config: Config) -> str:
    connection = _connect(config.database_url, BENCH_DATABASE)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return str(cursor.fetchone()[0])
    finally:
        connection.close()


def django_setup(env: dict[str, str]) -> None:
    """Configure Django in this process with the bench environment, for its constants."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    django.setup()


def _manage(env: dict[str, str], *args: str) -> str:
    """Run a management command with the bench environment; its standard output."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BenchError(f"manage.py {' '.join(args)} a échoué :\n{result.stderr[-3000:]}")
    return result.stdout


def data_prepare(config: Config, env: dict[str, str], organisme: str) -> Seeding:
    """Migrate, then seed the scale data unless present (timed)."""
    print("Migrations")
    _manage(env, "migrate", "--noinput", "-v0")
    if _scale_data_present(config, organisme):
        print("Données de charge déjà présentes : réutilisées")
        # Idempotent: only (re)enrols the bench accounts' second factor.
        _manage(env, "seed_demo", "--scale")
        return Seeding(built=False, seconds=0.0)
    print("Construction des données de charge (seed_demo --scale)")
    started = time.perf_counter()
    _manage(env, "seed_demo", "--scale")
    seconds = time.perf_counter() - started
    print(f"Données construites en {seconds:.1f} s")
    return Seeding(built=True, seconds=seconds)


def database_analyze(config: Config) -> None:
    """ANALYZE the bench database: tables loaded in bulk (seed_demo --scale, seed_notes) may not
    have been analysed by autovacuum yet, and the planner would then guess row counts (seen:
    the usager list and the director home several times slower than after ANALYZE)."""
    connection = _connect(config.database_url, BENCH_DATABASE)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    finally:
        connection.close()


def bench_env(config: Config, static_root: Path) -> dict[str, str]:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "dui.settings",
        # A fresh key per run: sessions made by this run only.
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DEBUG": "false",
        "SECURE_HTTPS": "false",
        "DUI_DEMO_MODE": "false",
        "DUI_BENCH_VIEWS": "true",
        "DATABASE_URL": config.bench_database_url,
        "REDIS_URL": config.redis_url,
        "CELERY_BROKER_URL": config.redis_url,
        "STATIC_ROOT": str(static_root),
        # Fixed key: the bench database is reused between runs and holds fake data only.
        "DUI_ENCRYPTION_KEYS": "bench:YmVuY2gtb25seS1rZXktbm90LWZvci1yZWFsLWRhdGE=",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(BENCH_DIR)]),
    }


def queries_count(env: dict[str, str]) -> dict[str, Any]:
    result = subprocess.run(
        [PYTHON, str(BENCH_DIR / "queries.py")], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise BenchError(f"Comptage des requêtes SQL en échec :\n{result.stderr[-3000:]}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


# ---------------------------------------------------------------------------
# Server and sessions
# ---------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(
    port: int, url: str, cookie: str | None = None
) -> tuple[int, http.client.HTTPResponse, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", url, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


class Server:
    """gunicorn serving the app on a free port; `stop()` is always called by `main`."""

    def __init__(self, env: dict[str, str], workers: int, log_path: Path) -> None:
        self.port = _free_port()
        self.log_path = log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = log_path.open("w", encoding="utf-8")
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "dui.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                # No control socket in $HOME: two runs on one machine would share it.
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn s'est arrêté ; journal : {self.log_path}")
            try:
                status, _, _ = _get(self.port, "/sante/")
            except OSError:
                time.sleep(0.2)
                continue
            if status == 200:
                return
            raise BenchError(f"/sante/ répond {status} ; journal : {self.log_path}")
        raise BenchError(f"gunicorn ne répond pas après {timeout:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def _post_form(
    port: int, path: str, fields: dict[str, str], cookies: SimpleCookie
) -> http.client.HTTPResponse:
    cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(
            "POST",
            path,
            body=urlencode(fields),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                "Referer": f"http://127.0.0.1:{port}{path}",
            },
        )
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    for header in response.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    return response


def _form_token(port: int, path: str, cookies: SimpleCookie) -> str:
    cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())
    status, response, html = _get(port, path, cookie or None)
    for header in response.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if status != 200 or match is None or "csrftoken" not in cookies:
        raise BenchError(f"Formulaire {path} illisible (statut {status})")
    return match[1]


def session_login(port: int, username: str, password: str) -> str:
    """Log in through the real forms, password then second factor (the bench accounts' TOTP
    key is `dui.demo_data.BENCH_TOTP_SECRET`); returns the `Cookie` header value."""
    from django_otp.oath import totp

    from dui.demo_data import BENCH_TOTP_SECRET

    cookies: SimpleCookie = SimpleCookie()
    token = _form_token(port, "/connexion/", cookies)
    response = _post_form(
        port,
        "/connexion/",
        {"username": username, "password": password, "csrfmiddlewaretoken": token},
        cookies,
    )
    if response.status != 302 or "sessionid" not in cookies:
        raise BenchError(f"Connexion de {username} refusée (statut {response.status})")
    # A TOTP code is accepted once per account per 30 s step: on a replay, wait for the next.
    for _ in range(2):
        token = _form_token(port, "/connexion/verification/", cookies)
        code = str(totp(bytes.fromhex(BENCH_TOTP_SECRET))).zfill(6)
        response = _post_form(
            port,
            "/connexion/verification/",
            {"code": code, "csrfmiddlewaretoken": token},
            cookies,
        )
        if response.status == 302:
            # The CSRF cookie too (rotated at login): POST pages send its token.
            return f"sessionid={cookies['sessionid'].value}; csrftoken={cookies['csrftoken'].value}"
        time.sleep(31 - time.time() % 30)
    raise BenchError(f"Second facteur de {username} refusé (statut {response.status})")


def post_body(page: Page, cookie: str | None) -> str | None:
    """The urlencoded body of a POST page, with the CSRF token of the session's cookie."""
    if not page.form:
        return None
    token = SimpleCookie(cookie or "").get("csrftoken")
    if token is None:
        raise BenchError(f"{page.name} : pas de jeton CSRF dans la session")
    return urlencode([*page.form, ("csrfmiddlewaretoken", token.value)])


def _post(port: int, url: str, body: str, cookie: str | None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if cookie:
        headers["Cookie"] = cookie
    try:
        connection.request("POST", url, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, response.headers.get("Location", "")
    finally:
        connection.close()


def url_check(port: int, url: str, cookie: str | None, who: str, body: str | None = None) -> None:
    """A page must answer 200: a redirect to /connexion/ means the session did not work."""
    if body is None:
        status, response, _ = _get(port, url, cookie)
        location = response.headers.get("Location", "")
    else:
        status, location = _post(port, url, body, cookie)
    if status == 200:
        return
    hint = " (redirection vers la connexion : session refusée)" if "connexion" in location else ""
    raise BenchError(f"{'POST' if body else 'GET'} {url} en tant que {who} : {status}{hint}")


# ---------------------------------------------------------------------------
# Load
# ---------------------------------------------------------------------------
def wrk_run(
    config: Config,
    port: int,
    url: str,
    cookie: str | None,
    duration: str,
    body: str | None = None,
    connections: int | None = None,
) -> Load:
    connections = connections or config.connections
    command = [
        "wrk",
        f"-t{min(config.threads, connections)}",
        f"-c{connections}",
        f"-d{duration}",
        "--timeout",
        "30s",
        "-s",
        str(BENCH_DIR / "report.lua"),
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://127.0.0.1:{port}{url}")
    # report.lua posts BENCH_BODY when set (the search: terms in the body, never in the URL).
    env = os.environ | ({"BENCH_BODY": body} if body else {})
    result = subprocess.run(command, capture_output=True, text=True, env=env)
    lines = [line for line in result.stdout.splitlines() if line.startswith("BENCH_JSON ")]
    if result.returncode != 0 or not lines:
        raise BenchError(f"wrk en échec sur {url} :\n{result.stderr[-2000:]}")
    report = json.loads(lines[-1].removeprefix("BENCH_JSON "))
    errors = {kind: count for kind, count in report["errors"].items() if count}
    if errors or report["not_2xx"] or not report["requests"]:
        raise BenchError(
            f"{url} : {report['requests']} requêtes, {report['not_2xx']} réponses non 2xx, "
            f"erreurs {errors or 'aucune'}"
        )
    return Load(
        p50_ms=report["p50_us"] / 1000,
        p95_ms=report["p95_us"] / 1000,
        p99_ms=report["p99_us"] / 1000,
        rps=report["rps"],
        requests=report["requests"],
    )


def page_measure(
    config: Config,
    port: int,
    url: str,
    cookie: str | None,
    body: str | None = None,
    connections: int | None = None,
) -> Load:
    wrk_run(config, port, url, cookie, config.warmup, body, connections)
    return wrk_run(config, port, url, cookie, config.duration, body, connections)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def in_turn_measure(
    config: Config,
    port: int,
    pages: list[Page],
    cookies: dict[str | None, str | None],
    bodies: dict[str, str | None],
) -> dict[str, Load]:
    """Server time of the pages an issue gives a target: one request at a time over HTTP
    (a new connection each, like wrk against gunicorn's sync workers), the pages in turn,
    one request each per round, for `duration` per page after `warmup`. The machine's slow
    and fast phases (runs differ by 10 to 30 % here) then fall on all of them alike, instead
    of on whichever page was measured during one; each latency is the full response read by
    a Python client (a little more than wrk measures)."""

    def request(page: Page) -> float:
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            cookie = cookies[page.username]
            headers = {"Cookie": cookie} if cookie else {}
            body = bodies[page.name]
            if body is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(page.method, page.url, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        if response.status != 200:
            raise BenchError(f"{page.url} : réponse {response.status} pendant la mesure")
        return (time.perf_counter() - started) * 1000

    def seconds(value: str) -> float:
        return float(value.rstrip("s"))

    warm = time.monotonic() + seconds(config.warmup) * len(pages)
    while time.monotonic() < warm:
        for page in pages:
            request(page)
    timings: dict[str, list[float]] = {page.name: [] for page in pages}
    started = time.monotonic()
    deadline = started + seconds(config.duration) * len(pages)
    while time.monotonic() < deadline:
        for page in pages:
            timings[page.name].append(request(page))
    elapsed = time.monotonic() - started
    return {
        name: Load(
            p50_ms=_percentile(values, 0.50),
            p95_ms=_percentile(values, 0.95),
            p99_ms=_percentile(values, 0.99),
            rps=len(values) / elapsed,
            requests=len(values),
        )
        for name, values in timings.items()
    }


# ---------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------
def machine_facts(config: Config) -> dict[str, str]:
    cpu = "inconnu"
    memory = "inconnue"
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
        if line.startswith("MemTotal:"):
            memory = f"{_number(int(line.split()[1]) / 1024 / 1024)} Gio"
            break
    wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    return {
        "nproc": str(len(os.sched_getaffinity(0))),
        "cpu": cpu,
        "memory": memory,
        "postgresql": postgres_version(config),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "wrk": (wrk.stdout or wrk.stderr).splitlines()[0].split(" Copyright")[0].strip(),
    }


def records_merge(new: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Replace the records of the measured pages, keep the others (other issues' pages)."""
    existing: list[dict[str, Any]] = []
    if JSON_PATH.exists():
        existing = json.loads(JSON_PATH.read_text(encoding="utf-8"))
    merged = {record["name"]: record for record in existing}
    merged.update({record["name"]: record for record in new})
    return list(merged.values())


def _target(record: dict[str, Any]) -> str:
    """`12,3 ≤ 50 : oui` for a page with an issue's target, else empty."""
    if "target_p95_ms" not in record:
        return ""
    alone, target = record["p95_1_connexion_ms"], record["target_p95_ms"]
    verdict = "oui" if alone <= target else "**non**"
    return f"{_number(alone)} ≤ {_number(target, 0)} : {verdict}"


def _is_interop(record: dict[str, Any]) -> bool:
    return str(record["name"]).startswith(("builder:", "push:"))


def interop_markdown(records: list[dict[str, Any]]) -> list[str]:
    """The section of docs/benchmarks.md for the builders and the pushes (target per line)."""
    mine = [r for r in records if _is_interop(r)]
    if not mine:
        return []
    lines = [
        "",
        "## Documents échangés : constructeurs et envois",
        "",
        "Constructeurs (`bench/builders.py`) : documents par seconde sur un cœur, sans base, "
        "personas de `tests/interop`. Envois (`bench/push.py`) : validations cadencées, une "
        "transaction chacune, 2 workers Celery (prefork, acks tardifs, préchargement 1) vers le "
        "dépôt XDS.b local (TLS mutuel, signature VIHF vérifiée) ; latence du clic à la réception "
        "par le pair. Latences en millisecondes.",
        "",
        "| mesure | p50 | p95 | p99 | par seconde | cible | atteinte |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for record in mine:
        if "outage_s" in record:  # the drain after an outage: its target is "nothing lost"
            whole = record.get("exactly_once") and not record.get("lost")
            lines.append(
                f"| `{record['name']}` : panne du pair de {_number(record['outage_s'], 0)} s "
                f"| {_number(record['p50_ms'])} | {_number(record['p95_ms'])} "
                f"| {_number(record['p99_ms'])} | {_number(record['rps'])} "
                f"| file vidée sans perte ni doublon "
                f"| {'oui' if whole else '**non**'}, en "
                f"{_number(record.get('drain_after_outage_s', 0), 0)} s après le retour |"
            )
            continue
        target = float(record.get("target_rps", 0))
        reached = record["rps"] >= target and record["p95_ms"] <= float(
            record.get("target_p95_ms", float("inf"))
        )
        lines.append(
            f"| `{record['name']}` | {_number(record['p50_ms'])} | {_number(record['p95_ms'])} "
            f"| {_number(record['p99_ms'])} | {_number(record['rps'])} | {_number(target, 0)}/s"
            + (
                f", p95 ≤ {_number(record['target_p95_ms'], 0)}"
                if "target_p95_ms" in record
                else ""
            )
            + f" | {'oui' if reached else '**non**'} |"
        )
    return lines


def _number(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}".replace(",", " ").replace(".", ",")


def markdown_render(
    records: list[dict[str, Any]],
    *,
    config: Config,
    machine: dict[str, str],
    seeding: Seeding,
    dataset: str,
    date: str,
) -> str:
    pages = {page.name: page for page in PAGES}
    if seeding.built:
        seed = f"construites par cette exécution en {_number(seeding.seconds)} s"
    else:
        seed = (
            "déjà présentes, réutilisées (`BENCH_FRESH=true make bench` les reconstruit "
            "et mesure leur construction)"
        )
    lines = [
        "# Mesures de charge",
        "",
        f"Produites par `make bench` (`bench/run.py`) le {date}, sur une machine à "
        f"{machine['nproc']} cœurs. Pour reproduire : `make bench` (PostgreSQL et Redis "
        "démarrés, voir le README) ; `BENCH_DURATION=30s make bench` allonge chaque mesure.",
        "",
        f"- **Données** : base PostgreSQL `{BENCH_DATABASE}` (ANALYZE avant les mesures) "
        "chargée par "
        f"`manage.py seed_demo --scale` ({dataset.removeprefix('scale: ')}), {seed}.",
        f"- **Serveur** : gunicorn, {config.workers} workers synchrones, `DEBUG=false`, "
        "sur la même machine que PostgreSQL.",
        f"- **Charge** : wrk, {config.threads} threads, {config.connections} connexions, "
        f"{config.duration} par page après {config.warmup} de chauffe. wrk tourne sur la même "
        "machine : les chiffres se comparent entre eux, pas à une production. Sur une machine "
        "virtuelle partagée, deux exécutions diffèrent de 10 à 30 % : lire les ordres de "
        "grandeur et l'écart à la baseline.",
        "- **Baseline** (« limite physique ») : pour chaque page, une vue Django minimale "
        "(`dui/bench_views.py`, servie seulement avec `DUI_BENCH_VIEWS=true`) renvoie les mêmes "
        "lignes avec une seule requête SQL écrite à la main et une réponse sans gabarit ; elle "
        "garde la session et l'authentification. L'écart entre une page et sa baseline est ce "
        "que coûtent l'ORM, la politique d'accès et les gabarits.",
        "- **Cible** : pour les pages qu'un ticket chiffre (temps serveur), une mesure de plus "
        "une requête à la fois (client HTTP en Python, nouvelle connexion à chaque requête), "
        "sans attente derrière d'autres requêtes, les pages concernées à tour de rôle "
        f"({config.duration} par page en tout) : les phases lentes et rapides de la machine "
        "tombent sur chacune d'elles, pas sur celle qu'on mesurait à ce moment-là.",
        "- **Requêtes SQL** : nombre de requêtes par appel de la page, session et utilisateur "
        "compris, compté dans le processus avec le client de test de Django "
        "(`bench/queries.py`).",
        "",
        "Latences en millisecondes. Résultats lisibles par machine : `docs/benchmarks.json`.",
        "",
        "| page | p50 | p95 | p99 | req/s | requêtes SQL | baseline p95 "
        "| cible : p95 à 1 connexion |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for record in records:
        if record.get("mode") == "in-process" or _is_interop(record):
            continue  # their own sections, below (bench/quotidien.py, interop)
        page = pages.get(record["name"])
        label = page.label if page else record["name"]
        lines.append(
            f"| {label} | {_number(record['p50_ms'])} | {_number(record['p95_ms'])} "
            f"| {_number(record['p99_ms'])} | {_number(record['rps'], 0)} "
            f"| {record['queries']} | {_number(record['baseline_p95_ms'])} "
            f"| {_target(record)} |"
        )
    lines += ["", "## Pages mesurées", ""]
    for record in records:
        page = pages.get(record["name"])
        if page is None:
            continue
        who = f"`{page.username}`" if page.username else "anonyme"
        lines.append(
            f"- `{page.name}` : `{page.method} {page.url}` ({who}), baseline "
            f"`{page.method} {page.baseline_url}`"
            + (f", corps {dict(page.form)}" if page.form else "")
            + "."
        )
    lines += [
        "",
        "Ajouter une page : une ligne `Page(...)` dans `bench/pages.py` et sa baseline dans "
        "`dui/bench_views.py`.",
        *bench_quotidien.markdown(records),
        *interop_markdown(records),
        "",
        "## Machine",
        "",
        f"- Cœurs (nproc) : {machine['nproc']}",
        f"- Processeur : {machine['cpu']}",
        f"- Mémoire : {machine['memory']}",
        f"- PostgreSQL : {machine['postgresql']}",
        f"- Python {machine['python']}, Django {machine['django']}, "
        f"gunicorn {machine['gunicorn']}, {machine['wrk']}",
        "",
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------
def run(config: Config, workdir: Path) -> None:
    if shutil.which("wrk") is None:
        raise BenchError("wrk est introuvable : installez-le (Debian : apt-get install wrk).")
    env = bench_env(config, workdir / "static")
    django_setup(env)
    from dui.demo_data import BENCH_PASSWORD, SCALE_ORGANISME  # needs Django set up

    database_prepare(config)
    seeding = data_prepare(config, env, SCALE_ORGANISME)
    notes = bench_quotidien.notes_prepare(lambda *args: _manage(env, *args))
    print("ANALYZE de la base de mesure")
    database_analyze(config)
    _manage(env, "collectstatic", "--noinput", "-v0")
    print("Comptage des requêtes SQL par page")
    counted = queries_count(env)
    dataset = (
        f"scale: {counted['dataset']['etablissements']} établissements, "
        f"{_number(counted['dataset']['usagers'], 0)} usagers"
    )
    server = Server(env, config.workers, GUNICORN_LOG)
    try:
        server.wait_ready()
        cookies: dict[str | None, str | None] = {None: None}
        for page in PAGES:
            if page.username not in cookies:
                cookies[page.username] = session_login(server.port, page.username, BENCH_PASSWORD)
        bodies = {page.name: post_body(page, cookies[page.username]) for page in PAGES}
        for page in PAGES:
            who = page.username or "anonyme"
            body = bodies[page.name]
            url_check(server.port, page.url, cookies[page.username], who, body)
            url_check(server.port, page.baseline_url, cookies[page.username], who, body)
        date = datetime.now().astimezone().isoformat(timespec="seconds")
        records = []
        for page in PAGES:
            print(f"Mesure de {page.name} ({config.duration} + baseline)")
            cookie, body = cookies[page.username], bodies[page.name]
            load = page_measure(config, server.port, page.url, cookie, body)
            baseline = page_measure(config, server.port, page.baseline_url, cookie, body)
            print(
                f"  p50 {load.p50_ms:.1f} ms, p95 {load.p95_ms:.1f} ms, p99 {load.p99_ms:.1f} ms, "
                f"{load.rps:.0f} req/s, {counted['queries'][page.name]} requêtes SQL ; "
                f"baseline p95 {baseline.p95_ms:.1f} ms, {baseline.rps:.0f} req/s"
            )
            records.append(
                {
                    "name": page.name,
                    "p50_ms": round(load.p50_ms, 2),
                    "p95_ms": round(load.p95_ms, 2),
                    "p99_ms": round(load.p99_ms, 2),
                    "rps": round(load.rps, 1),
                    "queries": counted["queries"][page.name],
                    "baseline_p95_ms": round(baseline.p95_ms, 2),
                    "dataset": dataset,
                    "date": date,
                }
            )
        # The issues' targets are server time: one request at a time, nothing queued before
        # it, the pages with a target in turn.
        targeted = [page for page in PAGES if page.target_p95_ms is not None]
        print(f"Temps serveur, une requête à la fois : {', '.join(p.name for p in targeted)}")
        alone = in_turn_measure(config, server.port, targeted, cookies, bodies)
        for record in records:
            page = next(p for p in PAGES if p.name == record["name"])
            if page.target_p95_ms is not None:
                figures = alone[page.name]
                record["target_p95_ms"] = page.target_p95_ms
                record["p95_1_connexion_ms"] = round(figures.p95_ms, 2)
                record["p50_1_connexion_ms"] = round(figures.p50_ms, 2)
                print(
                    f"  {page.name} : p50 {figures.p50_ms:.1f} ms, p95 {figures.p95_ms:.1f} ms "
                    f"({figures.requests} requêtes)"
                )
    finally:
        server.stop()
    print("Quotidien : temps serveur dans le processus (bench/quotidien.py)")
    records += bench_quotidien.measure(env, PYTHON, notes=notes, dataset=dataset, date=date)
    failed: list[str] = []
    if os.getenv("BENCH_INTEROP", "true").lower() in ("1", "true", "yes", "on"):
        # Each writes its own records into docs/benchmarks.json; records_merge keeps them. They
        # run with the environment `make bench` was given, not the bench server's (push.py has
        # its own database and settings).
        for script in ("builders.py", "push.py"):
            print(f"Documents échangés : bench/{script}")
            result = subprocess.run(
                [PYTHON, str(BENCH_DIR / script)],
                cwd=ROOT,
                env=LAUNCH_ENV | {"DATABASE_URL": config.database_url},
            )
            # builders.py exits 1 when measured but below a target (shown in the table);
            # push.py exits 1 when a document was lost or delivered twice: a failure.
            accepted = (0, 1) if script == "builders.py" else (0,)
            if result.returncode not in accepted:
                failed.append(f"bench/{script} a échoué (code {result.returncode})")
    machine = machine_facts(config)
    merged = records_merge(records)
    DOCS_DIR.mkdir(exist_ok=True)
    JSON_PATH.write_text(json.dumps(merged, indent=2, ensure_ascii=False) + "\n", "utf-8")
    MARKDOWN_PATH.write_text(
        markdown_render(
            merged,
            config=config,
            machine=machine,
            seeding=seeding,
            dataset=dataset,
            date=date[:10],
        ),
        "utf-8",
    )
    print(f"Écrit : {JSON_PATH.relative_to(ROOT)}, {MARKDOWN_PATH.relative_to(ROOT)}")
    if failed:  # after writing what was measured
        raise BenchError(" ; ".join(failed))


def main() -> int:
    config = Config.from_env()
    with tempfile.TemporaryDirectory(prefix="dui-bench-") as workdir:
        try:
            run(config, Path(workdir))
        except BenchError as error:
            print(f"ÉCHEC : {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
