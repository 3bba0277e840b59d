"""The platform's periodic work (registered for beat in ``CoreConfig.ready()``): the outbox sweep and purge, the
idempotency-key purge and the worker heartbeat that ``/health/ready/`` reads."""

from __future__ import annotations

import socket
from datetime import timedelta

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from tradeloom.core import outbox
from tradeloom.core.models import IdempotencyKey

HEARTBEAT_KEY = "worker:heartbeat"
IDEMPOTENCY_KEY_TTL = timedelta(hours=24)


@shared_task(name="core.outbox_sweep", ignore_result=True)
def outbox_sweep() -> int:
    """Relay the outbox entries the broker did not get at commit time (or lost)."""
    return outbox.outbox_sweep()


@shared_task(name="core.outbox_purge", ignore_result=True)
def outbox_purge() -> int:
    return outbox.outbox_purge()


@shared_task(name="core.idempotency_keys_purge", ignore_result=True)
def idempotency_keys_purge() -> int:
    """Forget ``Idempotency-Key`` responses older than a day (as the owner role, across organisations): a client
    that retries a POST after that gets a new one."""
    deleted, _ = (
        IdempotencyKey.objects.using(outbox.OWNER_DB)
        .filter(created_at__lt=timezone.now() - IDEMPOTENCY_KEY_TTL)
        .delete()
    )
    return deleted


@shared_task(name="core.heartbeat", ignore_result=True)
def heartbeat() -> str:
    """A worker took this task from the queue: write when, for the readiness check."""
    now = timezone.now().isoformat()
    cache.set(HEARTBEAT_KEY, {"at": now, "worker": socket.gethostname()}, timeout=None)
    return now
