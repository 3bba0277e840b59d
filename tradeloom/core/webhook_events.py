"""What outbound webhooks may carry, filled by the apps whose records they are about.

A webhook's event type is an audit action (``sales_order.created``): the audit log already names every change, so
webhooks send the curated public part of that catalogue. Each app that wants its changes sent registers, in its
``AppConfig.ready()`` (or the webhooks app does for the floors below it):

* ``WEBHOOK_EVENT_TYPES.register(code, WebhookEventType(code, label, area=…))`` — an action integrators may subscribe
  to, shown grouped by ``area`` on the endpoint's form;
* ``WEBHOOK_REPRESENTATIONS.register(target_type, WebhookRepresentation(represent))`` — how the record the action
  targets (``sales.order``, the audit event's ``target_type``) reads as its API shows it: ``represent(organization,
  ids)`` returns ``{id: data}`` (JSON-ready values, as ``GET`` on its API returns them) for the ids that still exist,
  in a fixed number of statements whatever the number of ids. It runs in the organisation's tenant context.

The webhooks app (``tradeloom.webhooks``) sends them; this module only holds the two registries, so a lower floor
(shipments, invoices …) adds its own types without importing it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from tradeloom.core.registry import Registry

__all__ = ["WEBHOOK_EVENT_TYPES", "WEBHOOK_REPRESENTATIONS", "WebhookEventType", "WebhookRepresentation"]


@dataclass(frozen=True)
class WebhookEventType:
    code: str  # the audit action: "sales_order.created"
    label: str  # "Order created"
    area: str = "Other"  # the group on the endpoint's form: "Orders", "Lines", "Samples"
    description: str = ""

    def __post_init__(self) -> None:
        if "." not in self.code:
            raise ValueError(f"A webhook event type is an audit action, <prefix>.<verb> ({self.code!r}).")


@dataclass(frozen=True)
class WebhookRepresentation:
    # (organization, ids) → {str(id): the record as its API shows it}; ids that no longer exist are left out
    represent: Callable[[Any, Iterable[str]], dict[str, Any]]
    resource: str = ""  # the API resource it reads as, for the documentation ("orders/{id}/")


WEBHOOK_EVENT_TYPES: Registry[WebhookEventType] = Registry("webhook event types")
WEBHOOK_REPRESENTATIONS: Registry[WebhookRepresentation] = Registry("webhook representations")
