"""Orders with their styles and lines: a row per order line, through ``sales.services`` (numbering, the
credit-limit check of a confirmation, merge, line updates and transitions, audit records and events are the sales
floor's own).

An order is matched on its customer and buyer's PO number (several orders of one customer with the PO: the one the
"Order" column names, else the one not cancelled), a style on its number within the order, a line on its colour
and CAD within the style. The first row of an order creates it (with its header from that row), later rows add
styles and lines to it (``order_merge``) or change a line (``line_update``: quantity, prices, ETD/ETA, colour
name); a line's unit, item and mill are kept (mills change by accepting offers) — a row changing them is refused.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from tradeloom.imports.entities.common import differences, given
from tradeloom.imports.registry import CREATED, UNCHANGED, UPDATED, Entity, Field, ImportContext, RowError, RowResult
from tradeloom.imports.values import Reader
from tradeloom.records.services import record_update
from tradeloom.sales.capabilities import ORDERS_MANAGE
from tradeloom.sales.models import MAX_QUANTITY, Line, Order, Style
from tradeloom.sales.services import (
    line_transition,
    line_update,
    order_cancel,
    order_confirm,
    order_create,
    order_merge,
    order_stage_change,
)

ORDER_STATUSES = {"confirmed": "open", "active": "open", "running": "open", "new": "draft"}
LINE_STATUSES = {"development": "in_development", "production": "running", "done": "completed", "complete": "completed"}
# the forward path a new or existing line walks, one transition at a time, to the status a row gives
LINE_PATH = ("upcoming", "in_development", "running", "bulk", "completed")
KEPT = {"unit": "unit", "item": "item", "supplier": "mill"}


def _order_find(context: ImportContext, customer: Any, po_number: str, number: str) -> Order | None:
    orders = list(
        Order.objects.filter(organization=context.organization, customer=customer, po_number=po_number).order_by(
            "created_at"
        )
    )
    if number:
        named = [order for order in orders if order.number == number]
        if named:
            return named[0]
    if len(orders) <= 1:
        return orders[0] if orders else None
    live = [order for order in orders if order.status != Order.Status.CANCELLED and order.archived_at is None]
    if len(live) == 1:
        return live[0]
    raise RowError(
        f"{len(orders)} orders of this customer have the PO {po_number} ({', '.join(o.number for o in orders)}): give "
        "the order number in the Order column.",
        "po_number",
    )


def _line_status(context: ImportContext, line: Line, target: str | None) -> bool:
    """Walk ``line`` to ``target`` through the sales services' transitions (forward one step at a time)."""
    if not target or target == line.status:
        return False
    if target in LINE_PATH and line.status in LINE_PATH and LINE_PATH.index(target) > LINE_PATH.index(line.status):
        steps = LINE_PATH[LINE_PATH.index(line.status) + 1 : LINE_PATH.index(target) + 1]
    else:
        steps = (target,)
    for status in steps:
        line = line_transition(line=line, status=status, by=context.by)
    return True


def _order_status(context: ImportContext, order: Order, target: str | None) -> bool:
    if not target or target == order.status:
        return False
    if order.status == Order.Status.DRAFT and target == Order.Status.OPEN:
        order_confirm(order=order, by=context.by)
        return True
    if order.status == Order.Status.DRAFT and target == Order.Status.CANCELLED:
        order_cancel(order=order, by=context.by)
        return True
    raise RowError(
        f"{order.number} is {order.get_status_display().lower()}: an import does not make it "
        f"{Order.Status(target).label.lower()}.",
        "order_status",
    )


def _order_apply(context: ImportContext, row: dict[str, str]) -> RowResult:
    reader = Reader(context, row)
    customer = reader.customer("customer", required=True)
    po_number = reader.text("po_number", 60, required=True, label="buyer's PO number")
    number = reader.text("order_number", 40)
    header = given(
        buyer_name=reader.text("buyer_name", 150),
        merchandiser=reader.member("merchandiser"),
        order_type=reader.choice("order_type", Order.Type),
        order_date=reader.date("order_date"),
        etd=reader.date("order_etd"),
        eta=reader.date("order_eta"),
        expected_delivery=reader.date("expected_delivery"),
        notes=reader.text("notes"),
    )
    currency = reader.currency("currency")
    stage = reader.text("stage", 40)
    order_status = reader.choice("order_status", Order.Status, ORDER_STATUSES)
    style_number = reader.text("style_number", 60, required=True, label="style number")
    style_fields = given(
        description=reader.text("style_description", 300),
        fabric_type=reader.text("fabric_type", 120),
        specification=reader.text("specification", 300),
        composition=reader.text("composition", 200),
        gsm=reader.decimal("gsm", places=2, maximum=Decimal("999999.99")),
        finish=reader.text("finish", 120),
        construction=reader.text("construction", 120),
    )
    colour = reader.text("colour_code", 60, required=True, label="colour")
    cad = reader.text("cad_code", 60)
    line_fields = given(
        colour_name=reader.text("colour_name", 120),
        item=reader.item("item"),
        quantity=reader.decimal("quantity", places=3, maximum=MAX_QUANTITY),
        unit=reader.unit("unit"),
        selling_price=reader.decimal("selling_price", places=4),
        supplier=reader.supplier("supplier", what="mill"),
        mill_price=reader.decimal("mill_price", places=4),
        commission_per_unit=reader.decimal("commission_per_unit", places=4),
        etd=reader.date("etd"),
        eta=reader.date("eta"),
    )
    line_status = reader.choice("status", Line.Status, LINE_STATUSES)
    reader.done()
    order = _order_find(context, customer, po_number, number)
    payload = {
        "style_number": style_number,
        **style_fields,
        "lines": [{"colour_code": colour, "cad_code": cad, **line_fields}],
    }
    if order is None:
        return _order_new(context, customer, po_number, header, currency, stage, order_status, payload, line_status)
    if currency and currency != order.currency:
        raise RowError(f"{order.number} is in {order.currency}: its lines cannot be in {currency}.", "currency")
    changed = differences(order, header)
    style = Style.objects.filter(order=order, style_number=style_number).first()
    line = (
        Line.objects.filter(style=style, colour_code__iexact=colour, cad_code__iexact=cad).first()
        if style is not None
        else None
    )
    line_changes = differences(line, line_fields) if line is not None else {}
    kept = [label for field, label in KEPT.items() if field in line_changes]
    if kept:
        raise RowError(f"A line's {' and '.join(kept)} cannot be changed by an import.", next(iter(line_changes)))
    new_stage = stage and stage.lower() != order.stage.lower()
    wants = changed or new_stage or line is None or line_changes or (order_status and order_status != order.status)
    if wants and order.status in (Order.Status.CANCELLED, Order.Status.CLOSED):
        raise RowError(f"{order.number} is {order.get_status_display().lower()}: it is not changed.", "po_number")
    if changed:
        order = record_update(instance=order, by=context.by, data=changed)
    if new_stage:
        order = order_stage_change(order=order, by=context.by, stage=stage)
    if line is None:
        missing = {f: ["Give it for a new line."] for f in ("quantity", "unit") if f not in line_fields}
        if missing:
            raise RowError(missing)
        Order.objects.select_for_update().filter(pk=order.pk).first()
        order_merge(order=order, by=context.by, styles=[payload])
        line = Line.objects.get(order=order, style__style_number=style_number, colour_code=colour, cad_code=cad)
    elif line_changes:
        line = line_update(line=line, by=context.by, data=line_changes)
    moved = _line_status(context, line, line_status)
    confirmed = _order_status(context, order, order_status)
    outcome = UPDATED if wants or moved or confirmed else UNCHANGED
    order.refresh_from_db()
    return RowResult(outcome, order)


def _order_new(
    context: ImportContext,
    customer: Any,
    po_number: str,
    header: dict[str, Any],
    currency: str | None,
    stage: str,
    order_status: str | None,
    payload: dict[str, Any],
    line_status: str | None,
) -> RowResult:
    line = payload["lines"][0]
    missing = {f: ["Give it for a new line."] for f in ("quantity", "unit") if f not in line}
    if missing:
        raise RowError(missing)
    if order_status in (Order.Status.CLOSED, Order.Status.CANCELLED):
        raise RowError("A new order is imported as a draft or open (confirmed).", "order_status")
    data = {
        "po_number": po_number,
        "customer": customer,
        "currency": currency or customer.default_currency,
        "order_date": header.pop("order_date", None) or timezone.localdate(),
        **header,
        **given(stage=stage),
    }
    created = order_create(
        organization=context.organization,
        by=context.by,
        data=data,
        styles=[payload],
        confirm=order_status != Order.Status.DRAFT,
    )
    _line_status(context, created.lines[0], line_status)
    return RowResult(CREATED, created.order)


ORDERS = Entity(
    code="orders",
    label="Orders with styles and lines",
    description="A row per order line: matched on the customer and buyer's PO (the order), the style number (the "
    "style) and the colour and CAD (the line); the first row of an order creates it.",
    fields=(
        Field(
            "order_number",
            "Order",
            aliases=("order no", "sales order"),
            help="Only to tell apart orders of one customer with the same PO.",
        ),
        Field(
            "po_number",
            "Buyer's PO",
            required=True,
            aliases=("buyer po", "po number", "customer po", "buyers po", "purchase order", "po"),
        ),
        Field("customer", "Customer", required=True, aliases=("customer name", "customer code", "client")),
        Field("buyer_name", "Buyer", aliases=("buyer name", "brand")),
        Field(
            "merchandiser",
            "Merchandiser",
            aliases=("merchandiser email", "merchandiser name"),
            help="A member's e-mail address or name.",
        ),
        Field("order_type", "Type", aliases=("order type",), help="Foreign or Local."),
        Field("order_status", "Order status", help="Draft or Open (empty: open, i.e. confirmed)."),
        Field("stage", "Stage", aliases=("current stage", "order stage")),
        Field("order_date", "Order date", aliases=("date", "po date"), help="Empty: today."),
        Field("order_etd", "Order ETD", help="The order's ETD (the ETD column is the line's)."),
        Field("order_eta", "Order ETA"),
        Field("expected_delivery", "Expected delivery", aliases=("expected delivery date", "delivery date")),
        Field("currency", "Currency", help="ISO code; empty: the customer's currency."),
        Field("notes", "Notes", aliases=("remarks", "comments")),
        Field("style_number", "Style", required=True, aliases=("style number", "style no", "style #", "article")),
        Field("style_description", "Style description", aliases=("description",)),
        Field("fabric_type", "Fabric type", aliases=("fabric",)),
        Field("specification", "Specification", aliases=("fabric specifications", "specifications")),
        Field("composition", "Composition", aliases=("fabric composition",)),
        Field("gsm", "GSM"),
        Field("finish", "Finish", aliases=("finish type",)),
        Field("construction", "Construction"),
        Field("colour_code", "Colour", required=True, aliases=("color", "colour code", "color code", "colorway")),
        Field("colour_name", "Colour name", aliases=("color name",)),
        Field("cad_code", "CAD", aliases=("cad code", "cad no")),
        Field("item", "Item", aliases=("item code", "sku")),
        Field("quantity", "Quantity", aliases=("qty", "order quantity")),
        Field("unit", "Unit", aliases=("uom", "unit of measure")),
        Field("selling_price", "Selling price", aliases=("price", "unit price", "buyer price")),
        Field("supplier", "Mill", aliases=("mill name", "supplier", "vendor")),
        Field("mill_price", "Mill price", aliases=("cost price", "supplier price")),
        Field("commission_per_unit", "Commission per unit", aliases=("commission",)),
        Field("etd", "ETD", aliases=("line etd",)),
        Field("eta", "ETA", aliases=("line eta",)),
        Field(
            "status",
            "Status",
            aliases=("line status",),
            help="The line's status (Upcoming … Completed), reached through the allowed moves.",
        ),
    ),
    key=("customer", "po_number", "style_number", "colour_code", "cad_code"),
    apply_row=_order_apply,
    capability=str(ORDERS_MANAGE),
    order=90,
)
