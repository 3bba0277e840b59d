"""How a change becomes a webhook: the audit log's listener writes an outbox entry in the change's transaction.

``audit.services`` calls ``on_audit_recorded(events)`` with every batch of events it writes, inside the change's
transaction. For the few actions that are public event types, and only when one of the organisation's active
endpoints subscribes to them, it writes one outbox entry (``webhooks.dispatch``) with the events' ids: it commits or
rolls back with the change (nothing is sent for a change that did not happen, nothing is lost when the broker is
down), and the worker builds the messages after the commit.

Cheap in the common case: an action that is no event type costs a set lookup; the organisation's subscribed types
are cached (``subscribed_types``, forgotten whenever one of its endpoints changes, and expiring after
``CACHE_SECONDS`` at worst), so an audited change costs no query unless it is to be sent.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.core.cache import cache
from django.db import transaction

from tradeloom.core.outbox import outbox_enqueue
from tradeloom.core.webhook_events import WEBHOOK_EVENT_TYPES
from tradeloom.webhooks.models import Endpoint, subscribed_types_key

logger = logging.getLogger(__name__)

CACHE_SECONDS = 300
DISPATCH_TASK = "webhooks.dispatch"


def subscribed_types_read(organization_id: Any) -> frozenset[str]:
    """The event types the organisation's active endpoints subscribe to, from the database."""
    rows = Endpoint.objects.filter(
        organization_id=organization_id, is_active=True, archived_at__isnull=True
    ).values_list("event_types", flat=True)
    return frozenset(t for types in rows for t in types)


def subscribed_types(organization_id: Any) -> frozenset[str]:
    """``subscribed_types_read``, cached per organisation (a cache that is down costs the query instead)."""
    key = subscribed_types_key(organization_id)
    try:
        cached = cache.get(key)
    except Exception:
        logger.warning("webhooks: the cache is unavailable; reading subscriptions", exc_info=True)
        return subscribed_types_read(organization_id)
    if cached is not None:
        return frozenset(cached)
    types = subscribed_types_read(organization_id)
    try:
        cache.set(key, sorted(types), CACHE_SECONDS)
    except Exception:
        logger.warning("webhooks: the cache is unavailable", exc_info=True)
    return types


def on_audit_recorded(events: Sequence[Any]) -> None:
    """The audit listener (``audit.services.audit_listen``): queue the events some endpoint subscribes to."""
    by_organization: dict[Any, list[Any]] = {}
    for event in events:
        if event.organization_id and event.action in WEBHOOK_EVENT_TYPES:
            by_organization.setdefault(event.organization_id, []).append(event)
    for organization_id, candidates in by_organization.items():
        types = subscribed_types(organization_id)
        ids = [str(event.pk) for event in candidates if event.action in types]
        if ids:
            # inside the change's transaction; one opened for a change audited outside any (already committed)
            with transaction.atomic(savepoint=False):
                outbox_enqueue(DISPATCH_TASK, organization_id=organization_id, event_ids=ids)
