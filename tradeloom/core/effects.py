"""``effect_task``: the Celery task of an outbox effect, done once however often the broker delivers it.

Tasks acknowledge late (after they ran) and are rejected back to the queue when their worker dies, so a task whose
worker was killed mid-way runs again. Running again must not do the work twice:

* ``once=True`` (the default, for work in the database — notifications, alerts, documents): the body runs inside
  the transaction that marks its outbox entry done (``UPDATE … SET done_at = now() WHERE done_at IS NULL``). A
  redelivery after a crash finds the entry not done (the crash rolled the mark back with the work) and runs it; a
  redelivery after success — or a second copy running at the same moment, which waits on the entry's row lock —
  finds it done and returns. Exactly once.
* ``once=False`` (for effects outside the database — an HTTP call, an e-mail): the body runs outside the
  transaction and the entry is marked done after it; a crash between the two repeats the effect (at least once),
  so such effects carry their own id for the receiver to recognise (a webhook's ``webhook-id``).

The body gets its keyword arguments (the ones given to ``outbox_enqueue``, ``organization_id`` among them). With
``once=True`` it runs in the organisation's tenant context and time zone, in the transaction; with ``once=False``
outside any transaction (it opens its own ``tenant_context`` for what it reads and writes).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.utils import timezone

from tradeloom.core.context import tenant_context
from tradeloom.core.models import OutboxEntry

logger = logging.getLogger(__name__)

__all__ = ["effect_task"]


def _organization(organization_id: str) -> Any:
    """The organisation itself when the tenancy app is there (for its time zone), else its id."""
    from django.apps import apps

    try:
        model = apps.get_model("tenancy", "Organization")
    except LookupError:  # pragma: no cover - the tenancy app is always installed
        return organization_id
    with tenant_context(organization_id):
        return model.objects.filter(pk=organization_id).first() or organization_id


def effect_task(name: str, *, once: bool = True, **options: Any) -> Callable[[Callable[..., Any]], Any]:
    """Declare the Celery task ``name`` for outbox entries (``core.outbox.outbox_enqueue(name, …)``)."""

    def decorate(body: Callable[..., Any]) -> Any:
        @shared_task(name=name, acks_late=True, reject_on_worker_lost=True, **options)
        @functools.wraps(body)
        def run(*, outbox_id: str, organization_id: str, **kwargs: Any) -> Any:
            organization = _organization(organization_id)
            if once:
                with tenant_context(organization):
                    claimed = OutboxEntry.objects.filter(pk=outbox_id, done_at__isnull=True).update(
                        done_at=timezone.now()
                    )
                    if not claimed:
                        logger.info("effect already done", extra={"task": name, "outbox_id": outbox_id})
                        return None
                    return body(organization_id=organization_id, **kwargs)
            with tenant_context(organization):
                if not OutboxEntry.objects.filter(pk=outbox_id, done_at__isnull=True).exists():
                    return None
            result = body(organization_id=organization_id, **kwargs)
            with tenant_context(organization):
                OutboxEntry.objects.filter(pk=outbox_id).update(done_at=timezone.now())
            return result

        return run

    return decorate
