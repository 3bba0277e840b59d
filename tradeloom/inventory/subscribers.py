"""How inventory answers other apps' events: a shipment's departure issues its items from the warehouse it ships from
(in the departing transaction: not enough stock refuses the departure); its return or cancellation reverses that."""

from __future__ import annotations

from tradeloom.inventory.services.shipments import shipment_stock_issue, shipment_stock_reverse
from tradeloom.logistics.events import ShipmentMoved


def stock_on_shipment_departed(event: ShipmentMoved) -> None:
    shipment_stock_issue(shipment=event.shipment, lines=event.lines, by=event.by)


def stock_on_shipment_back(event: ShipmentMoved) -> None:
    shipment_stock_reverse(shipment=event.shipment, by=event.by)
