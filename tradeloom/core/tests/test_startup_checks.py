"""Startup checks: no process serves on a database role that could escape row-level security, and production
settings refuse to run without a cache and a broker every process shares.

The throw-away roles are made by the embedded server's superuser (the owner role may not create roles) in the test
database, and dropped at the end; with an external DATABASE_URL those tests skip.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connections
from psycopg import sql

from tradeloom.core import embedded_postgres, startup
from tradeloom.core.postgres.base import DatabaseWrapper

ROOT = Path(__file__).resolve().parents[3]
SECRET = "a-long-random-production-secret-key-with-enough-entropy-0123456789abcdef"


def _clean_environ() -> dict[str, str]:
    prefixes = ("DJANGO_", "DATABASE_", "REDIS_", "TRADELOOM_", "CELERY_", "PROMETHEUS_", "METRICS_")
    return {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}


def production_settings(env: dict[str, str]) -> dict[str, Any]:
    """Import ``config.settings.production`` in a fresh process with ``env``; what it decided, or its refusal."""
    script = (
        "import json, config.settings.production as s; print(json.dumps({'cache': s.CACHES['default']['BACKEND'], "
        "'broker': s.CELERY_BROKER_URL, 'checks': s.STARTUP_CHECKS, 'exempt': s.SECURE_REDIRECT_EXEMPT}))"
    )
    base = {
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_ALLOWED_HOSTS": "tradeloom.example.com",
        "DATABASE_URL": "postgres://tradeloom_app:pw@db.invalid:5432/tradeloom",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**_clean_environ(), **base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode:
        return {"refused": result.stderr.strip().splitlines()[-1]}
    decided: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return decided


def test_production_settings_use_the_shared_redis_for_cache_and_broker_and_run_the_startup_checks():
    decided = production_settings({"REDIS_URL": "redis://cache.internal:6379/0"})
    assert decided["cache"] == "tradeloom.core.cache.RedisCache"
    assert decided["broker"] == "redis://cache.internal:6379/0"
    assert decided["checks"] is True
    assert r"^metrics$" in decided["exempt"]


def test_production_settings_refuse_without_redis_or_with_an_in_process_broker():
    assert "Production needs REDIS_URL" in production_settings({})["refused"]
    refused = production_settings({"REDIS_URL": "redis://cache.internal:6379/0", "CELERY_BROKER_URL": "memory://"})
    assert "CELERY_BROKER_URL must be a broker every process shares" in refused["refused"]


def test_the_benchmarks_per_process_cache_is_still_accepted_only_when_asked_for():
    # tradeloom/bench/run.py sets it for its one-machine gunicorn; nothing else should
    decided = production_settings({"TRADELOOM_PER_PROCESS_CACHE": "1"})
    assert decided["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert decided["broker"] == "memory://"


# --- the database role --------------------------------------------------------------------------------------------


@pytest.fixture
def superuser_sql(django_db_setup: None, django_db_blocker: Any) -> Iterator[Callable[..., None]]:
    """Run statements as the embedded server's superuser in the test database; roles made are dropped after."""
    embedded = connections["default"].settings_dict.get("EMBEDDED")
    if not embedded:
        pytest.skip("needs the embedded server's superuser to create throw-away roles (DATABASE_URL is external)")
    with django_db_blocker.unblock():
        address = embedded_postgres.ensure_server(embedded["data_dir"], ephemeral=embedded["ephemeral"])
        name = connections["default"].settings_dict["NAME"]
    conn = psycopg.connect(host=address.socket_dir, port=address.port, user="postgres", dbname=name, autocommit=True)
    made: list[str] = []

    def run(statement: str, *identifiers: str) -> None:
        conn.execute(sql.SQL(statement).format(*(sql.Identifier(i) for i in identifiers)))

    run.made = made
    yield run
    for role in made:
        run("DROP OWNED BY {}", role)
        run("DROP ROLE {}", role)
    conn.close()


@pytest.fixture
def throwaway_role(superuser_sql: Callable[..., None]) -> Callable[[str], str]:
    """``throwaway_role("SUPERUSER")`` → the name of a new login role with those attributes."""

    def make(attributes: str = "") -> str:
        role = f"tl_check_{os.getpid()}_{time.time_ns()}"
        superuser_sql(f"CREATE ROLE {{}} LOGIN NOINHERIT {attributes}", role)
        superuser_sql.made.append(role)
        return role

    return make


def _as(role: str, django_db_blocker: Any) -> list[str]:
    wrapper = DatabaseWrapper({**connections["default"].settings_dict, "USER": role}, "default")
    try:
        with django_db_blocker.unblock():
            return startup.database_role_problems(connection=wrapper)
    finally:
        wrapper.close()


def test_a_superuser_role_is_refused(throwaway_role, django_db_blocker):
    role = throwaway_role("SUPERUSER")
    assert _as(role, django_db_blocker) == [f"the database role {role!r} is a superuser"]


def test_a_role_with_bypassrls_is_refused(throwaway_role, django_db_blocker):
    problems = _as(throwaway_role("BYPASSRLS"), django_db_blocker)
    assert len(problems) == 1
    assert "has BYPASSRLS" in problems[0]


def test_a_role_owning_a_table_in_the_apps_schema_is_refused(throwaway_role, superuser_sql, django_db_blocker):
    role = throwaway_role()
    superuser_sql("CREATE TABLE public.{} (id int)", f"{role}_t")
    superuser_sql("ALTER TABLE public.{} OWNER TO {}", f"{role}_t", role)
    problems = _as(role, django_db_blocker)
    assert problems == [f"the database role {role!r} owns 1 tables or sequences (public.{role}_t)"]


def test_a_role_that_can_become_the_owner_is_refused(throwaway_role, superuser_sql, django_db_blocker):
    role = throwaway_role()
    superuser_sql("GRANT {} TO {}", embedded_postgres.OWNER_ROLE, role)
    problems = _as(role, django_db_blocker)
    assert any("BYPASSRLS" in problem and embedded_postgres.OWNER_ROLE in problem for problem in problems)
    assert any("owns" in problem and "tables" in problem for problem in problems)


@pytest.mark.django_db(databases=["default", "owner"])
def test_the_app_role_passes_and_the_system_check_leaves_the_owner_alias_alone():
    assert startup.database_role_problems("default") == []
    assert startup.check_database_role(databases=["default", "owner"]) == []
    assert [error.id for error in startup.check_database_role(databases=None)] == []


def test_the_system_check_reports_each_problem(throwaway_role, superuser_sql, django_db_blocker, monkeypatch):
    role = throwaway_role("BYPASSRLS")
    superuser_sql("GRANT {} TO {}", embedded_postgres.OWNER_ROLE, role)
    monkeypatch.setitem(connections["default"].settings_dict, "USER", role)
    connections["default"].close()
    try:
        with django_db_blocker.unblock():
            errors = startup.check_database_role(databases=["default"])
    finally:
        connections["default"].close()
    # BYPASSRLS of its own, the owner's BYPASSRLS by membership, the owner's schema and tables
    assert [error.id for error in errors] == ["tradeloom.E001"] * 4
    assert "has BYPASSRLS" in errors[0].msg
    assert "docs/operations.md" in (errors[0].hint or "")


# --- the processes refuse for real --------------------------------------------------------------------------------


def _process_env(role: str, **extra: str) -> dict[str, str]:
    params = connections["owner"].get_connection_params()
    url = "postgres://{user}@/{name}?host={host}&port={port}"
    host, port, name = params["host"], params.get("port", 5432), params["dbname"]
    return {
        **_clean_environ(),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": SECRET,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": url.format(user=role, name=name, host=host, port=port),
        "DATABASE_OWNER_URL": url.format(user=embedded_postgres.OWNER_ROLE, name=name, host=host, port=port),
        "TRADELOOM_PER_PROCESS_CACHE": "1",  # no Redis here: a per-process cache and an in-process broker
        **extra,
    }


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _health_count(port: int) -> float:
    from tradeloom.core.tests.test_metrics import samples

    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30) as response:
        found = samples(response.read().decode())
    return found.get(("tradeloom_http_requests_total", (("method", "GET"), ("route", "health"), ("status", "2xx"))), 0)


def _gunicorn(env: dict[str, str], port: int) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "--workers", "2"]
    return subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_gunicorn_and_the_celery_worker_refuse_to_start_as_a_superuser(throwaway_role, django_db_blocker):
    role = throwaway_role("SUPERUSER")
    with django_db_blocker.unblock():
        env = _process_env(role)
    # when gunicorn starts in production as a superuser
    web = _gunicorn(env, _free_port())
    try:
        _, web_err = web.communicate(timeout=90)
    finally:
        web.kill()
    # then its workers fail to boot and gunicorn stops, saying why
    assert web.returncode == 3, web_err[-2000:]
    assert "Refusing to start: the database role" in web_err
    assert "is a superuser" in web_err
    # and so does the Celery worker
    worker = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--without-mingle"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert worker.returncode == startup.EXIT_CONFIG, worker.stderr[-2000:]
    assert "Refusing to start: the database role" in worker.stderr


@pytest.mark.django_db(databases=["default", "owner"])
def test_gunicorn_starts_as_the_app_role_and_its_workers_metrics_add_up(tmp_path, django_db_blocker):
    # given production settings as the app role, and a metrics directory with a previous run's file in it
    directory = tmp_path / "metrics"
    directory.mkdir()
    (directory / "counter_999999999.db").write_bytes(b"stale")
    env = _process_env(embedded_postgres.APP_ROLE, PROMETHEUS_MULTIPROC_DIR=str(directory))
    port = _free_port()
    web = _gunicorn(env, port)
    try:
        # when it is up and serves twenty requests across its two workers
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2)
                break
            except OSError:
                if web.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(web.stderr.read() if web.stderr else "gunicorn did not start") from None
                time.sleep(0.2)
        before = _health_count(port)
        for _ in range(20):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=30)
        # then a scrape from loopback, over plain http (exempt from the https redirect), adds the workers' counts
        after = _health_count(port)
    finally:
        web.terminate()
        web.wait(timeout=30)
    assert after - before == 20
    assert not (directory / "counter_999999999.db").exists()
    pids = {path.name.removesuffix(".db").rpartition("_")[2] for path in directory.glob("histogram_*.db")}
    assert len(pids) == 2, pids  # both workers loaded the application and write their own files


def test_manage_check_deploy_with_the_database_names_the_problem(throwaway_role, django_db_blocker):
    role = throwaway_role("BYPASSRLS")
    with django_db_blocker.unblock():
        bad, good = _process_env(role), _process_env(embedded_postgres.APP_ROLE)
    command = [sys.executable, "manage.py", "check", "--deploy", "--database", "default"]
    refused = subprocess.run(command, cwd=ROOT, env=bad, capture_output=True, text=True, timeout=120, check=False)
    assert refused.returncode == 1
    assert f"tradeloom.E001) the database role '{role}' has BYPASSRLS ('default')." in refused.stderr
    passed = subprocess.run(command, cwd=ROOT, env=good, capture_output=True, text=True, timeout=120, check=False)
    assert passed.returncode == 0, passed.stderr[-2000:]
    assert "tradeloom.E00" not in passed.stderr + passed.stdout
