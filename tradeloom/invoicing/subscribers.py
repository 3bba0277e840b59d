"""How invoicing answers other apps' events: a shipment's departure (its B/L date) or arrival fills the due dates of
its invoices whose terms count from it (in the moving transaction)."""

from __future__ import annotations

from tradeloom.invoicing.services import invoices_due_refresh
from tradeloom.logistics.events import ShipmentMoved


def due_dates_on_shipment_event(event: ShipmentMoved) -> None:
    invoices_due_refresh(shipment=event.shipment, by=event.by)
