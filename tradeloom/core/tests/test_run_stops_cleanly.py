"""``make run`` serves with ``runserver --noreload`` so that stopping it — Ctrl-C, or SIGTERM to its process group
from a terminal or a supervisor — also stops the embedded PostgreSQL it started. (With the autoreloader, its parent
process kills the serving child with SIGKILL on SIGTERM, before the child can stop the database: an orphan.)"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(url: str, seconds: float) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                return int(response.status)
        except OSError as exc:
            if getattr(exc, "code", None):
                return int(exc.code)
            time.sleep(0.3)
    raise TimeoutError(url)


def _postmaster_running(data_dir: Path) -> bool:
    pid_file = data_dir / "postmaster.pid"
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text().split()[0])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_make_run_serves_without_the_autoreloader():
    recipe = re.search(r"^run:.*?(?=^\S)", (ROOT / "Makefile").read_text(), re.M | re.S)
    assert recipe is not None
    assert "runserver --noreload" in recipe.group(0)


def test_sigterm_to_the_servers_process_group_stops_its_embedded_database(tmp_path):
    # given the development server, as `make run` starts it, with its own embedded database running
    data_dir = tmp_path / "pg"
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_SETTINGS"))},
        "DJANGO_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "TRADELOOM_PGDATA": str(data_dir),
    }
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert _wait_for(f"http://127.0.0.1:{port}/health/", 60) == 200
        assert _wait_for(f"http://127.0.0.1:{port}/health/ready/", 90) in (200, 503)  # starts the database
        assert _postmaster_running(data_dir)
        # when the process group is asked to stop
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        # then the database stopped with it
        deadline = time.monotonic() + 30
        while _postmaster_running(data_dir) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert not _postmaster_running(data_dir)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
