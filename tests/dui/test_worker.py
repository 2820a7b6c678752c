"""A task sent to Celery is executed by a real worker process over Redis."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from dui.models import WorkerHeartbeat
from dui.tasks import worker_heartbeat

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker_process(transactional_db):
    """A `celery worker` subprocess on the test database and a private queue."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "dui",
            "worker",
            "-Q",
            queue,
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=WARNING",
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield queue
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.mark.worker
def test_heartbeat_task_is_run_by_the_worker_process(worker_process):
    connection.close()  # the worker writes through its own connection
    worker_heartbeat.apply_async(queue=worker_process)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        row = WorkerHeartbeat.objects.filter(hostname__startswith=worker_process).first()
        if row is not None:
            break
        time.sleep(0.3)
    else:
        pytest.fail("the worker did not run the task within 60 s")
    assert row.hostname.startswith(f"{worker_process}@")


def _heartbeat_done(queue: str, count: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if WorkerHeartbeat.objects.filter(hostname__startswith=queue).count() >= count:
            return
        time.sleep(0.3)
    pytest.fail("the worker did not run the task within 60 s")


def _other_backends() -> set[tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, backend_start::text FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return set(cursor.fetchall())


@pytest.mark.worker
def test_the_worker_keeps_its_database_connection_between_tasks(worker_process):
    """Celery's Django fixup closes the connection around every task unless
    CELERY_DB_REUSE_MAX is set: a new PostgreSQL backend per task (measured as the largest
    CPU item of the push benchmark). The same backend must serve the next task."""
    connection.close()
    WorkerHeartbeat.objects.all().delete()
    worker_heartbeat.apply_async(queue=worker_process)
    _heartbeat_done(worker_process, 1)
    after_first = _other_backends()
    assert after_first, "the worker closed its connection after the task"
    for _ in range(2):
        WorkerHeartbeat.objects.all().delete()
        worker_heartbeat.apply_async(queue=worker_process)
        _heartbeat_done(worker_process, 1)
    assert after_first & _other_backends()
