"""How logistics answers events — its own, for the order lines' figures it keeps on the sales floor."""

from __future__ import annotations

from decimal import Decimal

from tradeloom.logistics.events import ShipmentDelivered
from tradeloom.sales.shipping import lines_for_shipping, lines_shipping_move


def record_buyer_delivery(event: ShipmentDelivered) -> None:
    """A delivered shipment's quantities reach the buyer: its order lines' delivered-to-buyer figures grow by them
    (in the delivering transaction, with the lines locked)."""
    rows = event.lines
    if not rows:
        return
    lines_for_shipping(r.line_id for r in rows)
    lines_shipping_move(delivered={r.line_id: Decimal(r.quantity) for r in rows})
