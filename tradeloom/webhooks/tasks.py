"""Background work of webhooks: building the messages of committed changes, attempting deliveries, the sweep."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from tradeloom.core.effects import effect_task
from tradeloom.tenancy.models import Organization
from tradeloom.webhooks import services


@effect_task("webhooks.dispatch")
def dispatch(*, organization_id: str, event_ids: list[str]) -> int:
    """The messages and deliveries of committed audit events (once: in the transaction that marks it done)."""
    organization = Organization.objects.get(pk=organization_id)
    return len(services.messages_create(organization=organization, event_ids=event_ids))


@effect_task("webhooks.deliver", once=False)
def deliver(*, organization_id: str, delivery_id: str) -> Any:
    """One attempt of a delivery (at least once: the receiver drops a repeat by its ``webhook-id``)."""
    attempt = services.delivery_attempt(organization_id=organization_id, delivery_id=delivery_id)
    return attempt.succeeded if attempt is not None else None


@shared_task(name="webhooks.sweep")
def sweep() -> int:
    """Every minute: hand the deliveries whose retry is due to workers."""
    return services.deliveries_sweep()


@shared_task(name="webhooks.purge")
def purge() -> int:
    """Every hour: forget messages finished more than 30 days ago (a batch a run)."""
    return services.messages_purge()
