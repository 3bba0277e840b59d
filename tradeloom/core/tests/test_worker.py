"""The outbox and once-only tasks against a real broker (the embedded Redis) and a real Celery worker process.

These tests commit for real (the worker is another process and sees only committed rows), so they do not run
inside a test transaction: each makes its own organisation and deletes everything it made, as the owner role.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from django.db import connections, transaction

from tradeloom.core import embedded_redis
from tradeloom.core.context import tenant_context
from tradeloom.core.models import Job, OutboxEntry
from tradeloom.core.outbox import outbox_enqueue, outbox_sweep
from tradeloom.core.tests import worker_tasks  # noqa: F401 - the tasks this process publishes and the worker runs
from tradeloom.tenancy.models import Organization

ROOT = Path(__file__).resolve().parents[3]
VISIBILITY_TIMEOUT = 3  # seconds before a task whose worker vanished is handed out again


@pytest.fixture
def redis_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="tl-redis-"))
    embedded_redis.ensure_server(path, attach=False)
    yield path
    embedded_redis.stop_server(path)
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def broker(redis_dir: Path, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """This process publishes to the embedded Redis instead of running tasks eagerly."""
    from config.celery import app
    from tradeloom.core import outbox

    monkeypatch.setattr(outbox, "_broker_down_until", 0.0)

    url = embedded_redis.broker_url(redis_dir)
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "broker_transport_options")}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.broker_url = url
    app.conf.broker_transport_options = {**saved["broker_transport_options"], "visibility_timeout": VISIBILITY_TIMEOUT}
    _reset_pools(app)
    yield url
    _reset_pools(app)
    for key, value in saved.items():
        app.conf[key] = value


def _reset_pools(app: Any) -> None:
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


@pytest.fixture
def committed(django_db_setup: None, django_db_blocker: Any) -> Iterator[Organization]:
    """An organisation whose rows really commit; removed with everything of it at the end."""
    with django_db_blocker.unblock():
        organization = Organization.objects.create(name="Worker Test Co", slug=f"worker-{os.getpid()}-{time.time_ns()}")
        yield organization
        for model in (OutboxEntry, Job):
            model.objects.using("owner").filter(organization=organization).delete()
        Organization.objects.using("owner").filter(pk=organization.pk).delete()
        connections.close_all()


def _database_env() -> dict[str, str]:
    params = connections["owner"].get_connection_params()
    url = "postgres://{user}@/{name}?host={host}&port={port}"
    host, port, name = params["host"], params.get("port", 5432), params["dbname"]
    return {
        "DATABASE_URL": url.format(user="tradeloom_app", name=name, host=host, port=port),
        "DATABASE_OWNER_URL": url.format(user="tradeloom_owner", name=name, host=host, port=port),
    }


@pytest.fixture
def worker(broker: str, redis_dir: Path, django_db_blocker: Any, tmp_path: Path) -> Iterator[Callable[[], Any]]:
    """``start()`` a Celery worker process (prefork, one child) on the test database and the embedded broker."""
    with django_db_blocker.unblock():
        database = _database_env()
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))}
        env = {
            **clean,
            **database,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "REDIS_URL": embedded_redis.cache_url(redis_dir),
            "CELERY_BROKER_URL": broker,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
            "CELERY_UNACKED_RESTORE_THROTTLE": "1",
            "TRADELOOM_CELERY_IMPORTS": "tradeloom.core.tests.worker_tasks",
            "PYTHONUNBUFFERED": "1",
        }
        log = tmp_path / f"worker-{len(started)}.log"
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork", "--concurrency", "1"]
        flags = ["--without-mingle", "--without-gossip", "--without-heartbeat", "--loglevel", "INFO"]
        process = subprocess.Popen(
            [*command, *flags, "--hostname", f"test-{len(started)}@%h"],
            cwd=ROOT,
            env=env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        deadline = time.monotonic() + 60
        while b" ready." not in log.read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)
        return process

    yield start
    for process in started:
        _kill_tree(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _kill_tree(pid: int, sig: signal.Signals) -> None:
    try:
        parent = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return
    for child in parent.children(recursive=True):
        child.send_signal(sig)
    parent.send_signal(sig)


def _new_job(organization: Organization) -> Job:
    with tenant_context(organization):
        return Job.objects.create(organization=organization, kind="audit_export")


def _enqueue(organization: Organization, job: Job, word: str, **extra: Any) -> OutboxEntry:
    with tenant_context(organization):
        return outbox_enqueue(
            "tests.append_to_job", organization_id=organization.pk, job_id=str(job.pk), word=word, **extra
        )


def _enqueue_then_fail(organization: Organization, job: Job) -> None:
    with tenant_context(organization):
        outbox_enqueue("tests.append_to_job", organization_id=organization.pk, job_id=str(job.pk), word="ghost")
        raise RuntimeError("the change fails")


def _message(organization: Organization, job: Job) -> str:
    with tenant_context(organization):
        return str(Job.objects.get(pk=job.pk).message)


def _entry(organization: Organization, pk: Any) -> OutboxEntry:
    with tenant_context(organization):
        return OutboxEntry.objects.get(pk=pk)


def _wait_for(condition: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.1)


def test_an_effect_written_in_a_transaction_is_run_by_the_worker_after_commit(committed, worker):
    # given a running worker
    worker()
    job = _new_job(committed)
    # when a transaction writes an effect and commits
    entry = _enqueue(committed, job, "hello")
    # then the worker runs it once, and the entry is relayed and done
    _wait_for(lambda: _entry(committed, entry.pk).done_at is not None)
    assert _message(committed, job) == "hello;"
    assert _entry(committed, entry.pk).relayed_at is not None


def test_nothing_is_sent_for_a_transaction_that_rolls_back(committed, worker):
    worker()
    job = _new_job(committed)
    with pytest.raises(RuntimeError, match="the change fails"):
        _enqueue_then_fail(committed, job)
    # a later effect shows the worker is serving; the rolled-back one never ran
    real = _enqueue(committed, job, "real")
    _wait_for(lambda: _entry(committed, real.pk).done_at is not None)
    assert _message(committed, job) == "real;"
    with tenant_context(committed):
        assert OutboxEntry.objects.count() == 1


def test_a_task_delivered_again_after_it_ran_does_its_work_once(committed, worker):
    worker()
    job = _new_job(committed)
    entry = _enqueue(committed, job, "once")
    _wait_for(lambda: _entry(committed, entry.pk).done_at is not None)
    # when the broker hands the same entry out again (as after a lost acknowledgement)
    from tradeloom.core.outbox import outbox_relay

    assert outbox_relay([_entry(committed, entry.pk)]) == 1
    marker = _enqueue(committed, job, "after")
    _wait_for(lambda: _entry(committed, marker.pk).done_at is not None)
    # then its work happened once
    assert _message(committed, job) == "once;after;"


def test_a_worker_process_killed_mid_task_has_the_task_redelivered_and_the_effect_happens_once(
    committed, worker, tmp_path
):
    # given a task that stalls mid-way, its work written but not committed
    worker()
    job = _new_job(committed)
    stall = tmp_path / "stalled.pid"
    entry = _enqueue(committed, job, "survivor", stall_once=str(stall))
    _wait_for(stall.exists)
    # when the process running it is killed outright
    os.kill(int(stall.read_text()), signal.SIGKILL)
    # then the task goes back to the queue, runs again, and its effect is there exactly once
    _wait_for(lambda: _entry(committed, entry.pk).done_at is not None, timeout=60)
    assert _message(committed, job) == "survivor;"


def test_a_whole_worker_killed_mid_task_leaves_the_task_to_the_next_worker(committed, worker, tmp_path):
    # given a worker (parent and child) killed outright while its task stalls: nobody is left to give it back
    first = worker()
    job = _new_job(committed)
    stall = tmp_path / "stalled.pid"
    entry = _enqueue(committed, job, "handed-on", stall_once=str(stall))
    _wait_for(stall.exists)
    _kill_tree(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    # when another worker starts
    worker()
    # then after the visibility timeout the broker hands the unacknowledged task to it, and it runs once
    _wait_for(lambda: _entry(committed, entry.pk).done_at is not None, timeout=90)
    assert _message(committed, job) == "handed-on;"


def test_a_broker_stopped_during_writes_loses_no_outbox_entry(committed, worker, redis_dir, caplog):
    # given the broker down while ten changes commit
    job = _new_job(committed)
    embedded_redis.stop_server(redis_dir)
    entries = [_enqueue(committed, job, f"w{i}") for i in range(10)]
    # then every change committed with its entry, none relayed, and the failure was logged, not raised
    with tenant_context(committed):
        assert OutboxEntry.objects.filter(relayed_at__isnull=True).count() == 10
    assert "outbox relay failed" in caplog.text
    # when the broker is back and the sweep runs (beat runs it every minute)
    embedded_redis.ensure_server(redis_dir, attach=False)
    worker()
    from django.utils import timezone

    from tradeloom.core.outbox import SWEEP_GRACE

    assert outbox_sweep(now=timezone.now() + SWEEP_GRACE) == 10
    # then every effect happens, once each
    _wait_for(lambda: all(_entry(committed, e.pk).done_at for e in entries), timeout=60)
    assert sorted(_message(committed, job).rstrip(";").split(";")) == sorted(f"w{i}" for i in range(10))
    assert outbox_sweep(now=timezone.now() + SWEEP_GRACE) == 0


def test_the_worker_answers_the_heartbeat_that_readiness_reads(committed, worker, redis_dir, settings):
    # given a worker and the cache it writes to
    worker()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": embedded_redis.cache_url(redis_dir),
            "KEY_PREFIX": "tl",
        }
    }
    from django.core.cache import caches

    from tradeloom.core.tasks import HEARTBEAT_KEY, heartbeat

    # when beat's heartbeat task goes through the broker
    with transaction.atomic():
        heartbeat.delay()
    # then the worker records it
    _wait_for(lambda: caches.create_connection("default").get(HEARTBEAT_KEY) is not None)
