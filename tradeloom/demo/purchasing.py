"""Demo purchase orders, through the purchasing services (numbers, figures, approvals, stock moves, audit and events
are theirs): one in every status — a draft, one waiting for approval (above the limit), approved, partly received,
received, cancelled — one amended, and one back to back from a demo order's lines (one PO per mill). Receipts go into
the demo warehouses (``demo_inventory_create``, called first: it is idempotent). Only when the organisation has no
purchase order yet (idempotent)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any


def demo_purchases_create(*, organization: Any, by: Any, inventory: Any) -> None:
    from django.utils import timezone

    from tradeloom.catalog.models import Item, UnitOfMeasure
    from tradeloom.inventory.models import Warehouse
    from tradeloom.partners.models import Supplier
    from tradeloom.purchasing import services
    from tradeloom.purchasing.models import PurchaseOrder, PurchaseOrderLine
    from tradeloom.sales.models import Line, Order

    if PurchaseOrder.objects.filter(organization=organization).exists():
        return
    inventory(organization=organization, by=by)
    suppliers = {s.code: s for s in Supplier.objects.filter(organization=organization)}
    items = {i.code: i for i in Item.objects.filter(organization=organization).select_related("unit")}
    units = {u.code: u for u in UnitOfMeasure.objects.filter(organization=organization)}
    stores = {w.code: w for w in Warehouse.objects.filter(organization=organization)}
    if not {"SQTEX", "CHTRIMS"} <= set(suppliers) or not {"SJ-160", "TW-240", "BTN-18L"} <= set(items):
        return
    today = timezone.localdate()
    main, mill = stores.get("MAIN"), stores.get("SQT-MILL")

    def day(offset: int) -> Any:
        return today - timedelta(days=offset)

    def item(code: str, quantity: str, price: str, **extra: Any) -> dict[str, Any]:
        return {"item": items[code].pk, "quantity": Decimal(quantity), "unit_price": Decimal(price), **extra}

    def material(code: str, name: str, quantity: str, unit: str, price: str) -> dict[str, Any]:
        return {
            "material_code": code,
            "material_name": name,
            "quantity": Decimal(quantity),
            "unit": units[unit].pk,
            "unit_price": Decimal(price),
        }

    def make(supplier: str, lines: list[dict[str, Any]], **data: Any) -> Any:
        header = {"supplier": suppliers[supplier], "po_date": day(12), "due_date": day(-20), **data}
        return services.purchase_order_create(organization=organization, by=by, data=header, lines=lines)

    def submit(po: Any) -> Any:
        return services.purchase_order_move(purchase_order=po, action="submit", by=by)

    def lines_of(po: Any) -> list[Any]:
        return list(PurchaseOrderLine.objects.filter(purchase_order=po).order_by("position"))

    # 1. a draft of trims, not submitted yet
    make(
        "CHTRIMS",
        [item("BTN-18L", "2400", "0.045"), material("LBL-CARE", "Woven care label", "5000", "pcs", "0.012")],
        warehouse=main,
        notes="Labels to the buyer's artwork v3.",
        po_date=day(1),
    )
    # 2. above the approval limit: waiting for a manager (13,800.00)
    submit(make("SQTEX", [item("SJ-160", "3000", "4.60")], warehouse=mill, tax_rate=Decimal(5), po_date=day(3)))
    # 3. approved at once, within the limit
    submit(make("SQTEX", [item("TW-240", "1200", "3.20")], warehouse=main, po_date=day(8)))
    # 4. partly received
    partly = submit(
        make("CHTRIMS", [item("BTN-18L", "1000", "0.05"), material("PB-30", "Poly bag 30x40", "2000", "pcs", "0.02")])
    )
    first = lines_of(partly)[0]
    services.receipt_create(
        purchase_order=partly,
        by=by,
        lines=[{"po_line": first.pk, "quantity": Decimal(600), "lot": "CT-1102"}],
        received_on=day(4),
        warehouse=main.pk if main else None,
        reference="DN-4471",
    )
    # 5. received in full, into the store at the mill
    full = submit(make("SQTEX", [item("SJ-160", "500", "4.55")], warehouse=mill, po_date=day(20)))
    services.receipt_create(
        purchase_order=full,
        by=by,
        lines=[{"po_line": lines_of(full)[0].pk, "quantity": Decimal(500), "lot": "SQ-0931"}],
        received_on=day(6),
        reference="SQ/DC/0931",
    )
    # 6. cancelled
    cancelled = make("SQTEX", [material("RIB-1X1", "1x1 rib, black", "300", "kg", "5.10")], po_date=day(9))
    services.purchase_order_move(
        purchase_order=cancelled, action="cancel", by=by, reason="The buyer dropped the style."
    )
    # 7. approved, then amended (more metres at a better price)
    amended = submit(make("SQTEX", [item("TW-240", "800", "3.15")], warehouse=main, po_date=day(10)))
    services.purchase_order_amend(
        purchase_order=amended,
        by=by,
        reason="The buyer added 200 m; the mill agreed 3.10 for the larger lot.",
        data={"notes": "Deliver in two lots."},
        lines=[{**item("TW-240", "1000", "3.10"), "id": lines_of(amended)[0].pk}],
    )
    # 8. back to back from the first demo order with lines at a mill and a mill price
    lines = (
        Line.objects.filter(
            organization=organization, supplier__isnull=False, mill_price__isnull=False, order__status=Order.Status.OPEN
        )
        .exclude(status=Line.Status.ARCHIVED)
        .order_by("order__order_date", "order__number", "position")
    )
    first_line = lines.first()
    if first_line is not None:
        chosen = [{"line": line.pk} for line in lines.filter(order_id=first_line.order_id)[:3]]
        services.purchase_orders_from_order(
            organization=organization,
            by=by,
            order=first_line.order,
            lines=chosen,
            data={"po_date": day(2), "warehouse": main.pk if main else None},
        )
