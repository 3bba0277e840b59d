"""What the inventory app records and announces: its audit actions and its domain events (docs/events.md).

A warehouse's create, update, archive, restore and delete are its record verbs (``warehouse.created`` …,
``records.services``). Every stock move is audited on the move (``stock_move.<verb>``); a transfer once, on its
outgoing half; a reversal on the reversing move. Choosing the warehouse a shipment ships from is
``shipment_warehouse.set``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tradeloom.audit.actions import Action
from tradeloom.audit.sentences import Field, Told, sentences_register
from tradeloom.core.events import Event
from tradeloom.inventory.models import StockMove


class StockMoveAction(Action):
    RECEIVED = "stock_move.received"
    ISSUED = "stock_move.issued"
    TRANSFERRED = "stock_move.transferred"
    ADJUSTED = "stock_move.adjusted"
    REVERSED = "stock_move.reversed"


class ShipmentWarehouseAction(Action):
    SET = "shipment_warehouse.set"


def _quantity(t: Told) -> str:
    """ "10 yd of SJ-160" — or "stock" for an event that recorded nothing."""
    quantity = t.value("given_quantity") if t.has("given_quantity") else ""
    unit = f" {t.value('unit')}" if t.has("unit") and quantity else ""
    item = t.value("item") if t.has("item") else ""
    if quantity and item:
        return f"{quantity}{unit} of {item}"
    return f"{quantity}{unit}" if quantity else (f"stock of {item}" if item else "stock")


def _reference(t: Told) -> str:
    return f" ({t.value('reference')})" if t.has("reference") else ""


def _reason(t: Told) -> str:
    return f": “{t.value('reason')}”" if t.has("reason") else ""


def _moved(verb: str, preposition: str) -> Any:
    def sentence(t: Told) -> str:
        warehouse = f" {preposition} {t.value('warehouse')}" if t.has("warehouse") else ""
        return f"{t.actor} {verb} {_quantity(t)}{warehouse}{_reference(t)}"

    return sentence


def _transferred(t: Told) -> str:
    source = f" from {t.value('warehouse')}" if t.has("warehouse") else ""
    destination = f" to {t.value('to_warehouse')}" if t.has("to_warehouse") else ""
    return f"{t.actor} transferred {_quantity(t)}{source}{destination}"


def _adjusted(t: Told) -> str:
    item = f" of {t.value('item')}" if t.has("item") else ""
    warehouse = f" in {t.value('warehouse')}" if t.has("warehouse") else ""
    by = f" by {t.value('quantity')}" if t.has("quantity") else ""
    unit = f" {t.value('unit')}" if by and t.has("unit") and t.value("unit") else ""
    return f"{t.actor} adjusted the stock{item}{warehouse}{by}{unit}{_reason(t)}"


def _reversed(t: Told) -> str:
    what = f"a stock {t.value('reversed_kind')}" if t.has("reversed_kind") else "a stock move"
    of = f" of {_quantity(t)}" if t.has("given_quantity") else ""
    return f"{t.actor} reversed {what}{of}{_reference(t)}{_reason(t)}"


def _shipment_warehouse(t: Told) -> str:
    shipment = t.value("shipment") if t.has("shipment") else "a shipment"
    if t.has("warehouse") and t.value("warehouse"):
        return f"{t.actor} set {shipment} to ship from {t.value('warehouse')}"
    if t.has("warehouse"):
        return f"{t.actor} set {shipment} to ship from no warehouse"
    return f"{t.actor} chose the warehouse {shipment} ships from"


sentences_register(
    {
        StockMoveAction.RECEIVED: _moved("received", "into"),
        StockMoveAction.ISSUED: _moved("issued", "from"),
        StockMoveAction.TRANSFERRED: _transferred,
        StockMoveAction.ADJUSTED: _adjusted,
        StockMoveAction.REVERSED: _reversed,
        ShipmentWarehouseAction.SET: _shipment_warehouse,
    },
    fields={
        "given_quantity": Field(label="Quantity given", number=True, plain=True),
        "quantity": Field(label="Quantity (stock unit)", number=True, plain=True),
        "unit": Field(label="Unit", plain=True),
        "item": Field(label="Item", plain=True),
        "warehouse": Field(label="Warehouse", plain=True),
        "to_warehouse": Field(label="To warehouse", plain=True),
        "reference": Field(label="Reference", plain=True),
        "reason": Field(label="Reason", plain=True),
        "reversed_kind": Field(label="Reversed", plain=True),
        "shipment": Field(label="Shipment", plain=True),
        "value": Field(label="Value", number=True, plain=True),
        "unit_cost": Field(label="Unit cost", number=True, plain=True),
        "lot": Field(label="Lot", plain=True),
        "source": Field(label="Source", plain=True),
    },
)


# --- domain events ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class StockMoved(Event):
    """Stock moved: the moves just written (a transfer's two halves, a reversal's reversing moves, a shipment's
    issues), in the moving transaction, with the balances already updated."""

    name = "inventory.stock_moved"
    moves: list[StockMove]
    by: Any
