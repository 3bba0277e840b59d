"""Inventory rules: stock moves (``moves``: receipts, issues, transfers, adjustments, reversals, the balances they
keep) and the warehouse a shipment ships from (``shipments``). Callers use ``inventory.services.<name>``."""

from tradeloom.inventory.services.moves import (
    Transfer,
    balances_lock,
    decrease_value,
    quantity_in_stock_unit,
    stock_adjust,
    stock_issue,
    stock_issue_many,
    stock_move_reverse,
    stock_moves_reverse,
    stock_receive,
    stock_transfer,
)
from tradeloom.inventory.services.shipments import (
    SHIPMENT_SOURCE,
    shipment_stock_issue,
    shipment_stock_reverse,
    shipment_warehouse_set,
)

__all__ = [
    "SHIPMENT_SOURCE",
    "Transfer",
    "balances_lock",
    "decrease_value",
    "quantity_in_stock_unit",
    "shipment_stock_issue",
    "shipment_stock_reverse",
    "shipment_warehouse_set",
    "stock_adjust",
    "stock_issue",
    "stock_issue_many",
    "stock_move_reverse",
    "stock_moves_reverse",
    "stock_receive",
    "stock_transfer",
]
