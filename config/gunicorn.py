"""gunicorn's settings for ``make run``, ``make bench`` and deployments (command-line flags override them).

Sync workers (each serves one request at a time, the model Django's database connections assume); set the number
with ``--workers`` or ``WEB_CONCURRENCY`` (about two per core).
"""

from __future__ import annotations

import contextlib
import gc
import os
from typing import Any

wsgi_app = "config.wsgi"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Behind nginx on the same host (deploy/): trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server: Any) -> None:
    """With ``PROMETHEUS_MULTIPROC_DIR`` (tradeloom/core/metrics.py): create it and remove the metric files of
    processes no longer running (a previous run's) before any worker writes there; a live Celery worker sharing the
    directory keeps its own."""
    import psutil

    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        pid = name.removesuffix(".db").rpartition("_")[2]
        if name.endswith(".db") and not (pid.isdigit() and psutil.pid_exists(int(pid))):
            with contextlib.suppress(FileNotFoundError):  # another instance sharing the directory removed it first
                os.unlink(os.path.join(directory, name))


def child_exit(server: Any, worker: Any) -> None:
    """A worker exited: its requests in progress leave the sums (its counters stay)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker: Any) -> None:
    """Load what every request needs (the URL configuration, which imports the views and serializers), then move
    everything loaded so far out of the garbage collector's reach (``gc.freeze``): its full collections then walk
    only what requests create, not the whole framework (docs/performance.md, "Where the time goes now")."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every URL module
    gc.collect()
    gc.freeze()
