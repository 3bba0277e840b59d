"""Back to back: purchase orders raised from chosen lines of a sales order, one per mill (the lines' ``supplier``), at
the lines' mill prices, in the order's currency, for the order's customer. Each PO line links to its sales-order line
(``sales_line``) and the PO to the order, so the order's Purchasing tab shows its POs and each line's ordered,
purchased, received and delivered-to-buyer figures.

A line's quantity defaults to what is not yet on a purchase order (not cancelled) of it; a line without a mill
(``mill_missing``) or a mill price (``mill_price_missing``), or wholly purchased already (``already_purchased``), is
refused with its field. The order's lines are locked, so two back-to-back runs at once never buy a line twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum

from tradeloom.core.exceptions import ApplicationError, field_error
from tradeloom.core.money import ZERO, amount_sum
from tradeloom.purchasing import states
from tradeloom.purchasing.models import PurchaseOrder, PurchaseOrderLine
from tradeloom.purchasing.services.figures import line_money
from tradeloom.purchasing.services.orders import lines_build, new_purchase_order, save_new
from tradeloom.sales.models import Line, Order


def purchased_quantities(line_ids: Sequence[Any]) -> dict[Any, Decimal]:
    """Per sales-order line, the quantity on purchase orders not cancelled (drafts count: they are being bought)."""
    rows = (
        PurchaseOrderLine.objects.filter(sales_line_id__in=list(line_ids))
        .exclude(purchase_order__status=states.CANCELLED)
        .values("sales_line_id")
        .annotate(q=Sum("quantity"))
    )
    return {r["sales_line_id"]: Decimal(r["q"] or 0) for r in rows}


@dataclass
class PlannedLine:
    line: Line
    quantity: Decimal
    price: Decimal

    @property
    def amount(self) -> Decimal:
        return line_money(quantity=self.quantity, unit_price=self.price, tax_rate=ZERO).amount


@dataclass
class PlannedPO:
    supplier: Any
    lines: list[PlannedLine] = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        return amount_sum(p.amount for p in self.lines)


def _description(line: Line) -> str:
    parts = [line.style.style_number if line.style_id else "", line.colour_code, line.colour_name]
    return " · ".join(p for p in parts if p)[:300]


def back_to_back_plan(*, order: Order, lines: Sequence[Mapping[str, Any]], lock: bool = False) -> list[PlannedPO]:
    """The POs ``lines`` (``{"line": id, "quantity": q?}``) would make, grouped by mill in the order the mills first
    appear; refusals name ``lines.<n>.<field>``."""
    if not lines:
        raise field_error("lines", "Choose at least one line of the order.")
    if order.status == Order.Status.CANCELLED or order.archived_at is not None:
        raise ApplicationError(
            f"{order.number} is cancelled: nothing is bought for it.", code="order_closed", status=409
        )
    qs = Line.objects.filter(order=order).select_related("style", "unit", "supplier", "item")
    if lock:
        qs = qs.select_for_update(of=("self",)).order_by("pk")
    by_id = {str(x.pk): x for x in qs}
    purchased = purchased_quantities(list(by_id))
    plans: dict[Any, PlannedPO] = {}
    errors: dict[str, list[str]] = {}
    codes: set[str] = set()
    seen: set[str] = set()
    for i, payload in enumerate(lines):
        key = str(getattr(payload.get("line"), "pk", payload.get("line")))
        line = by_id.get(key)
        prefix = f"lines.{i}."
        if line is None or key in seen:
            errors[f"{prefix}line"] = [f"No such line on {order.number}." if line is None else "Chosen twice."]
            codes.add("validation_error")
            continue
        seen.add(key)
        if line.supplier_id is None:
            errors[f"{prefix}line"] = [f"{line} has no mill: choose its supplier on the order first."]
            codes.add("mill_missing")
            continue
        if line.mill_price is None:
            errors[f"{prefix}line"] = [f"{line} has no mill price: give it one on the order first."]
            codes.add("mill_price_missing")
            continue
        left = Decimal(line.quantity) - purchased.get(line.pk, ZERO)
        quantity = payload.get("quantity")
        if quantity in (None, ""):
            if left <= 0:
                errors[f"{prefix}quantity"] = [f"{line} is on purchase orders already in full."]
                codes.add("already_purchased")
                continue
            amount = left
        else:
            try:
                amount = Decimal(str(quantity))
            except ArithmeticError:
                amount = ZERO
            if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.001")):
                errors[f"{prefix}quantity"] = ["Enter a quantity above zero, with at most 3 decimals."]
                codes.add("validation_error")
                continue
        plan = plans.setdefault(line.supplier_id, PlannedPO(supplier=line.supplier))
        plan.lines.append(PlannedLine(line=line, quantity=amount, price=Decimal(line.mill_price)))
    if errors:
        code = next(iter(codes)) if len(codes) == 1 else "validation_error"
        raise ApplicationError(
            next(iter(errors.values()))[0] if len(errors) == 1 else "Some lines cannot be bought back to back.",
            code=code,
            status=400 if code == "validation_error" else 409,
            extra={"errors": errors},
        )
    return list(plans.values())


@transaction.atomic
def purchase_orders_from_order(
    *,
    organization: Any,
    by: Any,
    order: Order,
    lines: Sequence[Mapping[str, Any]],
    data: Mapping[str, Any] | None = None,
) -> list[PurchaseOrder]:
    """Draft POs, one per mill, of the chosen order lines at their mill prices (``data``: the POs' header fields —
    PO date, due date, warehouse, tax rate, notes …)."""
    if order.organization_id != organization.pk:
        raise field_error("order", "No such order.")
    order = Order.objects.select_for_update().get(pk=order.pk)
    plans = back_to_back_plan(order=order, lines=lines, lock=True)
    made = []
    header = {k: v for k, v in dict(data or {}).items() if k not in ("supplier", "currency", "customer")}
    for plan in plans:
        po = new_purchase_order(
            organization=organization,
            by=by,
            data={**header, "supplier": plan.supplier, "currency": order.currency, "customer": order.customer_id},
        )
        po.order = order
        payloads = [
            {
                "item": p.line.item_id,
                "material_code": p.line.cad_code or p.line.colour_code,
                "material_name": (p.line.item.name if p.line.item is not None else "")
                or p.line.colour_name
                or str(p.line),
                "description": _description(p.line),
                "quantity": p.quantity,
                "unit": p.line.unit_id,
                "unit_price": p.price,
                "sales_line": p.line.pk,
            }
            for p in plan.lines
        ]
        rows = lines_build(purchase_order=po, by=by, payloads=payloads)
        made.append(save_new(po, rows, by=by, source=order.number))
    return made
