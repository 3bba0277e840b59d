"""Invoicing factories: invoices (a draft of a customer, with no lines — use the services for real ones), lines of an
order of that customer, and credit notes, each in one organisation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from tradeloom.invoicing.models import CreditNote, Invoice, InvoiceLine
from tradeloom.partners.tests.factories import CustomerFactory
from tradeloom.sales.tests.factories import LineFactory
from tradeloom.tenancy.tests.factories import SAME_ORG, OrganizationFactory, TenantFactory
from tradeloom.testing.walls import register_factory, register_url_object


class InvoiceFactory(TenantFactory[Invoice]):
    class Meta:
        model = Invoice

    organization = factory.SubFactory(OrganizationFactory)
    number = factory.Sequence(lambda n: f"INV-T{n:05d}")
    customer = factory.SubFactory(CustomerFactory, organization=SAME_ORG)
    currency = "USD"
    exchange_rate = Decimal(1)
    issue_date = date(2026, 11, 20)
    due_date = date(2026, 12, 20)
    due_basis = "invoice"
    due_days = 30


class InvoiceLineFactory(TenantFactory[InvoiceLine]):
    class Meta:
        model = InvoiceLine

    organization = factory.SubFactory(OrganizationFactory)
    invoice = factory.SubFactory(InvoiceFactory, organization=SAME_ORG)
    line = factory.SubFactory(
        LineFactory, organization=SAME_ORG, style__order__customer=factory.SelfAttribute("....invoice.customer")
    )
    order = factory.SelfAttribute("line.order")
    description = "Line"
    unit_code = "m"
    quantity = Decimal("100")
    unit_price = Decimal("4.25")
    amount = Decimal("425.00")
    tax = Decimal("0.00")


class CreditNoteFactory(TenantFactory[CreditNote]):
    class Meta:
        model = CreditNote

    organization = factory.SubFactory(OrganizationFactory)
    invoice = factory.SubFactory(
        InvoiceFactory,
        organization=SAME_ORG,
        status="issued",
        total=Decimal("100.00"),
        subtotal=Decimal("100.00"),
        credited_amount=Decimal("10.00"),
    )
    number = factory.Sequence(lambda n: f"CN-T{n:05d}")
    issue_date = date(2026, 11, 25)
    amount = Decimal("10.00")
    reason = "Short shipped"


register_factory(Invoice, InvoiceFactory)
register_factory(InvoiceLine, InvoiceLineFactory)
register_factory(CreditNote, CreditNoteFactory)
register_url_object("invoice_id", lambda org: InvoiceFactory(organization=org))
register_url_object("credit_note_id", lambda org: CreditNoteFactory(organization=org))
