"""What logistics gives outbound webhooks (``core.webhook_events``): the shipment actions integrators may subscribe
to, and how a shipment reads in their payloads — as ``GET shipments/{id}/`` returns it. Registered from
``LogisticsConfig.ready()``; the webhooks app above sends them without logistics knowing it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tradeloom.core.webhook_events import (
    WEBHOOK_EVENT_TYPES,
    WEBHOOK_REPRESENTATIONS,
    WebhookEventType,
    WebhookRepresentation,
)
from tradeloom.logistics.detail import detail_data, shipments_rows
from tradeloom.logistics.events import ShipmentAction

AREA = "Shipments"
EVENT_TYPES = [
    (ShipmentAction.CREATED, "Shipment booked"),
    ("shipment.updated", "Shipment changed (carrier, B/L or AWB, vessel, ports …)"),
    (ShipmentAction.DEPARTED, "Shipment departed"),
    (ShipmentAction.ARRIVED, "Shipment arrived"),
    (ShipmentAction.DELIVERED, "Shipment delivered to the buyer"),
    (ShipmentAction.RETURNED, "Shipment returned"),
    (ShipmentAction.CANCELLED, "Shipment cancelled"),
    (ShipmentAction.ETA_REVISED, "Shipment's ETD or ETA revised"),
    (ShipmentAction.LINE_ADDED, "Line added to a shipment"),
    (ShipmentAction.LINE_CHANGED, "Shipment line changed"),
    (ShipmentAction.LINE_REMOVED, "Line taken off a shipment"),
]


def shipments_represent(organization: Any, ids: Iterable[str]) -> dict[str, Any]:
    """Shipments as ``GET shipments/{id}/`` returns them (``logistics.detail``): five statements whatever the number
    of ids."""
    rows = shipments_rows(organization=organization, ids=ids)
    return {str(pk): detail_data(shipment, org_slug=organization.slug) for pk, shipment in rows.items()}


def register() -> None:
    for code, label in EVENT_TYPES:
        WEBHOOK_EVENT_TYPES.register(str(code), WebhookEventType(str(code), label, area=AREA))
    WEBHOOK_REPRESENTATIONS.register(
        "logistics.shipment", WebhookRepresentation(shipments_represent, "shipments/{id}/")
    )
