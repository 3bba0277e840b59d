"""The embedded server, the two roles and who owns what."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connections

from tradeloom.core import embedded_postgres

pytestmark = pytest.mark.django_db


def _one(sql: str, alias: str = "default") -> Any:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def test_app_connects_as_the_app_role_which_is_not_superuser_and_owns_nothing():
    # given the default connection used by requests
    # when it asks who it is
    role = _one("SELECT current_user")
    # then it is the app role, unprivileged, and no table belongs to it
    assert role == embedded_postgres.APP_ROLE
    assert _one("SELECT rolsuper FROM pg_roles WHERE rolname = current_user") is False
    assert _one("SELECT rolbypassrls FROM pg_roles WHERE rolname = current_user") is False
    assert _one("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user") == 0


def test_migrations_were_applied_by_the_owner_role():
    owners = _one("SELECT array_agg(DISTINCT tableowner) FROM pg_tables WHERE schemaname = 'public'")
    assert owners == [embedded_postgres.OWNER_ROLE]
    assert _one("SELECT count(*) FROM django_migrations WHERE app = 'accounts'") >= 1


def test_app_role_can_write_rows_but_cannot_change_the_schema():
    from django.db import transaction
    from django.db.utils import ProgrammingError

    # given the app role, which was granted data access after migrate
    assert _one("SELECT has_table_privilege('accounts_user', 'INSERT')") is True
    # when it tries to change the schema, then PostgreSQL refuses
    with pytest.raises(ProgrammingError, match="must be owner"), transaction.atomic():
        _one("ALTER TABLE accounts_user ADD COLUMN sneaky int")
    with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
        _one("CREATE TABLE public.sneaky (id int)")


@pytest.mark.django_db(databases=["default", "owner"])
def test_owner_alias_is_the_owner_role():
    assert _one("SELECT current_user", alias="owner") == embedded_postgres.OWNER_ROLE


@pytest.mark.parametrize("depth", [12])
def test_embedded_server_keeps_its_socket_path_short_for_a_long_data_directory(tmp_path: Path, depth: int):
    # given a data directory whose path alone is longer than PostgreSQL's ~100-character socket limit
    data_dir = tmp_path.joinpath(*["a-rather-long-directory-name"] * depth) / "pgdata"
    assert len(str(data_dir)) > 110
    # when a separate process starts the embedded server there and provisions it
    script = (
        "import sys; from tradeloom.core import embedded_postgres as e; "
        "a = e.ensure_server(sys.argv[1], ephemeral=True); print(a.socket_dir); print(a.port)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(data_dir)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[3],
    ).stdout.split()
    socket_dir, port = out[-2], int(out[-1])
    # then the socket lives in a short directory, and the server accepted the roles (checked while it ran)
    assert len(f"{socket_dir}/.s.PGSQL.{port}") < 100
    # and the ephemeral server deleted its data directory when the process ended
    assert not data_dir.exists()


def test_provisioning_is_idempotent_and_creates_both_roles():
    # given the running test server
    embedded = connections["default"].settings_dict.get("EMBEDDED")
    if not embedded:
        pytest.skip("DATABASE_URL points at an external server")
    address = embedded_postgres.ensure_server(embedded["data_dir"], ephemeral=embedded["ephemeral"])
    # when provisioning runs again
    embedded_postgres._provision(address)
    # then both roles exist exactly once, with the intended attributes
    with psycopg.connect(host=address.socket_dir, port=address.port, user="postgres", dbname="postgres") as conn:
        rows: dict[str, bool] = dict(
            conn.execute(
                "SELECT rolname, rolcreatedb FROM pg_roles WHERE rolname IN (%s, %s)",
                [embedded_postgres.OWNER_ROLE, embedded_postgres.APP_ROLE],
            ).fetchall()
        )
    assert rows == {embedded_postgres.OWNER_ROLE: True, embedded_postgres.APP_ROLE: False}
