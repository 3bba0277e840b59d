"""Shared set-up of the purchasing tests: an organisation's supplier, units, an item, two warehouses, a EUR → USD
rate, and POs made (and moved) through the services."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tradeloom.catalog.models import ExchangeRate, Item, UnitOfMeasure
from tradeloom.inventory.tests.factories import WarehouseFactory
from tradeloom.partners.tests.factories import CustomerFactory, SupplierFactory
from tradeloom.purchasing import services
from tradeloom.purchasing.models import PurchaseOrder

TODAY = timezone.localdate(timezone=dt.UTC)
DAY = dt.timedelta(days=1)


@dataclass
class World:
    org: Any
    by: Any
    supplier: Any
    customer: Any
    unit: Any
    item: Any
    warehouse: Any
    other_warehouse: Any


def world(org: Any, by: Any) -> World:
    unit = UnitOfMeasure.objects.create(organization=org, code="m", name="Metre", dimension="length", factor=1)
    item = Item.objects.create(organization=org, kind="fabric", code="FAB-1", name="Single jersey", unit=unit)
    ExchangeRate.objects.create(
        organization=org, date=TODAY - 60 * DAY, from_currency="EUR", to_currency="USD", rate=Decimal("1.25")
    )
    return World(
        org=org,
        by=by,
        supplier=SupplierFactory(organization=org, default_currency="USD"),
        customer=CustomerFactory(organization=org),
        unit=unit,
        item=item,
        warehouse=WarehouseFactory(organization=org, code="MAIN", name="Main store"),
        other_warehouse=WarehouseFactory(organization=org, code="MILL", name="At the mill"),
    )


def line(w: World, quantity: str, price: str, *, item: bool = False, tax_rate: str | None = None, **extra: Any) -> dict:
    row: dict[str, Any] = {"quantity": Decimal(quantity), "unit_price": Decimal(price), "unit": w.unit.pk}
    if item:
        row["item"] = w.item.pk
    else:
        row["material_code"] = "YRN-30"
        row["material_name"] = "Cotton yarn 30/1"
    if tax_rate is not None:
        row["tax_rate"] = Decimal(tax_rate)
    return {**row, **extra}


def make_po(w: World, rows: list[dict], *, by: Any = None, **data: Any) -> PurchaseOrder:
    header = {"supplier": w.supplier, "po_date": TODAY - 5 * DAY, **data}
    return services.purchase_order_create(organization=w.org, by=by or w.by, data=header, lines=rows)


def approved_po(w: World, rows: list[dict], **data: Any) -> PurchaseOrder:
    """A PO within the limit, submitted (so approved at once)."""
    po = make_po(w, rows, **data)
    return services.purchase_order_move(purchase_order=po, action="submit", by=w.by)
