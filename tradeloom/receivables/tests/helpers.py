"""What the receivables tests share: an issued invoice of the fixture's customer, a payment through the service,
an exchange rate."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tradeloom.catalog.models import ExchangeRate
from tradeloom.receivables import services
from tradeloom.receivables.tests.factories import issued_invoice

DAY = date(2026, 11, 20)


def invoice(rx: dict[str, Any], **kwargs: Any) -> Any:
    customer = kwargs.pop("customer", rx["customer"])
    return issued_invoice(rx["org"], customer, **kwargs)


def pay(rx: dict[str, Any], amount: str, *, allocations: Any = (), by: Any = None, **data: Any) -> Any:
    values = {
        "customer": data.pop("customer", rx["customer"]),
        "received_on": data.pop("received_on", DAY),
        "amount": Decimal(amount),
        "currency": data.pop("currency", "USD"),
        "exchange_rate": data.pop("exchange_rate", Decimal(1)),
        **data,
    }
    return services.payment_create(
        organization=rx["org"], by=by or rx["accounts"], data=values, allocations=list(allocations)
    )


def rate(org: Any, day: date, from_currency: str, to_currency: str, value: str) -> ExchangeRate:
    return ExchangeRate.objects.create(
        organization=org, date=day, from_currency=from_currency, to_currency=to_currency, rate=Decimal(value)
    )
