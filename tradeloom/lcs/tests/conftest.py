"""The LC tests' ground: an organisation with an owner and an accounts member, a customer, an order with priced
lines and a departed shipment of it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.core.context import tenant_context
from tradeloom.lcs import services
from tradeloom.logistics import services as logistics
from tradeloom.logistics.models import Shipment
from tradeloom.partners.models import Carrier
from tradeloom.partners.tests.factories import CarrierFactory, CustomerFactory, SupplierFactory
from tradeloom.sales import services as sales
from tradeloom.sales.models import Line
from tradeloom.tenancy.roles import Role

TODAY = timezone.localdate()
DAY = timedelta(days=1)


def order_make(org: Any, by: Any, customer: Any, unit: Any, *, po: str = "PO-1", prices=("2.50", "4.00")) -> Any:
    return sales.order_create(
        organization=org,
        by=by,
        data={"po_number": po, "customer": customer, "currency": "USD", "order_date": TODAY - 30 * DAY},
        styles=[
            {
                "style_number": "TEE",
                "lines": [
                    {"colour_code": f"C{i}", "quantity": 1000, "unit": unit, "selling_price": Decimal(p)}
                    for i, p in enumerate(prices)
                ],
            }
        ],
    ).order


def shipment_make(ctx: dict[str, Any], order: Any, quantities=(400, 300), departed: date | None = None) -> Any:
    lines = list(Line.objects.filter(order=order).order_by("position"))
    booked = logistics.shipment_create(
        organization=ctx["org"],
        by=ctx["owner"],
        data={
            "customer": ctx["customer"],
            "mode": "sea",
            "carrier": ctx["carrier"],
            "etd": TODAY - 5 * DAY,
            "eta": TODAY + 20 * DAY,
        },
        lines=[{"line": line.pk, "quantity": q} for line, q in zip(lines, quantities, strict=False)],
    )
    shipment = booked.shipment
    if departed is not None:  # set directly: other apps' subscribers to the departure are not under test here
        Shipment.objects.filter(pk=shipment.pk).update(departed_on=departed, status="in_transit")
        shipment.refresh_from_db()
    return shipment


@pytest.fixture
def ctx(org, member):
    owner, accounts, merch = member(Role.OWNER), member(Role.ACCOUNTS), member(Role.MERCHANDISER)
    with tenant_context(org):
        unit = UnitFactory(organization=org, code="m")
        customer = CustomerFactory(organization=org)
        data: dict[str, Any] = {
            "org": org,
            "owner": owner,
            "accounts": accounts,
            "merch": merch,
            "customer": customer,
            "unit": unit,
            "supplier": SupplierFactory(organization=org),
            "carrier": CarrierFactory(organization=org, mode=Carrier.Mode.SEA),
        }
        data["order"] = order_make(org, owner, customer, unit)
        yield data


def lc_make(ctx: dict[str, Any], *, issue: bool = True, **data: Any) -> Any:
    fields = {
        "number": data.pop("number", "DBH-LC-001"),
        "customer": ctx["customer"],
        "issuing_bank": "Deutsche Bank Hamburg",
        "currency": "USD",
        "amount": Decimal("100000.00"),
        "expiry_date": TODAY + 90 * DAY,
        "latest_shipment_date": TODAY + 60 * DAY,
        "required_documents": ["commercial_invoice", "packing_list", "transport_document", "Beneficiary's certificate"],
        **data,
    }
    lc = services.lc_create(organization=ctx["org"], by=ctx["accounts"], data=fields, orders=[ctx["order"]])
    if issue:
        lc = services.lc_move(lc=lc, action="issue", by=ctx["accounts"], on=TODAY - 10 * DAY)
    return lc
