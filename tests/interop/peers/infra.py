"""Private infrastructure for the fault tests: a free port, a private redis-server, a private
PostgreSQL cluster (initdb into a temporary folder) and a real Celery worker process. The
shared PostgreSQL (5432) and Redis (6379) of the machine are never stopped nor restarted."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PG_BIN = Path(os.getenv("PG_BIN", "/usr/lib/postgresql/15/bin"))


def port_libre() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _attendre_port(port: int, timeout: float) -> bool:
    fin = time.monotonic() + timeout
    while time.monotonic() < fin:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class RedisPrive:
    """A redis-server of our own on a free port (no persistence)."""

    def __init__(self, dossier: Path) -> None:
        self.dossier = dossier
        self.port = port_libre()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.dossier.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dossier),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not _attendre_port(self.port, 10):
            raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None


class PostgresPrive:
    """A PostgreSQL cluster of our own (initdb in a temporary folder, run as the `postgres`
    system user when the tests run as root, since PostgreSQL refuses to run as root)."""

    def __init__(self, dossier: Path) -> None:
        self.dossier = dossier
        self.data = dossier / "data"
        self.port = port_libre()

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = list(args)
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def init(self) -> None:
        self.dossier.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.dossier, "postgres", "postgres")
        self._run(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
        )

    def start(self) -> None:
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-w",
            "-t",
            "60",
            "-l",
            str(self.dossier / "pg.log"),
            "-o",
            f"-p {self.port} -k {self.dossier} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )

    def restart(self) -> None:
        # -l again: without it the new server would keep our output pipe open.
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-w",
            "-t",
            "60",
            "-m",
            "fast",
            "-l",
            str(self.dossier / "pg.log"),
            "restart",
        )

    def stop(self) -> None:
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-w",
            "-m",
            "immediate",
            "stop",
            check=False,
        )


class Worker:
    """A real `celery worker` process (prefork, acks late, prefetch 1: the shipped
    settings), with an embedded beat for the sweeper when asked."""

    def __init__(
        self,
        env: dict[str, str],
        dossier: Path,
        *,
        concurrency: int = 1,
        beat: bool = True,
        nom: str = "w",
    ) -> None:
        self.env = env
        self.dossier = dossier
        self.concurrency = concurrency
        self.beat = beat
        self.nom = nom
        self.process: subprocess.Popen[bytes] | None = None
        self.log = dossier / f"worker-{nom}.log"

    def start(self) -> None:
        self.dossier.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "dui",
            "worker",
            "--pool=prefork",
            f"--concurrency={self.concurrency}",
            "--loglevel=INFO",
            "-n",
            f"{self.nom}-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
        ]
        if self.beat:
            command += ["-B", "-s", str(self.dossier / f"beat-{self.nom}")]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def tuer(self) -> None:
        """SIGKILL the whole worker (main process and pool children), like an OOM kill."""
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
            self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None
