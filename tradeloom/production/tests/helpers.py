"""Shared set-up of the production tests: an organisation's mill, units, items (the finished fabric and its yarn), a
warehouse, a sales order of two lines, and work orders made (and moved) through the services. The web tests may use
it too."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tradeloom.catalog.models import Item, UnitOfMeasure
from tradeloom.inventory.tests.factories import WarehouseFactory
from tradeloom.partners.tests.factories import SupplierFactory
from tradeloom.production import services
from tradeloom.production.models import WorkOrder
from tradeloom.sales.models import Line, Style
from tradeloom.sales.tests.factories import OrderFactory

DAY = dt.timedelta(days=1)


@dataclass
class World:
    org: Any
    by: Any
    mill: Any
    kg: Any
    fabric: Any
    yarn: Any
    warehouse: Any
    order: Any
    lines: list[Line]
    today: dt.date


def world(org: Any, by: Any) -> World:
    kg = UnitOfMeasure.objects.create(organization=org, code="kg", name="Kilogram", dimension="mass", factor=1)
    fabric = Item.objects.create(organization=org, kind="fabric", code="SJ-160", name="Single jersey 160", unit=kg)
    yarn = Item.objects.create(organization=org, kind="yarn", code="YRN-30", name="Cotton yarn 30/1", unit=kg)
    order = OrderFactory(organization=org, process_loss_percent=Decimal("10"), mixed_percent=Decimal("5"))
    style = Style.objects.create(organization=org, order=order, style_number="ST-100")
    lines = [
        Line.objects.create(
            organization=org,
            order=order,
            style=style,
            colour_code=colour,
            colour_name=name,
            quantity=Decimal(quantity),
            unit=kg,
            position=i,
        )
        for i, (colour, name, quantity) in enumerate((("NAVY", "Navy blue", "600"), ("BLK", "Black", "400")))
    ]
    return World(
        org=org,
        by=by,
        mill=SupplierFactory(organization=org),
        kg=kg,
        fabric=fabric,
        yarn=yarn,
        warehouse=WarehouseFactory(organization=org, code="MAIN", name="Main store"),
        order=order,
        lines=lines,
        today=services.local_today(org),
    )


def make_wo(w: World, *, lines: list[dict] | None = None, by: Any = None, **data: Any) -> WorkOrder:
    header = {"supplier": w.mill, "due_date": w.today + 20 * DAY, **data}
    if lines is None and "quantity" not in data:
        header.setdefault("product_name", "Single jersey, navy")
        header.setdefault("quantity", Decimal("1000"))
        header.setdefault("unit", w.kg)
    return services.work_order_create(organization=w.org, by=by or w.by, data=header, lines=lines)


def running_wo(w: World, **data: Any) -> WorkOrder:
    """A work order released and started."""
    wo = make_wo(w, **data)
    wo = services.work_order_move(organization=w.org, by=w.by, work_order=wo, action="release")
    return services.work_order_move(organization=w.org, by=w.by, work_order=wo, action="start")


def row(wo: WorkOrder, day: dt.date, finished: str = "0", **more: Any) -> dict[str, Any]:
    return {"work_order": wo, "produced_on": day, "finished": Decimal(finished), **more}
