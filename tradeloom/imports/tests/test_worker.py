"""All or nothing under a killed worker: a real Celery worker (prefork, one child) commits a slow file; its process is
killed outright mid-file; no row is left, and the redelivered task commits the file whole.

The rows really commit (the worker is another process), so this test makes its own organisation and removes what
it can at the end, as the owner role (fixtures from core/tests/test_worker.py)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from tradeloom.catalog.models import UnitOfMeasure
from tradeloom.core import embedded_redis
from tradeloom.core.context import tenant_context
from tradeloom.core.models import Job, OutboxEntry
from tradeloom.core.tests.test_worker import (  # noqa: F401 - fixtures
    ROOT,
    VISIBILITY_TIMEOUT,
    _database_env,
    _kill_tree,
    _wait_for,
    broker,
    redis_dir,
)
from tradeloom.imports import services
from tradeloom.imports.models import ImportMapping, ImportRun
from tradeloom.imports.tests.worker_entities import STALL_FILE
from tradeloom.tenancy.models import Membership, Organization
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.tests.factories import MembershipFactory, OrganizationFactory

ROWS = 6
CONTENT = ("Code,Name\n" + "".join(f"u{i},Unit {i}\n" for i in range(ROWS))).encode()


def _start_worker(broker_url: str, redis_path: Path, log: Path, stall: Path) -> subprocess.Popen[bytes]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))}
    env = {
        **clean,
        **_database_env(),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "REDIS_URL": embedded_redis.cache_url(redis_path),
        "CELERY_BROKER_URL": broker_url,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        "TRADELOOM_CELERY_IMPORTS": "tradeloom.imports.tests.worker_entities",
        STALL_FILE: str(stall),
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork", "--concurrency", "1"]
    flags = [
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
        "--loglevel",
        "INFO",
        "--hostname",
        "imports@%h",
    ]
    process = subprocess.Popen([*command, *flags], cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while b" ready." not in log.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the worker did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)
    return process


@pytest.fixture
def committed(django_db_setup: None, django_db_blocker: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    # After the browser tests in the same session, Playwright's event loop is set on this thread and Django would take
    # the fixture's new connections for async code; nothing here is async.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with django_db_blocker.unblock():
        organization = OrganizationFactory(name="Import Worker Co", slug=f"imp-{uuid.uuid4().hex[:12]}")
        manager = MembershipFactory(organization=organization, role=Role.MANAGER)
        yield organization, manager
        for model in (UnitOfMeasure, ImportRun, ImportMapping, OutboxEntry, Job, Membership):
            with contextlib.suppress(Exception):  # best effort: an append-only table keeps its rows
                model.objects.using("owner").filter(organization=organization).delete()
        connections.close_all()


def _state(organization: Organization, run: ImportRun, job: Job) -> tuple[int, str, str]:
    with tenant_context(organization):
        return (
            UnitOfMeasure.objects.count(),
            ImportRun.objects.get(pk=run.pk).status,
            Job.objects.get(pk=job.pk).status,
        )


def test_a_worker_killed_mid_commit_leaves_no_row_and_the_redelivered_task_commits_the_file_whole(
    committed, request, django_db_blocker, tmp_path
):
    organization, manager = committed
    broker_url, redis_path = request.getfixturevalue("broker"), request.getfixturevalue("redis_dir")
    stall = tmp_path / "stalled.pid"
    with django_db_blocker.unblock():
        process = _start_worker(broker_url, redis_path, tmp_path / "worker.log", stall)
        try:
            # given a file checked clean
            with tenant_context(organization):
                run = services.import_upload(
                    organization=organization, by=manager, entity="test_slow_units", upload=CONTENT, filename="u.csv"
                )
            with tenant_context(organization):
                run = services.import_check(run=run, by=manager)
            assert run.counts["created"] == ROWS
            # when its commit starts and the worker's process is killed mid-file
            with tenant_context(organization):
                job = services.import_commit_start(run=run, by=manager)
            _wait_for(stall.exists, timeout=60)
            # (while the file's transaction is open, its progress is already visible and none of its rows are)
            assert _state(organization, run, job) == (0, ImportRun.Status.COMMITTING, Job.Status.RUNNING)
            os.kill(int(stall.read_text()), signal.SIGKILL)
            # then the task is redelivered and commits the file whole, once
            _wait_for(lambda: _state(organization, run, job)[1] == ImportRun.Status.COMMITTED, timeout=90)
            assert _state(organization, run, job) == (ROWS, ImportRun.Status.COMMITTED, Job.Status.SUCCEEDED)
            with tenant_context(organization):
                assert ImportRun.objects.get(pk=run.pk).counts["created"] == ROWS
        finally:
            _kill_tree(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
