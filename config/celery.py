"""The Celery app: the broker is REDIS_URL's Redis or the embedded one (config/settings/base.py); unit tests run
tasks eagerly. Beat's schedule is the ``core.periodic.PERIODIC_TASKS`` registry the apps fill."""

import os

from celery import Celery
from celery.signals import worker_ready

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
