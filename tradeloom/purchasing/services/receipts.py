"""Goods received against a purchase order's lines, and cancelling a receipt.

The rules (docs/purchasing.md):

* goods are received against an approved or partly received PO (``po_not_receivable``), on a day not in the future
  and not before the PO date, into a warehouse (default the PO's deliver-to; needed when a line buys a catalog item:
  ``warehouse_required``);
* a line's receipts (not cancelled) may reach its ordered quantity + the organisation's over-receipt tolerance
  (``over_receipt_tolerance_percent``, to the thousandth, rounded down); beyond it: 409 ``over_receipt``;
* each receipt line of a line with a catalog item writes a stock move (``inventory.services.stock_receive``, source
  ``purchasing.receiptline``) at the PO's unit price converted to the base currency at the receipt date
  (``rate_missing`` without a rate), in the PO line's unit; free materials move no stock;
* the PO's status follows its lines' received quantities: every line in full → received, else partly received;
* cancelling a receipt (with a reason) reverses its stock moves (``stock_moves_reverse``), gives the quantities back
  and moves the status back; the receipt keeps its number.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tradeloom.audit.services import audit_record
from tradeloom.catalog.services import exchange_rate_on
from tradeloom.core.bulk import bulk_insert_objects
from tradeloom.core.events import publish
from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.core.money import quantize
from tradeloom.purchasing import states
from tradeloom.purchasing.events import GoodsReceived, PurchaseOrderAction, ReceiptCancelled
from tradeloom.purchasing.models import PurchaseOrder, PurchaseOrderLine, Receipt, ReceiptLine
from tradeloom.purchasing.services.orders import (
    _own,
    _warehouse_model,
    invalid,
    local_today,
    po_lock,
    status_from_receipts,
)

SOURCE_TYPE = "purchasing.receiptline"
THOUSANDTH = Decimal("0.001")
LINE_KEYS = frozenset({"po_line", "quantity", "lot"})


def _stock() -> Any:
    """The inventory floor's stock services (below purchasing: ``inventory < purchasing``)."""
    from tradeloom.inventory import services

    return services


def tolerance_percent(organization: Any) -> Decimal:
    return Decimal(organization.over_receipt_tolerance_percent)


def receipt_limit(line: PurchaseOrderLine, organization: Any) -> Decimal:
    """The most a line's receipts may total: ordered + the tolerance (to the thousandth, rounded down)."""
    percent = tolerance_percent(organization)
    return (Decimal(line.quantity) * (1 + percent / 100)).quantize(THOUSANDTH, rounding=ROUND_DOWN)


def _quantity(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or number <= 0 or number != number.quantize(THOUSANDTH) or number > Decimal("1e12"):
        return None
    return number


def _unit_cost(po: PurchaseOrder, line: PurchaseOrderLine, on: datetime.date) -> Decimal:
    organization = po.organization
    base = organization.base_currency
    rate = exchange_rate_on(organization=organization, day=on, from_currency=po.currency, to_currency=base)
    if rate is None:
        raise ApplicationError(
            f"There is no {po.currency} → {base} rate on or before {on:%d %b %Y}: the stock cannot be valued. Add the "
            "rate under Catalog > Exchange rates, then record the receipt.",
            code="rate_missing",
            status=409,
            extra={"currency": po.currency, "base_currency": base, "date": on.isoformat()},
        )
    return quantize(Decimal(line.unit_price) * Decimal(rate), 4)


@transaction.atomic
def receipt_create(
    *,
    purchase_order: PurchaseOrder,
    by: Any,
    lines: Sequence[Mapping[str, Any]],
    received_on: datetime.date | None = None,
    warehouse: Any = None,
    reference: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> Receipt:
    """Record goods received: ``lines`` are ``{"po_line": id, "quantity": q, "lot": ""}``."""
    po = po_lock(purchase_order, expected_version)
    if not po.is_receivable:
        raise ApplicationError(
            f"{po.number} is {po.get_status_display().lower()}: goods are received against an approved purchase order.",
            code="po_not_receivable",
            status=409,
            extra={"po_status": po.status},
        )
    today = local_today(po.organization)
    day = received_on or today
    if day > today:
        raise field_error("received_on", "This day has not come yet: record the receipt when the goods arrive.")
    if day < po.po_date:
        raise field_error("received_on", f"The goods cannot arrive before the PO date ({po.po_date:%d %b %Y}).")
    reference, note = (reference or "").strip(), (note or "").strip()
    if len(reference) > 100:
        raise field_error("reference", "Keep the delivery note's number to 100 characters.")
    if len(note) > 500:
        raise field_error("note", "Keep the note to 500 characters.")
    if warehouse in (None, ""):
        store = po.warehouse if po.warehouse_id else None
    else:
        store = _own(_warehouse_model(), warehouse, po.organization, "warehouse", "warehouses")
    po_lines = {
        str(x.pk): x
        for x in PurchaseOrderLine.objects.select_for_update(of=("self",))
        .select_related("unit", "item")
        .filter(purchase_order=po)
        .order_by("pk")
    }
    if not lines:
        raise field_error("lines", "Give the quantity received of at least one line.")
    errors: dict[str, list[str]] = {}
    over: dict[str, list[str]] = {}
    rows: list[ReceiptLine] = []
    adding: dict[str, Decimal] = {}
    seen: set[tuple[str, str]] = set()
    for i, payload in enumerate(lines):
        prefix = f"lines.{i}."
        unknown = set(payload) - LINE_KEYS
        if unknown:
            errors[f"{prefix}{sorted(unknown)[0]}"] = ["This cannot be set on a receipt line."]
            continue
        key = str(getattr(payload.get("po_line"), "pk", payload.get("po_line")))
        line = po_lines.get(key)
        if line is None:
            errors[f"{prefix}po_line"] = [f"No such line on {po.number}."]
            continue
        quantity = _quantity(payload.get("quantity"))
        if quantity is None:
            errors[f"{prefix}quantity"] = ["Enter a quantity above zero, with at most 3 decimals."]
            continue
        lot = str(payload.get("lot") or "").strip()
        if len(lot) > 60:
            errors[f"{prefix}lot"] = ["Keep the lot to 60 characters."]
            continue
        if (key, lot) in seen:
            errors[f"{prefix}po_line"] = [f"{line.label} is twice on this receipt" + (f" (lot {lot})." if lot else ".")]
            continue
        seen.add((key, lot))
        adding[key] = adding.get(key, Decimal(0)) + quantity
        total = Decimal(line.received_quantity) + adding[key]
        limit = receipt_limit(line, po.organization)
        if total > limit:
            percent = tolerance_percent(po.organization).normalize()
            over[f"{prefix}quantity"] = [
                f"This takes {line.label} to {total.normalize():,f} {line.unit.code} received; it allows "
                f"{limit.normalize():,f} ({line.quantity.normalize():,f} ordered + {percent:f} %)."
            ]
            continue
        if line.item_id and store is None:
            message = f"{line.label} is a catalog item: choose the warehouse the goods go into."
            raise ApplicationError(message, code="warehouse_required", extra={"errors": {"warehouse": [message]}})
        rows.append(
            ReceiptLine(
                organization_id=po.organization_id,
                created_by_id=by.user_id,
                po_line=line,
                quantity=quantity,
                lot=lot,
            )
        )
    if errors:
        raise invalid(errors, "Some receipt lines need a correction.")
    if over:
        raise ApplicationError(
            next(iter(over.values()))[0],
            code="over_receipt",
            status=409,
            extra={"errors": over, "tolerance_percent": str(tolerance_percent(po.organization))},
        )
    sequence = (Receipt.objects.filter(purchase_order=po).aggregate(m=Max("sequence"))["m"] or 0) + 1
    receipt = Receipt.objects.create(
        organization_id=po.organization_id,
        created_by_id=by.user_id,
        purchase_order=po,
        sequence=sequence,
        number=f"{po.number}-R{sequence}",
        received_on=day,
        warehouse=store,
        reference=reference,
        note=note,
    )
    for row in rows:
        row.receipt = receipt
    bulk_insert_objects(rows)
    for key, quantity in adding.items():
        line = po_lines[key]
        line.received_quantity = Decimal(line.received_quantity) + quantity
        line.save(update_fields=["received_quantity", "updated_at"])
    costs: dict[str, Decimal] = {}
    for row in rows:
        line = row.po_line
        if not line.item_id:
            continue
        if str(line.pk) not in costs:
            costs[str(line.pk)] = _unit_cost(po, line, day)
        _stock().stock_receive(
            organization=po.organization,
            by=by,
            warehouse=store,
            item=line.item,
            quantity=row.quantity,
            unit=line.unit,
            unit_cost=costs[str(line.pk)],
            source_type=SOURCE_TYPE,
            source_id=row.pk,
            reference=receipt.number,
            lot=row.lot,
            on=day,
        )
    previous = po.status
    po.status = status_from_receipts(po)
    po.version += 1
    po.save()
    changes: dict[str, Any] = {
        "receipt": [None, receipt.number],
        "lines": [None, len(rows)],
        "quantity": [None, str(sum((r.quantity for r in rows), Decimal(0)).normalize())],
    }
    if store is not None:
        changes["warehouse"] = [None, str(store)]
    if po.status != previous:
        changes["status"] = [previous, po.status]
    audit_record(actor=by, action=PurchaseOrderAction.RECEIPT_RECORDED, target=po, changes=changes)
    publish(GoodsReceived(purchase_order=po, receipt=receipt, by=by))
    return receipt


@transaction.atomic
def receipt_cancel(*, receipt: Receipt, by: Any, reason: str, expected_version: int | None = None) -> Receipt:
    """Cancel a receipt, with a reason: its stock moves are reversed, its quantities given back to the PO's lines and
    the PO's status moved back (``receipt_cancelled`` when it is cancelled already)."""
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", "Say why the receipt is cancelled.")
    if len(reason) > 500:
        raise field_error("reason", "Keep the reason to 500 characters.")
    po = po_lock(PurchaseOrder(pk=receipt.purchase_order_id), expected_version)
    receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
    if receipt.status == Receipt.Status.CANCELLED:
        raise ApplicationError(f"{receipt.number} is cancelled already.", code="receipt_cancelled", status=409)
    rows = list(ReceiptLine.objects.filter(receipt=receipt).select_related("po_line"))
    po_lines = {
        x.pk: x
        for x in PurchaseOrderLine.objects.select_for_update()
        .filter(pk__in=sorted({r.po_line_id for r in rows}, key=str))
        .order_by("pk")
    }
    for row in rows:
        line = po_lines[row.po_line_id]
        if line.item_id:
            _stock().stock_moves_reverse(
                organization=po.organization,
                by=by,
                source_type=SOURCE_TYPE,
                source_id=row.pk,
                reason=f"{receipt.number} cancelled: {reason}",
            )
        line.received_quantity = max(Decimal(line.received_quantity) - Decimal(row.quantity), Decimal(0))
    for line in po_lines.values():
        line.save(update_fields=["received_quantity", "updated_at"])
    receipt.status = Receipt.Status.CANCELLED
    receipt.cancelled_at, receipt.cancelled_by_id, receipt.cancel_reason = timezone.now(), by.user_id, reason
    receipt.save()
    previous = po.status
    if po.status in (states.APPROVED, states.PARTLY_RECEIVED, states.RECEIVED):
        po.status = status_from_receipts(po)
    po.version += 1
    po.save()
    changes: dict[str, Any] = {"receipt": [None, receipt.number], "reason": [None, reason]}
    if po.status != previous:
        changes["status"] = [previous, po.status]
    audit_record(actor=by, action=PurchaseOrderAction.RECEIPT_CANCELLED, target=po, changes=changes)
    publish(ReceiptCancelled(purchase_order=po, receipt=receipt, by=by))
    return receipt
