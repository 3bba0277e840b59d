"""Purchasing rules, one module per part: making and editing POs and their moves (``orders``), the money
(``figures``), amendments (``amendments``), goods receipts (``receipts``) and POs raised back to back from sales-order
lines (``back_to_back``). Every write locks the PO, checks its rules, writes, audits and publishes in one transaction;
callers use ``purchasing.services.<name>``."""

from tradeloom.purchasing.services.amendments import purchase_order_amend
from tradeloom.purchasing.services.back_to_back import (
    back_to_back_plan,
    purchase_orders_from_order,
    purchased_quantities,
)
from tradeloom.purchasing.services.orders import (
    approval_limit,
    local_today,
    plant_allowed,
    po_lock,
    purchase_order_create,
    purchase_order_move,
    purchase_order_update,
)
from tradeloom.purchasing.services.receipts import receipt_cancel, receipt_create, receipt_limit

__all__ = [
    "approval_limit",
    "back_to_back_plan",
    "local_today",
    "plant_allowed",
    "po_lock",
    "purchase_order_amend",
    "purchase_order_create",
    "purchase_order_move",
    "purchase_order_update",
    "purchase_orders_from_order",
    "purchased_quantities",
    "receipt_cancel",
    "receipt_create",
    "receipt_limit",
]
