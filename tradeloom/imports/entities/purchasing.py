"""Purchase orders with their lines: a row per PO line, through ``purchasing.services.orders`` (numbering, the
header's and lines' checks, totals, audit records and events are the purchasing floor's own).

A PO's number is allocated by Tradeloom, so the source system's number is kept as the first line of the new PO's
notes (``Imported from source PO <number>.``) and a row is matched on that; else a row naming one of the
organisation's own PO numbers (re-importing its own export) matches that PO — unless that PO was itself imported
from another source number, when the row is refused as ambiguous (never matched to the wrong PO). POs are created
as drafts. A line is matched within its PO on its item, else its material code, else its material name; a later row
of the same PO adds a line or changes one (quantity, unit, unit price, description) — all through
``purchase_order_update``, which changes drafts only (a submitted or approved PO is amended on its page: the row is
refused with the service's reason).
"""

from __future__ import annotations

from typing import Any

from tradeloom.imports.entities.common import comparable, given
from tradeloom.imports.registry import CREATED, UNCHANGED, UPDATED, Entity, Field, ImportContext, RowError, RowResult
from tradeloom.imports.values import Reader
from tradeloom.purchasing.capabilities import PURCHASING_MANAGE
from tradeloom.purchasing.models import MAX_QUANTITY, PurchaseOrder, PurchaseOrderLine
from tradeloom.purchasing.services.orders import purchase_order_create, purchase_order_update

MARKER = "Imported from source PO {number}."
LINE_COMPARED = ("quantity", "unit", "unit_price", "description")


def source_marker(number: str) -> str:
    return MARKER.format(number=number)


def _po_find(context: ImportContext, number: str) -> PurchaseOrder | None:
    """The PO imported from source PO ``number``, else the organisation's own PO ``number`` — unless that one was
    itself imported from another source number: the row is ambiguous, and refused rather than guessed."""
    orders = PurchaseOrder.objects.filter(organization=context.organization)
    marked = orders.filter(notes__startswith=source_marker(number)).order_by("created_at").first()
    if marked is not None:
        return marked
    own = orders.filter(number=number).first()
    if own is not None and own.notes.startswith(MARKER.split("{", 1)[0]):
        source = own.notes.split("\n", 1)[0].removeprefix(MARKER.split("{", 1)[0]).removesuffix(".")
        raise RowError(
            f"{number} is this organisation's number of the PO imported from source PO {source}, and no PO was "
            f"imported from a source PO {number}: give the source system's number.",
            "number",
        )
    return own


def _line_payload(line: PurchaseOrderLine) -> dict[str, Any]:
    return {
        "id": str(line.pk),
        "item": line.item_id,
        "material_code": line.material_code,
        "material_name": line.material_name,
        "description": line.description,
        "quantity": line.quantity,
        "unit": line.unit_id,
        "unit_price": line.unit_price,
        "tax_rate": line.tax_rate,
        "sales_line": line.sales_line_id,
    }


def _line_match(lines: list[PurchaseOrderLine], payload: dict[str, Any]) -> PurchaseOrderLine | None:
    item, code, name = payload.get("item"), payload.get("material_code"), payload.get("material_name")
    for line in lines:
        if item is not None and line.item_id == item.pk:
            return line
        if item is None and code and line.material_code.lower() == code.lower():
            return line
        if item is None and not code and name and line.material_name.lower() == name.lower():
            return line
    return None


def _po_apply(context: ImportContext, row: dict[str, str]) -> RowResult:
    reader = Reader(context, row)
    number = reader.text("number", 60, required=True, label="PO number")
    supplier = reader.supplier("supplier")
    header = given(
        supplier=supplier,
        customer=reader.customer("customer"),
        plant=reader.plant("plant", supplier=supplier) if supplier is not None else None,
        carrier=reader.carrier("carrier"),
        currency=reader.currency("currency"),
        po_date=reader.date("po_date"),
        due_date=reader.date("due_date"),
        payment_terms=reader.payment_terms("payment_terms"),
        warehouse=reader.warehouse("warehouse"),
        tax_rate=reader.decimal("tax_rate", places=2),
    )
    notes = reader.text("notes", 4900)
    line = given(
        item=reader.item("item"),
        material_code=reader.text("material_code", 60),
        material_name=reader.text("material_name", 200),
        description=reader.text("description", 300),
        quantity=reader.decimal("quantity", places=3, maximum=MAX_QUANTITY),
        unit=reader.unit("unit"),
        unit_price=reader.decimal("unit_price", places=4),
    )
    has_line = any(name in line for name in ("item", "material_code", "material_name", "quantity"))
    if has_line:
        if "item" not in line and "material_name" not in line:
            reader.fail("material_name", "Give the item's code or the material's name.")
        for name in ("quantity", "unit_price"):
            if name not in line and name not in reader.errors:
                reader.fail(name, "Give it for the line.")
        if "unit" not in line and "item" in line:
            line["unit"] = line["item"].unit
        if "unit" not in line and "unit" not in reader.errors:
            reader.fail("unit", "Give the line's unit.")
    reader.done()
    po = _po_find(context, number)
    if po is None:
        if supplier is None:
            raise RowError("Give the supplier.", "supplier")
        if not has_line:
            raise RowError("A purchase order needs at least one line: give its item or material, quantity and price.")
        marker = source_marker(number)
        created = purchase_order_create(
            organization=context.organization,
            by=context.by,
            data={**header, "notes": f"{marker}\n\n{notes}" if notes else marker},
            lines=[line],
        )
        return RowResult(CREATED, created)
    changed = {
        name: value
        for name, value in header.items()
        if comparable(getattr(po, getattr(po._meta.get_field(name), "attname", name))) != comparable(value)
    }
    lines = list(PurchaseOrderLine.objects.filter(purchase_order=po).order_by("position", "created_at"))
    payloads: list[dict[str, Any]] | None = None
    if has_line:
        match = _line_match(lines, line)
        if match is None:
            payloads = [*(_line_payload(x) for x in lines), line]
        else:
            wanted = {name: line[name] for name in LINE_COMPARED if name in line}
            current = _line_payload(match)
            if any(comparable(value) != current[name] for name, value in wanted.items()):
                payloads = [{**_line_payload(x), **wanted} if x.pk == match.pk else _line_payload(x) for x in lines]
    if not changed and payloads is None:
        return RowResult(UNCHANGED, po)
    po = purchase_order_update(purchase_order=po, by=context.by, data=changed, lines=payloads)
    return RowResult(UPDATED, po)


PURCHASE_ORDERS = Entity(
    code="purchase_orders",
    label="Purchase orders",
    description="A row per PO line: matched on the source system's PO number (kept in the PO's notes) and the "
    "line's item or material; new POs are drafts.",
    fields=(
        Field(
            "number",
            "Purchase order",
            required=True,
            aliases=("po number", "po", "po #", "po no", "purchase order number", "source po"),
        ),
        Field("supplier", "Supplier", aliases=("supplier code", "supplier name", "vendor", "mill")),
        Field("customer", "Customer", aliases=("customer code", "customer name", "for customer")),
        Field("plant", "Plant", aliases=("plant code", "plant name"), help="A plant mapped to the supplier."),
        Field("carrier", "Carrier", aliases=("carrier code", "carrier name")),
        Field("po_date", "PO date", aliases=("date", "order date", "purchase date"), help="Empty: today."),
        Field("due_date", "Due date", aliases=("delivery date", "pickup date", "required date")),
        Field("currency", "Currency", help="Empty: the supplier's currency."),
        Field("payment_terms", "Payment terms", aliases=("terms",), help="Empty: the supplier's terms."),
        Field("warehouse", "Deliver to", aliases=("warehouse", "ship to")),
        Field("tax_rate", "Tax %", aliases=("tax rate", "vat %")),
        Field("notes", "Notes", aliases=("comments", "remarks"), help="Kept when the PO is created."),
        Field("item", "Item", aliases=("item code", "sku")),
        Field("material_code", "Material code", aliases=("product code",)),
        Field("material_name", "Material", aliases=("material name", "product", "product name", "commodity")),
        Field("description", "Line description", aliases=("line notes", "specification")),
        Field("quantity", "Quantity", aliases=("qty", "ordered quantity")),
        Field("unit", "Unit", aliases=("uom", "unit of measure"), help="Empty: the item's unit."),
        Field("unit_price", "Unit price", aliases=("price", "price per unit", "rate", "cost")),
    ),
    key=("number",),
    apply_row=_po_apply,
    capability=str(PURCHASING_MANAGE),
    order=100,
)
