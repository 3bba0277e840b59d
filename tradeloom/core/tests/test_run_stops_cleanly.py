"""``make run`` (``manage.py serve``) runs gunicorn, a Celery worker and beat under one command; stopping it — Ctrl-C,
or SIGTERM to its process group from a terminal or a supervisor — stops all three and then the embedded PostgreSQL
and Redis it started, leaving no orphan."""

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

import psutil
import pytest

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


def _redis_running(data_dir: Path) -> bool:
    from tradeloom.core.embedded_redis import is_running

    return is_running(data_dir)


def test_make_run_serves_web_worker_and_beat_under_one_command():
    recipe = re.search(r"^run:.*?(?=^\S)", (ROOT / "Makefile").read_text(), re.M | re.S)
    assert recipe is not None
    assert "manage.py serve" in recipe.group(0)


def _serve(tmp_path: Path) -> tuple[subprocess.Popen[bytes], int, Path, Path, Path]:
    port = _free_port()
    pg, redis, log = tmp_path / "pg", tmp_path / "redis", tmp_path / "serve.log"
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DATABASE_", "DJANGO_SETTINGS", "REDIS_", "CELERY_"))
        },
        "DJANGO_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "TRADELOOM_PGDATA": str(pg),
        "TRADELOOM_REDIS_DIR": str(redis),
        "CELERY_BEAT_SCHEDULE_FILENAME": str(tmp_path / "beat-schedule"),
    }
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port), "--workers", "1", "--concurrency", "1"],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return server, port, pg, redis, log


@pytest.mark.parametrize("stop", ["ctrl-c", "sigterm to the process group"])
def test_serve_runs_web_worker_and_beat_and_stops_everything(tmp_path, stop):
    # given `make run`'s command with its own embedded PostgreSQL and Redis
    server, port, pg, redis, log = _serve(tmp_path)
    try:
        # then gunicorn answers, and readiness (database, cache, broker, a worker's heartbeat) passes
        assert _wait_for(f"http://127.0.0.1:{port}/health/", 90) == 200
        deadline = time.monotonic() + 60
        while _wait_for(f"http://127.0.0.1:{port}/health/ready/", 30) != 200:
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.5)
        assert _postmaster_running(pg)
        assert _redis_running(redis)
        output = log.read_text()
        for name in ("web", "worker", "beat"):
            assert re.search(rf"^\d\d:\d\d:\d\d {name} +\| ", output, re.M), f"no {name} lines"
        assert "gunicorn" in output.lower()
        children = psutil.Process(server.pid).children(recursive=True)
        # when it is stopped as a terminal or a supervisor would
        if stop == "ctrl-c":
            os.kill(server.pid, signal.SIGINT)
        else:
            os.killpg(server.pid, signal.SIGTERM)
        # then it exits cleanly and takes everything with it: its processes, PostgreSQL and Redis
        assert server.wait(timeout=60) == 0
        _, alive = psutil.wait_procs(children, timeout=30)
        assert alive == []
        deadline = time.monotonic() + 30
        while (_postmaster_running(pg) or _redis_running(redis)) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert not _postmaster_running(pg)
        assert not _redis_running(redis)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
