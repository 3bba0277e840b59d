"""The Celery app: the broker is REDIS_URL's Redis or the embedded one (config/settings/base.py); unit tests run
tasks eagerly. Beat's schedule is the ``core.periodic.PERIODIC_TASKS`` registry the apps fill."""

import os
from typing import Any

from celery import Celery
from celery.signals import (
    before_task_publish,
    setup_logging,
    task_failure,
    task_postrun,
    task_prerun,
    task_retry,
    task_success,
    worker_init,
    worker_process_shutdown,
    worker_ready,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("tradeloom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _start_embedded_broker(sender: Celery, **kwargs: object) -> None:
    """Start (or sign in to) the embedded Redis before the first connection to the broker."""
    from django.conf import settings

    embedded = getattr(settings, "EMBEDDED_REDIS_DIR", None)
    if embedded is not None and not settings.CELERY_TASK_ALWAYS_EAGER:
        from tradeloom.core.embedded_redis import ensure_server

        ensure_server(embedded)


@app.on_after_finalize.connect
def _periodic_tasks(sender: Celery, **kwargs: object) -> None:
    from tradeloom.core.periodic import beat_schedule

    sender.conf.beat_schedule = {**beat_schedule(), **(sender.conf.beat_schedule or {})}


@worker_ready.connect
def _first_heartbeat(**kwargs: object) -> None:
    """A worker that has just started is serving: readiness need not wait for beat's first heartbeat."""
    from tradeloom.core.tasks import heartbeat

    heartbeat()


@worker_init.connect
def _startup_checks(**kwargs: object) -> None:
    """Production: the worker refuses to start on a database role that could escape row-level security."""
    from tradeloom.core.startup import EXIT_CONFIG, StartupRefused, startup_checks

    try:
        startup_checks()
    except StartupRefused:
        raise SystemExit(EXIT_CONFIG) from None  # an Exception would only be logged by Celery's signal dispatch


@setup_logging.connect
def _keep_django_logging(**kwargs: object) -> None:
    """Keep the settings' JSON logging (LOGGING) instead of Celery's own formatting of the root logger."""
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


# --- request ids and metrics across the broker (tradeloom/core/request_id.py, tradeloom/core/metrics.py) ----------
REQUEST_ID_HEADER = "tradeloom_request_id"
_bound: dict[str, Any] = {}  # task id → the token that undoes the request id bound while it runs


@before_task_publish.connect
def _send_request_id(headers: dict[str, Any] | None = None, **kwargs: object) -> None:
    from tradeloom.core.request_id import current_request_id

    request_id = current_request_id()
    if request_id and headers is not None:
        headers[REQUEST_ID_HEADER] = request_id


@task_prerun.connect
def _task_starts(task_id: str = "", task: Any = None, **kwargs: object) -> None:
    from tradeloom.core import metrics
    from tradeloom.core.request_id import request_id_bind

    metrics.task_started(task_id)
    request_id = getattr(task.request, REQUEST_ID_HEADER, None) if task is not None else None
    if request_id:  # eager tasks run inside their request, which has bound it already
        _bound[task_id] = request_id_bind(request_id)


@task_postrun.connect
def _task_ends(task_id: str = "", task: Any = None, **kwargs: object) -> None:
    from tradeloom.core import metrics
    from tradeloom.core.request_id import request_id_reset

    metrics.task_finished(task_id, getattr(task, "name", "unknown"))
    token = _bound.pop(task_id, None)
    if token is not None:
        request_id_reset(token)


@task_success.connect
def _task_succeeded(sender: Any = None, **kwargs: object) -> None:
    from tradeloom.core import metrics

    metrics.task_outcome(getattr(sender, "name", "unknown"), "succeeded")


@task_failure.connect
def _task_failed(sender: Any = None, **kwargs: object) -> None:
    from tradeloom.core import metrics

    metrics.task_outcome(getattr(sender, "name", "unknown"), "failed")


@task_retry.connect
def _task_retried(sender: Any = None, **kwargs: object) -> None:
    from tradeloom.core import metrics

    metrics.task_outcome(getattr(sender, "name", "unknown"), "retried")


@worker_process_shutdown.connect
def _metrics_process_gone(pid: int | None = None, **kwargs: object) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid or os.getpid())
