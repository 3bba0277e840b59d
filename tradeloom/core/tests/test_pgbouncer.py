"""Transaction pooling is safe for this app: a real PgBouncer in ``pool_mode = transaction`` with ONE server
connection in front of the test database, two clients' transactions interleaved on it.

Needs the ``pgbouncer`` binary (Debian package ``pgbouncer``); skipped without it. ``make deploy-check`` installs it
and runs this file. PgBouncer refuses to run as root: under root it runs as the embedded server's system user.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from tradeloom.catalog.models import UnitOfMeasure
from tradeloom.core import context
from tradeloom.core.prepared import PreparedQuery
from tradeloom.core.tests.committed import Tenants, committed_tenants, embedded_server, free_port

pytestmark = pytest.mark.django_db(databases=["default", "owner"])

ROOT = Path(__file__).resolve().parents[3]
APP_ROLE = "tradeloom_app"
POOLED_DATABASE = "tradeloom"


def _binary() -> str | None:
    return shutil.which("pgbouncer") or next((p for p in ("/usr/sbin/pgbouncer",) if Path(p).exists()), None)


@dataclass(frozen=True)
class Bouncer:
    port: int
    version: tuple[int, int]


def pgbouncer_version(binary: str) -> tuple[int, int]:
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10, check=True).stdout
    found = re.search(r"PgBouncer (\d+)\.(\d+)", out)
    assert found, out
    return int(found[1]), int(found[2])


@pytest.fixture(scope="module")
def bouncer(django_db_setup: None, django_db_blocker: Any) -> Iterator[Bouncer]:
    binary = _binary()
    if binary is None:
        pytest.skip("pgbouncer is not installed (Debian package pgbouncer; make deploy-check installs it, runs this)")
    with django_db_blocker.unblock():
        server = embedded_server()
        uid = server.system_uid()
    version = pgbouncer_version(binary)
    work = Path(tempfile.mkdtemp(prefix="tl-pgbouncer-"))
    port = free_port()
    # 1.21+ can track prepared statements: off here whatever its default, as on bookworm's 1.18, which cannot
    tracking = "max_prepared_statements = 0\n" if version >= (1, 21) else ""
    (work / "users.txt").write_text(f'"{APP_ROLE}" ""\n')
    (work / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"{POOLED_DATABASE} = host={server.socket_dir} port={server.port} dbname={server.database}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {work / 'users.txt'}\n"
        "pool_mode = transaction\ndefault_pool_size = 1\nmin_pool_size = 0\nreserve_pool_size = 0\n"
        f"max_client_conn = 20\nquery_wait_timeout = 10\n{tracking}"
        f"logfile = {work / 'pgbouncer.log'}\npidfile = {work / 'pgbouncer.pid'}\n"
    )
    if uid is not None:
        for path in (work, *work.iterdir()):
            os.chown(path, uid, -1)
    process = subprocess.Popen(
        [binary, str(work / "pgbouncer.ini")],
        user=uid,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with psycopg.connect(host="127.0.0.1", port=port, user=APP_ROLE, dbname=POOLED_DATABASE) as conn:
                    conn.execute("SELECT 1")
                break
            except psycopg.OperationalError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (work / "pgbouncer.log").read_text() if (work / "pgbouncer.log").exists() else ""
                    raise AssertionError(f"PgBouncer did not start: {log}") from None
                time.sleep(0.1)
        yield Bouncer(port=port, version=version)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def tenants() -> Iterator[Tenants]:
    with committed_tenants(units_a=2, units_b=3) as made:
        yield made


def _pooled_settings(bouncer: Bouncer) -> dict[str, Any]:
    """The app's connection settings with DATABASE_POOL_MODE=transaction (test_settings_for_transaction_pooling shows
    the settings make these), pointed at PgBouncer."""
    settings_dict = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)
    settings_dict.pop("EMBEDDED", None)
    settings_dict["OPTIONS"] = {**settings_dict.get("OPTIONS", {}), "prepare_threshold": None}
    return settings_dict | {
        "HOST": "127.0.0.1",
        "PORT": str(bouncer.port),
        "NAME": POOLED_DATABASE,
        "ATOMIC_REQUESTS": False,
        "DISABLE_SERVER_SIDE_CURSORS": True,
        "CONN_MAX_AGE": 60,
    }


@pytest.fixture
def clients(bouncer: Bouncer) -> Iterator[tuple[str, str]]:
    """Two Django connections (``client_a``, ``client_b``) to PgBouncer: two client connections, one server one."""
    aliases = ("client_a", "client_b")
    for alias in aliases:
        connections.settings[alias] = _pooled_settings(bouncer)
        # connected here, so the test case's guard against aliases it was not given lets the connection be
        connections[alias].connect()
    try:
        yield aliases
    finally:
        for alias in aliases:
            connections[alias].close()
            del connections[alias]
            del connections.settings[alias]


@contextmanager
def as_default(alias: str) -> Iterator[None]:
    """Run the block as if ``alias`` were the app's ``default`` connection (the app's code uses ``default``)."""
    default = connections[DEFAULT_DB_ALIAS]
    connections[DEFAULT_DB_ALIAS] = connections[alias]
    try:
        yield
    finally:
        connections[DEFAULT_DB_ALIAS] = default


def _backend_pid() -> int:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _tenant_transaction(alias: str, organization: UUID | None) -> tuple[int, set[str], str]:
    """One transaction as the app runs one: the tenant context set transaction-locally (core.context), then reads."""
    with as_default(alias), transaction.atomic():
        if organization is not None:
            context.set_organization(organization)
        codes = set(UnitOfMeasure.objects.values_list("code", flat=True))
        return _backend_pid(), codes, context._get(context.ORGANIZATION_SETTING)


UNITS_BY_CODE = PreparedQuery(lambda code: UnitOfMeasure.objects.filter(code=code).values("code"), code=str)


def test_two_tenants_interleaved_on_one_server_connection_see_only_their_own_rows(
    tenants: Tenants, clients: tuple[str, str]
) -> None:
    client_a, client_b = clients
    # given two client connections whose transactions alternate on PgBouncer's one server connection
    runs = [
        (client_a, tenants.a),
        (client_b, tenants.b),
        (client_a, None),
        (client_b, None),
        (client_b, tenants.b),
        (client_a, tenants.a),
    ]
    seen = [_tenant_transaction(alias, organization) for alias, organization in runs]
    # then every transaction ran on the same server backend
    assert len({pid for pid, _codes, _setting in seen}) == 1
    # and each tenant saw exactly its own rows; a transaction that set no tenant saw none, and no setting lingered
    rows = {tenants.a: tenants.units[tenants.a], tenants.b: tenants.units[tenants.b], None: set()}
    assert [codes for _pid, codes, _setting in seen] == [rows[organization] for _alias, organization in runs]
    assert [setting for _pid, _codes, setting in seen] == [str(organization or "") for _alias, organization in runs]


def test_the_tenant_context_ends_with_its_transaction_but_a_session_setting_would_leak(
    tenants: Tenants, clients: tuple[str, str]
) -> None:
    client_a, client_b = clients
    # given client A ran tenant A's transaction (tenant_context: set_config(..., true))
    with as_default(client_a), context.tenant_context(tenants.a):
        assert set(UnitOfMeasure.objects.values_list("code", flat=True)) == tenants.units[tenants.a]
    # when client B runs a transaction on the same server connection, then nothing of A's is left
    pid_b, codes_b, setting_b = _tenant_transaction(client_b, None)
    assert (codes_b, setting_b) == (set(), "")
    # whereas a session-level setting (is_local false), which the app never makes, would reach the next client
    with as_default(client_a), connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, false)", [context.ORGANIZATION_SETTING, str(tenants.a)])
    try:
        pid_leak, codes_leak, _ = _tenant_transaction(client_b, None)
        assert pid_leak == pid_b
        assert codes_leak == tenants.units[tenants.a]
    finally:
        with as_default(client_a), connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT set_config(%s, '', false)", [context.ORGANIZATION_SETTING])
    assert _tenant_transaction(client_b, None)[1] == set()


def test_server_side_binding_works_through_transaction_pooling_with_the_prepare_threshold_off(
    tenants: Tenants, clients: tuple[str, str]
) -> None:
    # given the app's prepared lookups (core.prepared: server-side binding), threshold off, from both clients
    found = []
    for run in range(8):
        alias = clients[run % 2]
        organization, code = (tenants.a, "A1") if run % 2 == 0 else (tenants.b, "B2")
        with as_default(alias), transaction.atomic():
            context.set_organization(organization)
            found.append(UNITS_BY_CODE.first(code=code))
            # the other tenant's row is invisible through the same statement
            assert UNITS_BY_CODE.first(code="B2" if code == "A1" else "A1") is None
    # then every run found its row, past the threshold at which psycopg would otherwise prepare
    assert found == [{"code": "A1"}, {"code": "B2"}] * 4


def test_a_prepare_threshold_breaks_transaction_pooling_on_this_pgbouncer(bouncer: Bouncer) -> None:
    """Why DATABASE_POOL_MODE=transaction turns the threshold off: on PgBouncer before 1.21 (Debian bookworm ships
    1.18), or without ``max_prepared_statements``, psycopg's named statements meet each other on the shared server
    connection."""
    assert bouncer.version >= (1, 18)

    def connect() -> psycopg.Connection[Any]:
        conn = psycopg.connect(host="127.0.0.1", port=bouncer.port, user=APP_ROLE, dbname=POOLED_DATABASE)
        conn.autocommit = True
        conn.prepare_threshold = 0  # prepare at once (the app's default of 5 after five runs)
        return conn

    with connect() as first, connect() as second:
        assert first.execute("SELECT %s::int", [1]).fetchone() == (1,)
        try:
            with pytest.raises(psycopg.errors.DuplicatePreparedStatement):
                second.execute("SELECT %s::int", [2])
        finally:
            first.execute("DEALLOCATE ALL")


def _settings_of(env: dict[str, str], expression: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "TRADELOOM_"))}
    # the settings module alone (no django.setup()): what it computes, and an error it raises fails the process
    script = f"from django.conf import settings; print(repr({expression}))"
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.base", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


DB = {"DATABASE_URL": "postgres://tradeloom_app:pw@pgbouncer.invalid:6432/tradeloom"}
SHOWN = "[settings.DATABASES['default']['OPTIONS'], settings.DATABASES['default'].get('DISABLE_SERVER_SIDE_CURSORS')]"


@pytest.mark.parametrize(
    ("env", "shown"),
    [
        ({}, [{"prepare_threshold": 5}, None]),
        ({"DATABASE_POOL_MODE": "transaction"}, [{"prepare_threshold": None}, True]),
        # PgBouncer 1.21+ with max_prepared_statements: the operator turns it back on
        ({"DATABASE_POOL_MODE": "transaction", "DATABASE_PREPARE_THRESHOLD": "5"}, [{"prepare_threshold": 5}, True]),
        ({"DATABASE_PREPARE_THRESHOLD": "off"}, [{"prepare_threshold": None}, None]),
    ],
)
def test_settings_for_transaction_pooling(env: dict[str, str], shown: list[Any]) -> None:
    result = _settings_of({**DB, **env}, SHOWN)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == repr(shown)


def test_an_unknown_pool_mode_is_refused() -> None:
    result = _settings_of({**DB, "DATABASE_POOL_MODE": "statement"}, "settings.DATABASE_POOL_MODE")
    assert result.returncode != 0
    assert "DATABASE_POOL_MODE" in result.stderr
