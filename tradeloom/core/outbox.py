"""The transactional outbox: effects that must follow a commit, and only a commit, reach the broker.

A service (or an after-commit-worthy subscriber) calls ``outbox_enqueue("notifications.deliver", organization_id=…,
notification_id=…)`` inside its transaction. That writes an ``OutboxEntry`` row with the change itself — so the
effect exists exactly when the change does — and, once the outermost transaction commits, relays it to the broker
as the Celery task of that name, with the entry's id as the task id and ``outbox_id`` among its arguments.

If the broker is down at commit time the request still succeeds (the entry stays unrelayed, a warning is logged) and
the beat's sweep (``outbox_sweep``, every minute) relays it when the broker is back. An entry relayed but never done
(a broker that lost its queue) is relayed again after ``RELAY_AGAIN_AFTER``; the task's once-only guard
(``core.effects``) makes the second delivery a no-op if the first one did run. Inside unit tests Celery is eager and
the relay runs the task at once (``django_capture_on_commit_callbacks(execute=True)``).

The sweep spans organisations, so it reads and marks entries as the owner role (``owner`` alias, which bypasses
row-level security, as the operators' admin does); requests write and mark their own entries under their tenant.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from tradeloom.core.context import tenant_context
from tradeloom.core.models import OutboxEntry

logger = logging.getLogger(__name__)

__all__ = ["RELAY_AGAIN_AFTER", "outbox_enqueue", "outbox_relay", "outbox_relay_start_afresh", "outbox_sweep"]

# An entry the broker took but no worker finished within this long is relayed again (the task is once-only).
RELAY_AGAIN_AFTER = timedelta(minutes=15)
# An entry the relay could not hand over right after commit waits at least this long for the sweep.
SWEEP_GRACE = timedelta(seconds=20)
SWEEP_BATCH = 500
OWNER_DB = "owner"


def outbox_enqueue(task: str, *, organization_id: UUID | str, **kwargs: Any) -> OutboxEntry:
    """Write an effect to run after the current transaction commits: the Celery task ``task`` with ``kwargs`` (JSON
    values) plus ``outbox_id`` and ``organization_id``. Inside a transaction only; nothing is sent if it rolls back."""
    if not connection.in_atomic_block:
        raise RuntimeError(f"outbox_enqueue({task!r}) outside a transaction: the effect would not follow a commit.")
    entry = OutboxEntry.objects.create(
        organization_id=organization_id, task=task, kwargs={**kwargs, "organization_id": str(organization_id)}
    )
    _pending_this_transaction().append(entry)
    return entry


_PENDING_ATTR = "_tradeloom_outbox_pending"


def outbox_relay_start_afresh() -> None:
    """Let the next entries get a relay callback of their own, as a new transaction would. For tests, whose one
    transaction never commits: entries enqueued earlier, outside a ``django_capture_on_commit_callbacks`` block,
    would otherwise share a relay the block never runs."""
    setattr(connection, _PENDING_ATTR, None)


def _pending_this_transaction() -> list[OutboxEntry]:
    """The entries written in the current transaction, relayed together by one after-commit callback.

    The list lives on the connection with the callback that will relay it; when that callback is no longer queued
    (its transaction committed or rolled back), a new list and callback start. An entry whose savepoint rolled back
    is relayed for nothing: its task finds no entry and does nothing.
    """
    current = getattr(connection, _PENDING_ATTR, None)
    if current is not None and any(callback[1] is current[1] for callback in connection.run_on_commit):
        return current[0]
    pending: list[OutboxEntry] = []

    def relay() -> None:
        # spent: a later effect starts a new list (tests run callbacks without removing them from the queue)
        if getattr(connection, _PENDING_ATTR, (None, None))[1] is relay:
            setattr(connection, _PENDING_ATTR, None)
        outbox_relay(pending)

    setattr(connection, _PENDING_ATTR, (pending, relay))
    transaction.on_commit(relay)
    return pending


def _send(entry: OutboxEntry) -> None:
    from config.celery import app

    if entry.task not in app.tasks:
        app.loader.import_default_modules()  # the apps' tasks modules (a worker imports them at start)
    kwargs = {**entry.kwargs, "outbox_id": str(entry.pk)}
    app.tasks[entry.task].apply_async(kwargs=kwargs, task_id=str(entry.pk), retry=False)


# After the broker refused, requests leave their entries to the sweep for this long instead of each waiting for the
# connection attempt to fail again (about 2 s): an outage slows no request.
BROKER_DOWN_PAUSE = 30.0
_broker_down_until = 0.0


def outbox_relay(entries: Iterable[OutboxEntry], *, using: str | None = None) -> int:
    """Hand ``entries`` to the broker and mark the ones it took; return how many. A broker that refuses leaves the
    rest for the sweep (logged, never raised: the change they follow has committed). The sweep (``using`` the owner)
    always tries; a request's relay does not while the broker was seen down in the last ``BROKER_DOWN_PAUSE``."""
    global _broker_down_until
    if using is None and time.monotonic() < _broker_down_until:
        return 0
    relayed: dict[str, list[Any]] = {}
    for entry in entries:
        try:
            _send(entry)
        except Exception:
            logger.warning("outbox relay failed; the sweep retries", extra={"task": entry.task}, exc_info=True)
            _broker_down_until = time.monotonic() + BROKER_DOWN_PAUSE
            break
        relayed.setdefault(str(entry.organization_id), []).append(entry.pk)
    now = timezone.now()
    for organization_id, ids in relayed.items():
        if using == OWNER_DB:
            OutboxEntry.objects.using(OWNER_DB).filter(pk__in=ids).update(
                relayed_at=now, relay_attempts=F("relay_attempts") + 1
            )
            continue
        try:
            with tenant_context(organization_id):
                OutboxEntry.objects.filter(pk__in=ids).update(relayed_at=now, relay_attempts=F("relay_attempts") + 1)
        except Exception:  # the entries went out; only the mark is missing — the sweep's next pass is a no-op
            logger.warning("outbox relay could not mark entries", exc_info=True)
    return sum(len(ids) for ids in relayed.values())


def outbox_sweep(*, now: Any = None, batch: int = SWEEP_BATCH) -> int:
    """Relay what the broker never got (not relayed, older than the grace) or seems to have lost (relayed long ago,
    not done). Runs from beat every minute, as the owner role across organisations; returns how many went out."""
    now = now or timezone.now()
    due = (
        OutboxEntry.objects.using(OWNER_DB)
        .filter(done_at__isnull=True)
        .filter(
            Q(relayed_at__isnull=True, created_at__lt=now - SWEEP_GRACE) | Q(relayed_at__lt=now - RELAY_AGAIN_AFTER)
        )
        .order_by("created_at")[:batch]
    )
    return outbox_relay(list(due), using=OWNER_DB)


def outbox_purge(*, now: Any = None) -> int:
    """Delete entries done more than ``OUTBOX_KEEP_DAYS`` ago (as the owner role); return how many."""
    now = now or timezone.now()
    keep = timedelta(days=getattr(settings, "OUTBOX_KEEP_DAYS", 7))
    deleted, _ = OutboxEntry.objects.using(OWNER_DB).filter(done_at__lt=now - keep).delete()
    return deleted
