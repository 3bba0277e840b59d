"""Stock moves: receipts, issues, transfers, adjustments and reversals, each keeping its balances in its transaction.

The rules (docs/inventory.md):

* a move may be given in any unit of the item's dimension; the ledger keeps it in the item's stock unit
  (``quantity x unit.factor / stock_unit.factor``, rounded half away from zero to 3 decimals) and what was given;
* each move locks the balance rows it changes — created first with ``INSERT … ON CONFLICT DO NOTHING``, then
  ``SELECT … FOR UPDATE`` — in one order (warehouse, item, lot), so a transfer and its reverse never deadlock and two
  issues of the last unit wait for each other: the second sees the first's balance;
* a move that would leave a balance below zero is refused (``insufficient_stock``, 409) unless the organisation
  allows negative stock;
* values are in the organisation's base currency, at moving average: a receipt adds ``cents(quantity x unit cost)``
  (its given quantity and cost per given unit); a decrease takes ``cents(quantity x value / on hand)`` — all the
  value left when it takes all the stock, and beyond that (negative stock) the last average per unit; the balance's
  average is ``value / quantity`` to 6 decimals while the quantity is above zero, else the last one;
* a reversal is a new move with the opposite quantity and value of the move it reverses (a decrease that empties
  the balance takes what value is left instead); a move is reversed once, never twice; reversing a source twice
  reverses nothing the second time.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from tradeloom.audit.formats import number
from tradeloom.audit.services import audit_record
from tradeloom.catalog.models import Item, UnitOfMeasure
from tradeloom.core.events import publish
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.core.ids import new_id
from tradeloom.core.money import cents
from tradeloom.inventory.events import StockMoveAction, StockMoved
from tradeloom.inventory.models import COST_PLACES, QUANTITY_PLACES, StockBalance, StockMove, Warehouse

QUANTUM = Decimal(1).scaleb(-QUANTITY_PLACES)
COST_QUANTUM = Decimal(1).scaleb(-COST_PLACES)
MAX_QUANTITY = Decimal(1_000_000_000)  # per move, in any unit
MAX_UNIT_COST = Decimal(100_000_000)
TRANSFER_SOURCE = "inventory.transfer"
ADJUSTMENT_SOURCE = "inventory.adjustment"
DECREASING_KINDS = frozenset({StockMove.Kind.ISSUE, StockMove.Kind.PRODUCTION_OUT})
INCREASING_KINDS = frozenset({StockMove.Kind.RECEIPT, StockMove.Kind.PRODUCTION_IN})

Key = tuple[uuid.UUID, uuid.UUID, str]


@dataclass(frozen=True)
class Transfer:
    """A transfer's two halves: out of one warehouse, into another (one source id)."""

    out_move: StockMove
    in_move: StockMove


# --- units and figures ------------------------------------------------------------------------------------------------


def quantity_in_stock_unit(*, item: Item, quantity: Decimal, unit: UnitOfMeasure) -> Decimal:
    """``quantity`` of ``unit`` in the item's stock unit, to 3 decimals; refused across dimensions."""
    stock_unit = item.unit
    if unit.dimension != stock_unit.dimension:
        raise field_error(
            "unit",
            f"{item.code} is kept in {stock_unit.code} ({stock_unit.get_dimension_display()}): "
            f"{unit.code} measures something else.",
            code="incompatible_units",
        )
    if unit.pk == stock_unit.pk:
        return quantity.quantize(QUANTUM, rounding=ROUND_HALF_UP)
    return (quantity * unit.factor / stock_unit.factor).quantize(QUANTUM, rounding=ROUND_HALF_UP)


def _cost(value: Decimal, quantity: Decimal) -> Decimal:
    return (abs(value) / abs(quantity)).quantize(COST_QUANTUM, rounding=ROUND_HALF_UP)


def decrease_value(balance: StockBalance, out: Decimal) -> Decimal:
    """The (negative) value of taking ``out`` (> 0, stock unit) from ``balance`` at its moving average."""
    if balance.quantity > 0:
        if out >= balance.quantity:
            beyond = out - balance.quantity
            return -(balance.value + cents(beyond * balance.average_unit_cost))
        return -cents(out * balance.value / balance.quantity)
    return -cents(out * balance.average_unit_cost)


def _positive(value: Any, field: str, *, label: str = "quantity", maximum: Decimal = MAX_QUANTITY) -> Decimal:
    try:
        number = Decimal(str(value))
    except (ArithmeticError, ValueError, TypeError) as exc:
        raise field_error(field, f"Enter a {label}.") from exc
    if not number.is_finite() or number <= 0:
        raise field_error(field, f"The {label} must be above zero.")
    if number >= maximum:
        raise field_error(field, f"The {label} must be below {maximum:,}.")
    if number != number.quantize(QUANTUM, rounding=ROUND_HALF_UP):
        raise field_error(field, f"The {label} has at most {QUANTITY_PLACES} decimals.")
    return number


def _unit_cost(value: Any, field: str = "unit_cost") -> Decimal:
    try:
        number = Decimal(str(value))
    except (ArithmeticError, ValueError, TypeError) as exc:
        raise field_error(field, "Enter a unit cost.") from exc
    if not number.is_finite() or number < 0:
        raise field_error(field, "The unit cost cannot be below zero.")
    if number >= MAX_UNIT_COST:
        raise field_error(field, f"The unit cost must be below {MAX_UNIT_COST:,}.")
    return number  # used as given: the value is cents(quantity x cost), whatever the cost's decimals


def _lot(value: Any) -> str:
    lot = str(value or "").strip()
    if len(lot) > 60:
        raise field_error("lot", "A lot has at most 60 characters.")
    return lot


def _text(value: Any, field: str, limit: int) -> str:
    text = str(value or "").strip()
    if len(text) > limit:
        raise field_error(field, f"At most {limit} characters.")
    return text


def _check_owned(organization: Any, *, warehouse: Warehouse | None = None, item: Item | None = None) -> None:
    if warehouse is not None and warehouse.organization_id != organization.pk:
        raise field_error("warehouse", "Choose one of your warehouses.")
    if item is not None and item.organization_id != organization.pk:
        raise field_error("item", "Choose one of your items.")


def _check_open(warehouse: Warehouse, field: str = "warehouse") -> None:
    if warehouse.archived_at is not None:
        raise ApplicationError(
            f"{warehouse.code} is archived: restore it before moving stock in or out.",
            code="warehouse_archived",
            status=409,
            extra={"errors": {field: [f"{warehouse.code} is archived."]}},
        )


def _check_unit(organization: Any, unit: UnitOfMeasure) -> None:
    if unit.organization_id != organization.pk:
        raise field_error("unit", "Choose one of your units.")


def _day(on: date | None) -> date:
    return on or timezone.localdate()


# --- balances ---------------------------------------------------------------------------------------------------------

_CREATE_BALANCE = (
    "INSERT INTO inventory_stockbalance (id, organization_id, created_by_id, created_at, updated_at, warehouse_id, "
    "item_id, lot, quantity, value, average_unit_cost, move_count) "
    "VALUES (%s, %s, NULL, now(), now(), %s, %s, %s, 0, 0, 0, 0) "
    "ON CONFLICT (organization_id, warehouse_id, item_id, lot) DO NOTHING"
)


def balances_lock(*, organization: Any, keys: Iterable[Key]) -> dict[Key, StockBalance]:
    """The balance rows of ``keys`` (warehouse id, item id, lot), created when missing and locked, in key order."""
    locked: dict[Key, StockBalance] = {}
    with connection.cursor() as cursor:
        for key in sorted(set(keys), key=lambda k: (str(k[0]), str(k[1]), k[2])):
            warehouse_id, item_id, lot = key
            cursor.execute(_CREATE_BALANCE, [new_id(), organization.pk, warehouse_id, item_id, lot])
            locked[key] = StockBalance.objects.select_for_update().get(
                organization=organization, warehouse_id=warehouse_id, item_id=item_id, lot=lot
            )
    return locked


def _insufficient(balance: StockBalance, *, item: Item, warehouse: Warehouse, out: Decimal) -> ApplicationError:
    unit = item.unit.code
    lot = f" (lot {balance.lot})" if balance.lot else ""
    return ApplicationError(
        f"Only {number(balance.quantity)} {unit} of {item.code} on hand in {warehouse.code}{lot}: "
        f"{number(out)} {unit} cannot be taken out.",
        code="insufficient_stock",
        status=409,
        extra={
            "errors": {"quantity": [f"Only {number(balance.quantity)} {unit} on hand."]},
            "on_hand": str(balance.quantity),
            "requested": str(out),
            "unit": unit,
        },
    )


def _apply(
    *,
    organization: Any,
    by: Any,
    balance: StockBalance,
    warehouse: Warehouse,
    item: Item,
    kind: str,
    quantity: Decimal,
    given_quantity: Decimal,
    given_unit: UnitOfMeasure,
    value: Decimal | None,
    on: date,
    source_type: str = "",
    source_id: uuid.UUID | None = None,
    reference: str = "",
    reason: str = "",
    reverses: StockMove | None = None,
) -> StockMove:
    """One move on a locked balance: its value (given for an increase or a reversal, else at moving average), the
    negative-stock check, the balance's new figures, and the move with the balance after it (saved)."""
    if quantity == 0:
        raise field_error("quantity", "The quantity in the stock unit rounds to zero: give a larger quantity.")
    new_quantity = balance.quantity + quantity
    if quantity < 0:
        if new_quantity < 0 and not organization.allow_negative_stock:
            raise _insufficient(balance, item=item, warehouse=warehouse, out=-quantity)
        if value is None or (new_quantity == 0 and balance.quantity > 0):
            value = decrease_value(balance, -quantity)
    if value is None:  # an increase always comes with its value
        raise ApplicationError("An increase needs its value.", code="validation_error")
    new_value = balance.value + value
    if new_quantity > 0:
        balance.average_unit_cost = (new_value / new_quantity).quantize(COST_QUANTUM, rounding=ROUND_HALF_UP)
    elif quantity > 0:
        balance.average_unit_cost = _cost(value, quantity)
    balance.quantity = new_quantity
    balance.value = new_value
    balance.move_count += 1
    balance.save(update_fields=["quantity", "value", "average_unit_cost", "move_count", "updated_at"])
    move = StockMove(
        organization=organization,
        created_by_id=getattr(by, "user_id", None),
        kind=kind,
        balance=balance,
        warehouse=warehouse,
        item=item,
        lot=balance.lot,
        moved_on=on,
        quantity=quantity,
        given_quantity=given_quantity,
        given_unit=given_unit,
        value=value,
        unit_cost=_cost(value, quantity),
        quantity_after=new_quantity,
        value_after=new_value,
        sequence=balance.move_count,
        source_type=source_type,
        source_id=source_id,
        reference=reference,
        reason=reason,
        reverses=reverses,
    )
    move.save(force_insert=True)
    return move


def _changes(move: StockMove, **more: Any) -> dict[str, Any]:
    changes: dict[str, Any] = {
        "kind": [None, move.kind],
        "item": [None, move.item.code],
        "warehouse": [None, move.warehouse.code],
        "given_quantity": [None, str(move.given_quantity)],
        "unit": [None, move.given_unit.code],
        "quantity": [None, str(move.quantity)],
        "value": [None, str(move.value)],
    }
    if move.lot:
        changes["lot"] = [None, move.lot]
    if move.reference:
        changes["reference"] = [None, move.reference]
    if move.reason:
        changes["reason"] = [None, move.reason]
    if move.source_type:
        changes["source"] = [None, f"{move.source_type}:{move.source_id}"]
    for key, value in more.items():
        changes[key] = [None, value]
    return changes


def _source(source_type: Any, source_id: Any) -> tuple[str, uuid.UUID | None]:
    label = str(source_type or "").strip()
    if len(label) > 60 or (label and label.count(".") != 1):
        raise field_error("source_type", "A source is an “app.model” label.")
    if not label:
        return "", None
    try:
        return label, source_id if isinstance(source_id, uuid.UUID) else uuid.UUID(str(source_id))
    except ValueError as exc:
        raise field_error("source_id", "A source id is a UUID.") from exc


# --- the interface other apps call ------------------------------------------------------------------------------------


@transaction.atomic
def stock_receive(
    *,
    organization: Any,
    by: Any,
    warehouse: Warehouse,
    item: Item,
    quantity: Decimal,
    unit: UnitOfMeasure,
    unit_cost: Decimal,
    source_type: str,
    source_id: uuid.UUID | None,
    reference: str,
    lot: str = "",
    on: date | None = None,
    kind: str = StockMove.Kind.RECEIPT,
) -> StockMove:
    """Goods in: ``quantity`` of ``unit`` into ``warehouse`` at ``unit_cost`` per ``unit`` (base currency)."""
    if kind not in INCREASING_KINDS:
        raise field_error("kind", "A receipt is a receipt or a production in.")
    _check_owned(organization, warehouse=warehouse, item=item)
    _check_unit(organization, unit)
    _check_open(warehouse)
    given = _positive(quantity, "quantity")
    cost = _unit_cost(unit_cost)
    stock_quantity = quantity_in_stock_unit(item=item, quantity=given, unit=unit)
    label, source = _source(source_type, source_id)
    lot = _lot(lot)
    key = (warehouse.pk, item.pk, lot)
    balance = balances_lock(organization=organization, keys=[key])[key]
    move = _apply(
        organization=organization,
        by=by,
        balance=balance,
        warehouse=warehouse,
        item=item,
        kind=kind,
        quantity=stock_quantity,
        given_quantity=given,
        given_unit=unit,
        value=cents(given * cost),
        on=_day(on),
        source_type=label,
        source_id=source,
        reference=_text(reference, "reference", 200),
    )
    audit_record(actor=by, action=StockMoveAction.RECEIVED, target=move, changes=_changes(move, unit_cost=str(cost)))
    publish(StockMoved(moves=[move], by=by))
    return move


@transaction.atomic
def stock_issue(
    *,
    organization: Any,
    by: Any,
    warehouse: Warehouse,
    item: Item,
    quantity: Decimal,
    unit: UnitOfMeasure,
    source_type: str,
    source_id: uuid.UUID | None,
    reference: str,
    lot: str = "",
    on: date | None = None,
    kind: str = StockMove.Kind.ISSUE,
) -> StockMove:
    """Goods out: ``quantity`` of ``unit`` from ``warehouse`` at its moving average (``insufficient_stock`` when it
    would go below zero and the organisation does not allow negative stock)."""
    if kind not in DECREASING_KINDS:
        raise field_error("kind", "An issue is an issue or a production out.")
    moves = stock_issue_many(
        organization=organization,
        by=by,
        warehouse=warehouse,
        rows=[(item, quantity, unit, lot)],
        source_type=source_type,
        source_id=source_id,
        reference=reference,
        on=on,
        kind=kind,
    )
    return moves[0]


@transaction.atomic
def stock_issue_many(
    *,
    organization: Any,
    by: Any,
    warehouse: Warehouse,
    rows: Sequence[tuple[Item, Decimal, UnitOfMeasure, str]],
    source_type: str,
    source_id: uuid.UUID | None,
    reference: str,
    on: date | None = None,
    kind: str = StockMove.Kind.ISSUE,
) -> list[StockMove]:
    """Several items out of one warehouse for one source (a shipment's lines), all or nothing, in one transaction."""
    _check_owned(organization, warehouse=warehouse)
    _check_open(warehouse)
    label, source = _source(source_type, source_id)
    reference = _text(reference, "reference", 200)
    prepared = []
    for item, quantity, unit, lot in rows:
        _check_owned(organization, item=item)
        _check_unit(organization, unit)
        given = _positive(quantity, "quantity")
        prepared.append((item, given, unit, _lot(lot), quantity_in_stock_unit(item=item, quantity=given, unit=unit)))
    balances = balances_lock(organization=organization, keys=[(warehouse.pk, p[0].pk, p[3]) for p in prepared])
    moves = []
    for item, given, unit, lot, stock_quantity in prepared:
        moves.append(
            _apply(
                organization=organization,
                by=by,
                balance=balances[(warehouse.pk, item.pk, lot)],
                warehouse=warehouse,
                item=item,
                kind=kind,
                quantity=-stock_quantity,
                given_quantity=given,
                given_unit=unit,
                value=None,
                on=_day(on),
                source_type=label,
                source_id=source,
                reference=reference,
            )
        )
    for move in moves:
        audit_record(actor=by, action=StockMoveAction.ISSUED, target=move, changes=_changes(move))
    publish(StockMoved(moves=moves, by=by))
    return moves


def _reverse(*, organization: Any, by: Any, moves: list[StockMove], reason: str) -> list[StockMove]:
    """Reverse ``moves`` (locked balances first, then those not reversed meanwhile), newest first."""
    if not moves:
        return []
    reason = _text(reason, "reason", 500)
    if not reason:
        raise field_error("reason", "Say why the stock move is reversed.")
    balances = balances_lock(organization=organization, keys=[(m.warehouse_id, m.item_id, m.lot) for m in moves])
    pending = list(
        StockMove.objects.filter(pk__in=[m.pk for m in moves], reversal__isnull=True)
        .select_related("warehouse", "item__unit", "given_unit")
        .order_by("-created_at", "-id")
    )
    made = []
    for original in pending:
        made.append(
            _apply(
                organization=organization,
                by=by,
                balance=balances[(original.warehouse_id, original.item_id, original.lot)],
                warehouse=original.warehouse,
                item=original.item,
                kind=StockMove.Kind.REVERSAL,
                quantity=-original.quantity,
                given_quantity=original.given_quantity,
                given_unit=original.given_unit,
                value=-original.value,
                on=timezone.localdate(),
                source_type=original.source_type,
                source_id=original.source_id,
                reference=original.reference,
                reason=reason,
                reverses=original,
            )
        )
    for move, original in zip(made, pending, strict=True):
        audit_record(
            actor=by,
            action=StockMoveAction.REVERSED,
            target=move,
            changes=_changes(move, reversed_kind=original.get_kind_display().lower(), reverses=str(original.pk)),
        )
    if made:
        publish(StockMoved(moves=made, by=by))
    return made


@transaction.atomic
def stock_moves_reverse(
    *, organization: Any, by: Any, source_type: str, source_id: uuid.UUID, reason: str
) -> list[StockMove]:
    """Reverse every move of a source not reversed yet (none left: nothing happens, ``[]``)."""
    label, source = _source(source_type, source_id)
    if not label:
        raise field_error("source_type", "Name the source whose moves to reverse.")
    moves = list(
        StockMove.objects.filter(organization=organization, source_type=label, source_id=source, reversal__isnull=True)
        .exclude(kind=StockMove.Kind.REVERSAL)
        .only("id", "warehouse_id", "item_id", "lot")
    )
    return _reverse(organization=organization, by=by, moves=moves, reason=reason)


@transaction.atomic
def stock_move_reverse(*, organization: Any, by: Any, move: StockMove, reason: str) -> list[StockMove]:
    """Reverse one move (both halves of a transfer); refused for a reversal or a move reversed already."""
    if move.organization_id != organization.pk:
        raise ApplicationError("No such stock move.", code="not_found", status=404)
    if move.kind == StockMove.Kind.REVERSAL:
        raise ApplicationError(
            "A reversal cannot be reversed: record the move again.", code="invalid_transition", status=409
        )
    if move.source_type == TRANSFER_SOURCE:
        moves = list(
            StockMove.objects.filter(organization=organization, source_type=TRANSFER_SOURCE, source_id=move.source_id)
            .exclude(kind=StockMove.Kind.REVERSAL)
            .only("id", "warehouse_id", "item_id", "lot")
        )
    else:
        moves = [move]
    made = _reverse(organization=organization, by=by, moves=moves, reason=reason)
    if not made:
        raise ApplicationError("This stock move is reversed already.", code="already_reversed", status=409)
    return made


# --- transfers and adjustments ----------------------------------------------------------------------------------------


@transaction.atomic
def stock_transfer(
    *,
    organization: Any,
    by: Any,
    from_warehouse: Warehouse,
    to_warehouse: Warehouse,
    item: Item,
    quantity: Decimal,
    unit: UnitOfMeasure,
    lot: str = "",
    on: date | None = None,
    reference: str = "",
) -> Transfer:
    """Move stock between warehouses at its moving average: out of one (refused below zero as an issue), into the
    other with the same value. Both balances are locked in key order."""
    _check_owned(organization, warehouse=from_warehouse, item=item)
    _check_owned(organization, warehouse=to_warehouse)
    _check_unit(organization, unit)
    if from_warehouse.pk == to_warehouse.pk:
        raise field_error("to_warehouse", "Choose a different warehouse to transfer to.")
    _check_open(from_warehouse, "from_warehouse")
    _check_open(to_warehouse, "to_warehouse")
    given = _positive(quantity, "quantity")
    stock_quantity = quantity_in_stock_unit(item=item, quantity=given, unit=unit)
    lot = _lot(lot)
    reference = _text(reference, "reference", 200) or f"{from_warehouse.code} → {to_warehouse.code}"
    source_key, target_key = (from_warehouse.pk, item.pk, lot), (to_warehouse.pk, item.pk, lot)
    balances = balances_lock(organization=organization, keys=[source_key, target_key])
    transfer_id = new_id()
    day = _day(on)
    common = {
        "organization": organization,
        "by": by,
        "item": item,
        "given_quantity": given,
        "given_unit": unit,
        "on": day,
        "source_type": TRANSFER_SOURCE,
        "source_id": transfer_id,
        "reference": reference,
    }
    out_move = _apply(
        balance=balances[source_key],
        warehouse=from_warehouse,
        kind=StockMove.Kind.TRANSFER_OUT,
        quantity=-stock_quantity,
        value=None,
        **common,
    )
    in_move = _apply(
        balance=balances[target_key],
        warehouse=to_warehouse,
        kind=StockMove.Kind.TRANSFER_IN,
        quantity=stock_quantity,
        value=-out_move.value,
        **common,
    )
    audit_record(
        actor=by,
        action=StockMoveAction.TRANSFERRED,
        target=out_move,
        changes=_changes(out_move, to_warehouse=to_warehouse.code),
    )
    publish(StockMoved(moves=[out_move, in_move], by=by))
    return Transfer(out_move=out_move, in_move=in_move)


@transaction.atomic
def stock_adjust(
    *,
    organization: Any,
    by: Any,
    warehouse: Warehouse,
    item: Item,
    quantity: Decimal,
    unit: UnitOfMeasure,
    reason: str,
    unit_cost: Decimal | None = None,
    lot: str = "",
    on: date | None = None,
    reference: str = "",
) -> StockMove:
    """Correct a balance by a signed ``quantity`` of ``unit`` with a reason (a count, damage, opening stock). An
    increase is valued at ``unit_cost`` per ``unit`` when given, else at the balance's average; a decrease at the
    moving average, refused below zero as an issue."""
    _check_owned(organization, warehouse=warehouse, item=item)
    _check_unit(organization, unit)
    _check_open(warehouse)
    try:
        signed = Decimal(str(quantity))
    except (ArithmeticError, ValueError, TypeError) as exc:
        raise field_error("quantity", "Enter a quantity.") from exc
    if not signed.is_finite() or signed == 0:
        raise field_error("quantity", "Enter a quantity above or below zero (below: stock out).")
    given = _positive(abs(signed), "quantity")
    reason = _text(reason, "reason", 500)
    if not reason:
        raise field_error("reason", "Say why the stock is adjusted.")
    if unit_cost is not None and signed < 0:
        raise field_error("unit_cost", "A decrease is valued at the moving average: leave the cost empty.")
    cost = _unit_cost(unit_cost) if unit_cost is not None else None
    stock_quantity = quantity_in_stock_unit(item=item, quantity=given, unit=unit)
    lot = _lot(lot)
    key = (warehouse.pk, item.pk, lot)
    balance = balances_lock(organization=organization, keys=[key])[key]
    value: Decimal | None = None
    if signed > 0:
        value = cents(given * cost) if cost is not None else cents(stock_quantity * balance.average_unit_cost)
    move = _apply(
        organization=organization,
        by=by,
        balance=balance,
        warehouse=warehouse,
        item=item,
        kind=StockMove.Kind.ADJUSTMENT,
        quantity=stock_quantity if signed > 0 else -stock_quantity,
        given_quantity=given,
        given_unit=unit,
        value=value,
        on=_day(on),
        source_type="",
        source_id=None,
        reference=_text(reference, "reference", 200),
        reason=reason,
    )
    audit_record(actor=by, action=StockMoveAction.ADJUSTED, target=move, changes=_changes(move))
    publish(StockMoved(moves=[move], by=by))
    return move
