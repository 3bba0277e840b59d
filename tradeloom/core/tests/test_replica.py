"""Report reads on a real streaming replica: a hot standby of the test database's own server, made with
``pg_basebackup -R`` from the embedded PostgreSQL's binaries and started on a loopback port. Through
``core.replica.report_reads`` (and the router) the reads run on the standby, under row-level security there."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.utils import InternalError

from tradeloom.catalog.models import UnitOfMeasure
from tradeloom.core import replica
from tradeloom.core.context import tenant_context
from tradeloom.core.routers import ReplicaRouter
from tradeloom.core.tests.committed import Tenants, committed_tenants, embedded_server, free_port

pytestmark = pytest.mark.django_db(databases=["default", "owner"])

ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class Standby:
    port: int
    socket_dir: str


def _run(args: list[str], uid: int | None, timeout: float) -> None:
    result = subprocess.run(args, user=uid, capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, f"{args[0]} failed: {result.stdout}{result.stderr}"


@pytest.fixture(scope="module")
def standby(django_db_setup: None, django_db_blocker: Any) -> Iterator[Standby]:
    with django_db_blocker.unblock():
        primary = embedded_server()
        bin_dir = primary.bin_dir()
        uid = primary.system_uid()
    work = Path(tempfile.mkdtemp(prefix="tl-standby-"))
    data = work / "data"
    port = free_port()
    if uid is not None:
        os.chown(work, uid, -1)
    started = False
    try:
        # a physical copy of the whole primary, with standby.signal and primary_conninfo written (-R)
        _run(
            [
                str(bin_dir / "pg_basebackup"),
                "-h",
                primary.socket_dir,
                "-p",
                str(primary.port),
                "-U",
                "postgres",
                "-D",
                str(data),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
                "--no-sync",
            ],
            uid,
            timeout=60,
        )
        options = f"-h 127.0.0.1 -p {port} -k {work} -c hot_standby=on -c fsync=off"
        _run(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(work / "log"),
                "-w",
                "-t",
                "30",
                "-o",
                options,
                "start",
            ],
            uid,
            timeout=40,
        )
        started = True
        yield Standby(port=port, socket_dir=str(work))
    finally:
        if started:
            subprocess.run(
                [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                user=uid,
                capture_output=True,
                timeout=30,
                check=False,
            )
        shutil.rmtree(work, ignore_errors=True)


def _standby_superuser(standby: Standby) -> psycopg.Connection[Any]:
    return psycopg.connect(
        host=standby.socket_dir,
        port=standby.port,
        user="postgres",
        dbname=connections["default"].settings_dict["NAME"],
        autocommit=True,
    )


def _wait_for(standby: Standby, tenants: Tenants, timeout: float = 10.0) -> float:
    """Seconds until the standby shows every committed unit of both tenants (as superuser: no row-level security)."""
    start = time.monotonic()
    expected = sum(len(codes) for codes in tenants.units.values())
    with _standby_superuser(standby) as conn:
        while True:
            row = conn.execute(
                "SELECT count(*) FROM catalog_unitofmeasure WHERE organization_id = ANY(%s)", [[tenants.a, tenants.b]]
            ).fetchone()
            if row is not None and row[0] == expected:
                return time.monotonic() - start
            if time.monotonic() - start > timeout:
                raise AssertionError(f"the standby shows {row} of {expected} units after {timeout} s")
            time.sleep(0.05)


@pytest.fixture
def tenants() -> Iterator[Tenants]:
    with committed_tenants(units_a=2, units_b=3) as made:
        yield made


@pytest.fixture
def replica_alias(standby: Standby) -> Iterator[str]:
    """A ``replica`` alias as the settings make it from DATABASE_REPLICA_URL: the app role, on the standby."""
    settings_dict = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)
    settings_dict.pop("EMBEDDED", None)
    settings_dict |= {"HOST": "127.0.0.1", "PORT": str(standby.port), "ATOMIC_REQUESTS": False}
    connections.settings[replica.REPLICA] = settings_dict
    # connected here, so the test case's guard against aliases it was not given lets the connection be
    connections[replica.REPLICA].connect()
    try:
        yield replica.REPLICA
    finally:
        connections[replica.REPLICA].close()
        del connections[replica.REPLICA]
        del connections.settings[replica.REPLICA]


def _report_read(alias: str) -> tuple[bool, int, set[str]]:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), inet_server_port(), array_agg(code) FROM catalog_unitofmeasure")
        row = cursor.fetchone()
    return bool(row[0]), int(row[1] or 0), set(row[2] or ())


def test_the_standby_is_in_recovery_and_replays_what_the_primary_commits(standby: Standby, tenants: Tenants) -> None:
    # given a standby made from the test database's server, and two tenants committed on the primary
    with _standby_superuser(standby) as conn:
        in_recovery = conn.execute("SELECT pg_is_in_recovery()").fetchone()
        receiver = conn.execute("SELECT status FROM pg_stat_wal_receiver").fetchone()
    assert in_recovery == (True,)
    assert receiver == ("streaming",)
    # when the rows replay, then the standby has them, and refuses writes
    lag = _wait_for(standby, tenants)
    assert lag < 10
    with _standby_superuser(standby) as conn, pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
        conn.execute("CREATE TABLE written_on_a_standby (id int)")


def test_report_reads_run_on_the_standby_under_row_level_security(
    standby: Standby, tenants: Tenants, replica_alias: str
) -> None:
    _wait_for(standby, tenants)
    # when each tenant's report reads run through report_reads, then they run on the standby (in recovery, on its
    # port) and see only that tenant's rows, with no organisation filter in the statement: row-level security there
    for organization in (tenants.a, tenants.b):
        with replica.report_reads(organization=organization) as alias:
            assert alias == replica.REPLICA
            assert replica.current_alias() == replica.REPLICA
            in_recovery, port, codes = _report_read(alias)
            # the ORM's reads in the block go there too (the router)
            units = UnitOfMeasure.objects.all()
            assert units.db == replica.REPLICA
            orm_codes = set(units.values_list("code", flat=True))
        assert (in_recovery, port) == (True, standby.port)
        assert codes == orm_codes == tenants.units[organization]
    # and outside the block reads are the primary's again
    assert replica.current_alias() == DEFAULT_DB_ALIAS
    assert UnitOfMeasure.objects.all().db == DEFAULT_DB_ALIAS
    # a transaction on the standby that sets no tenant sees none of their rows
    with transaction.atomic(using=replica_alias):
        assert _report_read(replica_alias)[2] == set()


def test_a_row_committed_on_the_primary_reaches_the_next_report_on_the_standby(
    standby: Standby, tenants: Tenants, replica_alias: str
) -> None:
    _wait_for(standby, tenants)
    tenants.add_unit(tenants.a, "A9")
    start = time.monotonic()
    while True:
        with replica.report_reads(organization=tenants.a) as alias:
            codes = _report_read(alias)[2]
        if "A9" in codes or time.monotonic() - start > 10:
            break
        time.sleep(0.05)
    assert codes == tenants.units[tenants.a] == {"A1", "A2", "A9"}


def test_report_reads_are_read_only_and_writes_still_go_to_the_primary(
    standby: Standby, tenants: Tenants, replica_alias: str
) -> None:
    _wait_for(standby, tenants)
    with replica.report_reads(organization=tenants.a):
        unit = UnitOfMeasure.objects.get(code="A1")
        assert unit._state.db == replica.REPLICA
        # an instance read on the replica saves to the primary
        assert router.db_for_write(UnitOfMeasure, instance=unit) == DEFAULT_DB_ALIAS
    with (
        pytest.raises(InternalError, match="read-only transaction"),
        replica.report_reads(organization=tenants.a),
        connections[replica_alias].cursor() as cursor,
    ):
        cursor.execute("UPDATE catalog_unitofmeasure SET name = 'x'")


def test_nested_report_reads_restore_the_enclosing_tenant(
    standby: Standby, tenants: Tenants, replica_alias: str
) -> None:
    _wait_for(standby, tenants)
    with replica.report_reads(organization=tenants.a):
        with replica.report_reads(organization=tenants.b) as alias:
            assert _report_read(alias)[2] == tenants.units[tenants.b]
        assert _report_read(replica_alias)[2] == tenants.units[tenants.a]


def test_without_a_replica_report_reads_use_the_request_transaction_on_default(tenants: Tenants) -> None:
    assert not replica.configured()
    # given a tenant's request transaction (its context set as the tenant views set it)
    # when a report reads, then it reads on default, in the request's context
    with tenant_context(tenants.b), replica.report_reads(organization=tenants.b) as alias:
        assert alias == DEFAULT_DB_ALIAS == replica.current_alias()
        in_recovery, _port, codes = _report_read(alias)
        assert UnitOfMeasure.objects.all().db == DEFAULT_DB_ALIAS
    assert in_recovery is False
    assert codes == tenants.units[tenants.b]


def test_the_router_never_migrates_the_replica_and_relates_its_rows_to_the_primary() -> None:
    routing = ReplicaRouter()
    assert routing.allow_migrate(replica.REPLICA, "catalog") is False
    assert routing.allow_migrate(DEFAULT_DB_ALIAS, "catalog") is None
    primary_row, replica_row = UnitOfMeasure(), UnitOfMeasure()
    primary_row._state.db, replica_row._state.db = DEFAULT_DB_ALIAS, replica.REPLICA
    assert routing.allow_relation(primary_row, replica_row) is True
    assert routing.db_for_read(UnitOfMeasure) is None


def _settings_of(env: dict[str, str], expression: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "TRADELOOM_"))}
    # the settings module alone (no django.setup()): what it computes, and an error it raises fails the process
    script = f"from django.conf import settings; print(repr({expression}))"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.base", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_database_replica_url_adds_the_replica_alias_with_the_app_connection_options() -> None:
    env = {
        "DATABASE_URL": "postgres://tradeloom_app:pw@primary.invalid:5432/tradeloom",
        "DATABASE_REPLICA_URL": "postgres://tradeloom_app:pw@standby.invalid:5432/tradeloom",
    }
    shown = _settings_of(
        env,
        "{k: settings.DATABASES['replica'].get(k) for k in ('HOST', 'USER', 'NAME', 'ENGINE', 'OPTIONS', "
        "'ATOMIC_REQUESTS', 'TEST')}",
    )
    assert shown == repr(
        {
            "HOST": "standby.invalid",
            "USER": "tradeloom_app",
            "NAME": "tradeloom",
            "ENGINE": "tradeloom.core.postgres",
            "OPTIONS": {"prepare_threshold": 5},
            "ATOMIC_REQUESTS": None,
            "TEST": {"MIRROR": "default"},
        }
    )
    assert _settings_of({"DATABASE_URL": env["DATABASE_URL"]}, "sorted(settings.DATABASES)") == "['default', 'owner']"


def test_a_report_runs_on_the_standby(standby: Standby, tenants: Tenants, replica_alias: str) -> None:
    import datetime

    from django.test.utils import CaptureQueriesContext

    from tradeloom.reports.selectors import Filters, report_run
    from tradeloom.tenancy.models import Organization

    _wait_for(standby, tenants)
    organization = Organization.objects.get(pk=tenants.a)
    with CaptureQueriesContext(connections[replica_alias]) as on_replica:
        report = report_run(
            organization=organization, key="workload", filters=Filters(today=datetime.date(2026, 12, 6))
        )
    assert report.key == "workload"
    # the tenant context, then the report's statement, both on the standby
    assert any("set_config" in q["sql"] for q in on_replica.captured_queries)
    assert any("tna_milestone" in q["sql"] for q in on_replica.captured_queries)
