"""``manage.py serve`` (what ``make run`` runs): the web server, a Celery worker and Celery beat under one command.

The embedded PostgreSQL and Redis (when ``DATABASE_URL`` / ``REDIS_URL`` are unset) start first and stop last. The
three processes run under honcho, each line of their output prefixed with its name (``web``, ``worker``, ``beat``);
one Ctrl-C (or a SIGTERM to this process or its process group) stops them all, and then the embedded servers. If one
of them exits, the others are stopped too, and the command exits with its status.

``--dev`` serves with Django's ``runserver`` (reloads on code changes) instead of gunicorn; the worker and beat run
the same way.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path
from typing import Any

import psutil
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections

from tradeloom.core import embedded_postgres, embedded_redis

# How long the worker may take to finish its current task after Ctrl-C before it is killed (its task then goes
# back to the queue: tasks acknowledge late).
STOP_WAIT_SECONDS = 20


def commands(*, host: str, port: int, workers: int, dev: bool, concurrency: int) -> dict[str, list[str]]:
    python = sys.executable
    gunicorn = [python, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py", "--bind", f"{host}:{port}"]
    web = [python, "manage.py", "runserver", f"{host}:{port}"] if dev else [*gunicorn, "--workers", str(workers)]
    worker = [python, "-m", "celery", "-A", "config", "worker", "--loglevel", "INFO", "--concurrency", str(concurrency)]
    worker += ["--hostname", "worker@%h", "--without-mingle", "--without-gossip"]
    beat = [python, "-m", "celery", "-A", "config", "beat", "--loglevel", "INFO"]
    beat += ["--schedule", str(settings.CELERY_BEAT_SCHEDULE_FILENAME)]
    return {"web": web, "worker": worker, "beat": beat}


def _outlive_children(timeout: float = STOP_WAIT_SECONDS) -> None:
    """Wait for every process started under this one (gunicorn's and Celery's own children too) to end, then forget
    any that died without signing out of the embedded PostgreSQL, so this process, the last one out, stops it."""
    children = psutil.Process().children(recursive=True)
    _, alive = psutil.wait_procs(children, timeout=timeout)
    for process in alive:
        process.kill()
    database = connections["default"].settings_dict.get("EMBEDDED")
    if database and database.get("data_dir"):
        embedded_postgres.forget_dead_users(Path(database["data_dir"]))


class Command(BaseCommand):
    help = "Run the web server (gunicorn), a Celery worker and Celery beat with prefixed logs; Ctrl-C stops all."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        parser.add_argument("--concurrency", type=int, default=int(os.environ.get("WORKER_CONCURRENCY", "2")))
        parser.add_argument("--dev", action="store_true", help="runserver with autoreload instead of gunicorn")

    def handle(
        self, *args: Any, host: str, port: int, workers: int, concurrency: int, dev: bool, **options: Any
    ) -> None:
        import honcho.manager
        from honcho.printer import Printer

        # The embedded servers first; this process stays signed in to both until the others have stopped.
        connections["default"].ensure_connection()
        env = dict(os.environ)
        if settings.EMBEDDED_REDIS_DIR is not None:
            socket = embedded_redis.ensure_server(settings.EMBEDDED_REDIS_DIR)
            self.stdout.write(f"Embedded Redis on {socket}")
        env.setdefault("PYTHONUNBUFFERED", "1")

        honcho.manager.KILL_WAIT = STOP_WAIT_SECONDS
        manager = honcho.manager.Manager(Printer(sys.stdout))
        for name, command in commands(host=host, port=port, workers=workers, dev=dev, concurrency=concurrency).items():
            manager.add_process(name, shlex.join(command), env=env, cwd=str(settings.BASE_DIR))
        manager.loop()
        connections.close_all()
        _outlive_children()
        # Stopped by Ctrl-C or SIGTERM (honcho's 130 / 143): a clean stop. Otherwise the status of the process that
        # ended first, which took the others down with it.
        if manager.returncode not in (None, 0, 130, 143):
            sys.exit(manager.returncode)
