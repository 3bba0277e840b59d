"""What the floors above add to the shipment page, registered in their ``AppConfig.ready()`` (logistics imports none
of them: docs/modules.md).

* ``SHIPMENT_ACTIONS``: a link among the shipment page's actions (invoicing: "Invoice this shipment"), shown to the
  members whose role has its capability; its URL is reversed with ``org_slug`` and ``shipment_id``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tradeloom.core.registry import Registry


@dataclass(frozen=True)
class ShipmentAction:
    key: str
    label: str
    url_name: str  # reversed with ``org_slug`` and ``shipment_id``
    capability: Any = None  # a ``tenancy.roles.Capability``; None: every member who sees the shipment


SHIPMENT_ACTIONS: Registry[ShipmentAction] = Registry("shipment page actions")


def shipment_actions_for(*, role: str, org_slug: str, shipment: Any) -> list[tuple[ShipmentAction, str]]:
    """The registered actions the member's role may take on ``shipment``, with their URLs (no statement)."""
    from django.urls import reverse

    from tradeloom.tenancy.roles import role_has

    return [
        (action, reverse(action.url_name, kwargs={"org_slug": org_slug, "shipment_id": shipment.pk}))
        for action in SHIPMENT_ACTIONS
        if action.capability is None or role_has(role, action.capability)
    ]
