"""Receivables factories: payments (received, unallocated, of a customer) and allocations (of a payment to an
issued invoice of its customer — the figures on the invoice are not moved: use the services for that), and
``issued_invoice`` (an issued invoice with its figures, as ``invoicing`` issues them), each in one organisation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import factory

from tradeloom.invoicing.models import Invoice
from tradeloom.invoicing.tests.factories import InvoiceFactory
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.receivables.models import Allocation, Payment
from tradeloom.tenancy.tests.factories import SAME_ORG, OrganizationFactory, TenantFactory
from tradeloom.testing.walls import register_factory, register_url_object


class PaymentFactory(TenantFactory[Payment]):
    class Meta:
        model = Payment

    organization = factory.SubFactory(OrganizationFactory)
    number = factory.Sequence(lambda n: f"RCPT-T{n:05d}")
    customer = factory.SubFactory(CustomerFactory, organization=SAME_ORG)
    received_on = date(2026, 11, 25)
    amount = Decimal("1000.00")
    currency = "USD"
    exchange_rate = Decimal(1)


def issued_invoice(
    organization: Any,
    customer: Any,
    *,
    total: str | Decimal = "1000.00",
    currency: str = "USD",
    rate: str | Decimal = "1",
    issue_date: date = date(2026, 11, 1),
    due_date: date | None = date(2026, 12, 1),
    **extra: Any,
) -> Invoice:
    total = Decimal(total)
    return InvoiceFactory(
        organization=organization,
        customer=customer,
        currency=currency,
        exchange_rate=Decimal(rate),
        issue_date=issue_date,
        due_date=due_date,
        status="issued",
        subtotal=total,
        tax=Decimal(0),
        total=total,
        **extra,
    )


class AllocationFactory(TenantFactory[Allocation]):
    class Meta:
        model = Allocation

    organization = factory.SubFactory(OrganizationFactory)
    payment = factory.SubFactory(PaymentFactory, organization=SAME_ORG)
    invoice = factory.LazyAttribute(lambda o: issued_invoice(o.organization, o.payment.customer))
    amount = Decimal("100.00")
    payment_rate = Decimal(1)
    invoice_rate = Decimal(1)


register_factory(Payment, PaymentFactory)
register_factory(Allocation, AllocationFactory)
register_url_object("payment_id", lambda org: PaymentFactory(organization=org))
