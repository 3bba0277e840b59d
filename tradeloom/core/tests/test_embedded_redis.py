"""The embedded Redis: started on first use, shared by the processes that use it, stopped by the last one out."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tradeloom.core import embedded_redis

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def data_dir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="tl-redis-"))
    yield path
    embedded_redis.stop_server(path)
    shutil.rmtree(path, ignore_errors=True)


def test_it_starts_on_a_private_unix_socket_only_and_keeps_an_append_only_file(data_dir):
    socket = embedded_redis.ensure_server(data_dir, attach=False)
    assert embedded_redis.is_running(data_dir)
    assert oct(socket.stat().st_mode & 0o777) == "0o700"
    client = embedded_redis._client(data_dir)
    assert client.config_get("port") == {"port": "0"}  # no TCP listener at all
    assert client.config_get("appendonly") == {"appendonly": "yes"}
    # a second call finds it running and starts nothing
    pid = (data_dir / "redis.pid").read_text()
    embedded_redis.ensure_server(data_dir, attach=False)
    assert (data_dir / "redis.pid").read_text() == pid


def test_what_it_held_survives_a_stop_and_a_start(data_dir):
    embedded_redis.ensure_server(data_dir, attach=False)
    embedded_redis._client(data_dir).rpush("queue", "task-1")
    assert embedded_redis.stop_server(data_dir)
    assert not embedded_redis.is_running(data_dir)
    embedded_redis.ensure_server(data_dir, attach=False)
    assert embedded_redis._client(data_dir).lrange("queue", 0, -1) == [b"task-1"]


def test_a_long_data_directory_gets_a_short_socket_path(tmp_path):
    long = tmp_path / ("x" * 120)
    path = embedded_redis.socket_path(long)
    assert len(str(path)) <= embedded_redis.SOCKET_LIMIT
    assert path == embedded_redis.socket_path(long)  # the same directory always gets the same socket


def test_the_last_process_to_exit_stops_it(data_dir):
    # given two processes that used it, one after the other still running
    script = (
        "import sys, time; from tradeloom.core import embedded_redis as r; "
        "r.ensure_server(sys.argv[1]); print('up', flush=True); time.sleep(float(sys.argv[2]))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    long = subprocess.Popen([sys.executable, "-c", script, str(data_dir), "4"], env=env, stdout=subprocess.PIPE)
    assert long.stdout is not None
    assert long.stdout.readline().strip() == b"up"
    subprocess.run([sys.executable, "-c", script, str(data_dir), "0"], env=env, check=True, capture_output=True)
    # then the first one out left it running for the other
    assert embedded_redis.is_running(data_dir)
    # and when the last one exits it stops
    assert long.wait(timeout=30) == 0
    assert not embedded_redis.is_running(data_dir)


def test_without_redis_url_the_cache_and_the_broker_use_the_embedded_server(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_", "CELERY_", "TRADELOOM_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.base", "TRADELOOM_REDIS_DIR": str(tmp_path / "r")})
    code = (
        "from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND'], s.CACHES['default']['LOCATION'], s.CELERY_BROKER_URL, "
        "s.CELERY_TASK_ALWAYS_EAGER)"
    )
    out = (
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    socket = tmp_path / "r" / "redis.sock"
    assert out.split() == [
        "tradeloom.core.cache.RedisCache",
        f"unix://{socket}?db=0",
        f"redis+socket://{socket}?virtual_host=1",
        "False",
    ]
