"""Shared set-up of the invoicing tests: an organisation's customer, unit, orders with priced lines and tax rates, and
shipments booked (and moved) through the logistics services, so the order lines' shipped figures are real."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tradeloom.catalog.models import ExchangeRate, PaymentTerms, UnitOfMeasure
from tradeloom.logistics import services as logistics
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.sales.models import Line, Order, Style
from tradeloom.sales.tests.factories import OrderFactory

TODAY = timezone.localdate(timezone=dt.UTC)
DAY = dt.timedelta(days=1)


@dataclass
class World:
    org: Any
    by: Any
    customer: Any
    unit: Any


def world(org: Any, by: Any) -> World:
    unit = UnitOfMeasure.objects.create(organization=org, code="m", name="Metre", dimension="length", factor=1)
    return World(org=org, by=by, customer=CustomerFactory(organization=org), unit=unit)


def order_of(
    w: World,
    rows: list[tuple[str, str | None, str | None]],
    *,
    currency: str = "USD",
    tax_rate: str = "0",
    customer: Any = None,
    status: str = "open",
) -> tuple[Order, list[Line]]:
    """An order of ``w.customer`` whose lines are ``(quantity, selling price, own tax rate or None)``."""
    order = OrderFactory(
        organization=w.org,
        customer=customer or w.customer,
        currency=currency,
        tax_rate=Decimal(tax_rate),
        status=status,
        order_date=TODAY - 40 * DAY,
    )
    style = Style.objects.create(organization=w.org, order=order, style_number=f"TEE-{order.number}")
    lines = [
        Line.objects.create(
            organization=w.org,
            order=order,
            style=style,
            colour_code=f"C{i}",
            quantity=Decimal(quantity),
            unit=w.unit,
            selling_price=None if price is None else Decimal(price),
            tax_rate=None if rate is None else Decimal(rate),
            position=i,
        )
        for i, (quantity, price, rate) in enumerate(rows)
    ]
    return order, lines


def ship(w: World, lines: list[tuple[Line, str]], *, etd: dt.date | None = None, customer: Any = None) -> Any:
    """A booked shipment of ``(line, quantity)`` pairs."""
    etd = etd or TODAY + 5 * DAY
    return logistics.shipment_create(
        organization=w.org,
        by=w.by,
        data={"customer": customer or w.customer, "mode": "sea", "etd": etd, "eta": etd + 20 * DAY},
        lines=[{"line": line.pk, "quantity": Decimal(q)} for line, q in lines],
    ).shipment


def depart(w: World, shipment: Any, on: dt.date) -> Any:
    return logistics.shipment_move(shipment=shipment, action="depart", by=w.by, on=on)


def arrive(w: World, shipment: Any, on: dt.date) -> Any:
    return logistics.shipment_move(shipment=shipment, action="arrive", by=w.by, on=on)


def terms(w: World, name: str, schedule: list[dict[str, Any]]) -> PaymentTerms:
    return PaymentTerms.objects.create(organization=w.org, name=name, schedule=schedule)


def rate(w: World, day: dt.date, from_currency: str, to_currency: str, value: str) -> ExchangeRate:
    return ExchangeRate.objects.create(
        organization=w.org, date=day, from_currency=from_currency, to_currency=to_currency, rate=Decimal(value)
    )
