"""Opening stock: the on hand of an item in a warehouse (and lot) set to the row's figure by an adjustment move of
the difference (``inventory.services.moves.stock_adjust``: the ledger's own locking, valuation and audit).

The rule: a balance that has only opening moves (adjustments with the reason ``OPENING_REASON``), or none, is set
to the row's quantity — a receipt of the difference at the row's unit cost when it goes up, a decrease at the moving
average when it goes down, nothing when it already is the figure (a re-run changes nothing). A balance that has any
other move (a receipt, an issue, a transfer, a count) is live stock: a row that agrees with it is unchanged, a row
that does not is refused — correct live stock on the stock page, where the adjustment is a decision.
"""

from __future__ import annotations

from decimal import Decimal

from tradeloom.imports.registry import CREATED, UNCHANGED, UPDATED, Entity, Field, ImportContext, RowError, RowResult
from tradeloom.imports.values import Reader
from tradeloom.inventory.capabilities import INVENTORY_MANAGE
from tradeloom.inventory.models import StockBalance, StockMove
from tradeloom.inventory.services.moves import MAX_QUANTITY, quantity_in_stock_unit, stock_adjust

OPENING_REASON = "Opening stock (import)"
COST = Decimal("0.000001")


def _opening_apply(context: ImportContext, row: dict[str, str]) -> RowResult:
    reader = Reader(context, row)
    item = reader.item("item", required=True)
    warehouse = reader.warehouse("warehouse", required=True)
    lot = reader.text("lot", 60)
    quantity = reader.decimal("quantity", places=3, maximum=MAX_QUANTITY)
    if quantity is None and "quantity" not in reader.errors:
        reader.fail("quantity", "Give the quantity on hand.")
    unit = reader.unit("unit")
    unit_cost = reader.decimal("unit_cost", places=6)
    on = reader.date("date")
    reader.done()
    if quantity is None:  # reader.done() said so
        raise RowError("Give the quantity on hand.", "quantity")
    unit = unit or item.unit
    target = quantity_in_stock_unit(item=item, quantity=quantity, unit=unit) if quantity else Decimal(0)
    balance = StockBalance.objects.filter(
        organization=context.organization, warehouse=warehouse, item=item, lot=lot
    ).first()
    current = balance.quantity if balance is not None else Decimal(0)
    if current == target:
        return RowResult(UNCHANGED, balance)
    if balance is not None:
        live = (
            StockMove.objects.filter(balance=balance)
            .exclude(kind=StockMove.Kind.ADJUSTMENT, reason=OPENING_REASON)
            .exists()
        )
        if live:
            raise RowError(
                f"{item.code} in {warehouse.code} has stock moves already ({current.normalize():f} {item.unit.code} on "
                "hand): an opening balance is only set before other moves. Adjust it on the stock page.",
                "quantity",
            )
    difference = target - current
    cost = None
    if difference > 0 and unit_cost is not None:
        # the row's cost is per its unit; the difference is in the stock unit
        cost = unit_cost if unit.pk == item.unit_id else (unit_cost * quantity / target).quantize(COST)
    move = stock_adjust(
        organization=context.organization,
        by=context.by,
        warehouse=warehouse,
        item=item,
        quantity=difference,
        unit=item.unit,
        reason=OPENING_REASON,
        unit_cost=cost,
        lot=lot,
        on=on,
        reference=reader.text("reference", 200),
    )
    return RowResult(CREATED if balance is None or balance.move_count == 0 else UPDATED, move.balance)


OPENING_STOCK = Entity(
    code="opening_stock",
    label="Opening stock",
    description="A row per item in a warehouse (and lot): its on hand is set to the row's quantity by an opening "
    "adjustment, before the balance has other moves.",
    fields=(
        Field("item", "Item", required=True, aliases=("item code", "sku", "article")),
        Field("warehouse", "Warehouse", required=True, aliases=("warehouse code", "location", "store")),
        Field("lot", "Lot", aliases=("lot number", "batch", "batch number")),
        Field(
            "quantity", "On hand", required=True, aliases=("quantity", "qty", "quantity on hand", "opening quantity")
        ),
        Field("unit", "Unit", aliases=("uom", "unit of measure"), help="Empty: the item's stock unit."),
        Field(
            "unit_cost",
            "Average cost",
            aliases=("unit cost", "cost", "cost per unit"),
            help="Per unit, in the organisation's base currency (empty: the balance's average, zero at first).",
        ),
        Field("date", "Date", aliases=("as of", "opening date", "moved on"), help="Empty: today."),
        Field("reference", "Reference", aliases=("note", "count reference")),
    ),
    key=("warehouse", "item", "lot"),
    apply_row=_opening_apply,
    capability=str(INVENTORY_MANAGE),
    order=80,
)
