"""Serve the embedded demo: gunicorn and a real Celery worker (with beat), side by side."""

import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dui.tasks import worker_heartbeat
from securite.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

# gunicorn access log: %(U)s is the path without the query string (docker-compose.yml too).
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)s'


class Command(BaseCommand):
    help = "Lance le serveur web et un worker Celery pour la démonstration (Ctrl+C pour arrêter)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise CommandError("La démonstration exige un vrai worker : désactivez le mode eager.")
        bind = f"{options['host']}:{options['port']}"
        worker = subprocess.Popen(  # noqa: S603 - fixed argv, no user input
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "dui",
                "worker",
                "--beat",
                "--loglevel=INFO",
                "--pool=prefork",
                "--concurrency=2",
                "--schedule",
                str(settings.VAR_DIR / "celerybeat-schedule"),
            ],
        )
        web = subprocess.Popen(  # noqa: S603 - fixed argv, no user input
            [
                sys.executable,
                "-m",
                "gunicorn",
                "dui.wsgi:application",
                "--bind",
                bind,
                "--workers",
                "2",
                "--access-logfile",
                "-",
                # The path alone, never the query string: no identifier in the logs.
                "--access-logformat",
                ACCESS_LOG_FORMAT,
            ],
        )
        # First heartbeat now rather than in a minute: /sante/ shows the worker consuming.
        worker_heartbeat.delay()
        self._print_banner(bind)
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and worker.poll() is None and web.poll() is None:
                time.sleep(0.5)
        finally:
            for process in (web, worker):
                if process.poll() is None:
                    process.terminate()
            for process in (web, worker):
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
        if not stopping:
            raise CommandError(
                "Le serveur web ou le worker s'est arrêté : voir les messages ci-dessus."
            )

    def _print_banner(self, bind: str) -> None:
        lines = [
            "",
            "=" * 72,
            f"  DUI de démonstration : http://{bind}/",
            f"  Broker Celery : {settings.CELERY_BROKER_URL.split('://')[0]}:// ; base : "
            f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}",
            f"  Mot de passe de tous les comptes : {DEMO_PASSWORD}",
            "",
        ]
        lines += [f"  {a.username:<14} {a.persona}" for a in DEMO_ACCOUNTS]
        lines += ["=" * 72, ""]
        self.stdout.write("\n".join(lines))
