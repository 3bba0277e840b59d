"""Health endpoints for load balancers and orchestrators.

``/health/`` is liveness: it answers 200 without touching anything. ``/health/ready/`` is readiness: it checks
the database, the cache, the Celery broker and a recent worker heartbeat (when tasks are not run eagerly: a worker
took beat's ``core.heartbeat`` task within ``WORKER_HEARTBEAT_MAX_AGE``) and that media storage is writable, and
answers 200 only when all pass, else 503. Each check reports its status and latency; failures name the error
class only, never connection strings or credentials.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import orjson
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def check_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    if cache.get(key) != "ok":
        raise RuntimeError("cache did not return the value just written")
    cache.delete(key)


def check_broker() -> None:
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=math.ceil(settings.HEALTH_CHECK_TIMEOUT.total_seconds()))


def check_worker() -> dict[str, Any]:
    """A worker ran the heartbeat task (beat sends it every 30 s) recently: the queue is being served."""
    from tradeloom.core.tasks import HEARTBEAT_KEY

    beat = cache.get(HEARTBEAT_KEY)
    if not beat:
        raise LookupError("no worker heartbeat yet")
    age = (timezone.now() - datetime.fromisoformat(beat["at"])).total_seconds()
    if age > settings.WORKER_HEARTBEAT_MAX_AGE.total_seconds():
        raise TimeoutError(f"the last worker heartbeat is {age:.0f} s old")
    return {"heartbeat_age_s": round(age, 1)}


def check_storage() -> None:
    name = default_storage.save(f"health/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    default_storage.delete(name)


def readiness_checks() -> dict[str, Callable[[], Any]]:
    checks: dict[str, Callable[[], Any]] = {"database": check_database, "cache": check_cache}
    if settings.CELERY_BROKER_URL and not settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = check_broker
        checks["worker"] = check_worker
    checks["storage"] = check_storage
    return checks


def run_checks(checks: dict[str, Callable[[], Any]]) -> tuple[bool, dict[str, dict[str, Any]]]:
    results: dict[str, dict[str, Any]] = {}
    healthy = True
    for name, check in checks.items():
        started = time.perf_counter()
        try:
            details = check()
        except Exception as exc:
            healthy = False
            logger.warning("readiness check failed", extra={"check": name, "error": type(exc).__name__})
            results[name] = {"status": "error", "error": type(exc).__name__}
        else:
            results[name] = {"status": "ok", **(details if isinstance(details, dict) else {})}
        results[name]["latency_ms"] = round((time.perf_counter() - started) * 1000, 2)
    return healthy, results


def _json(body: dict[str, Any], status: int) -> HttpResponse:
    return HttpResponse(orjson.dumps(body), status=status, content_type="application/json")


@transaction.non_atomic_requests
@never_cache
@require_GET
def liveness_view(request: HttpRequest) -> HttpResponse:
    return _json({"status": "ok"}, 200)


@transaction.non_atomic_requests
@never_cache
@require_GET
def readiness_view(request: HttpRequest) -> HttpResponse:
    healthy, results = run_checks(readiness_checks())
    return _json({"status": "ok" if healthy else "unavailable", "checks": results}, 200 if healthy else 503)
