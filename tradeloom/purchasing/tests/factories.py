"""Purchasing factories: a draft PO of a supplier (with one free-material line), its lines, and receipts — each in
one organisation. Real figures come from the services; these make rows for the walls tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from tradeloom.catalog.tests.factories import UnitFactory
from tradeloom.partners.tests.factories import SupplierFactory
from tradeloom.purchasing.models import Amendment, Approval, PurchaseOrder, PurchaseOrderLine, Receipt, ReceiptLine
from tradeloom.tenancy.tests.factories import SAME_ORG, OrganizationFactory, TenantFactory
from tradeloom.testing.walls import register_factory, register_url_object


class PurchaseOrderFactory(TenantFactory[PurchaseOrder]):
    class Meta:
        model = PurchaseOrder

    organization = factory.SubFactory(OrganizationFactory)
    number = factory.Sequence(lambda n: f"PO-T{n:05d}")
    supplier = factory.SubFactory(SupplierFactory, organization=SAME_ORG)
    currency = "USD"
    po_date = date(2026, 11, 20)
    subtotal = Decimal("425.00")
    total = Decimal("425.00")
    line_count = 1


class PurchaseOrderLineFactory(TenantFactory[PurchaseOrderLine]):
    class Meta:
        model = PurchaseOrderLine

    organization = factory.SubFactory(OrganizationFactory)
    purchase_order = factory.SubFactory(PurchaseOrderFactory, organization=SAME_ORG)
    material_code = "YRN-30"
    material_name = "Cotton yarn 30/1"
    quantity = Decimal("100")
    unit = factory.SubFactory(UnitFactory, organization=SAME_ORG)
    unit_price = Decimal("4.25")
    amount = Decimal("425.00")


class ApprovalFactory(TenantFactory[Approval]):
    class Meta:
        model = Approval

    organization = factory.SubFactory(OrganizationFactory)
    purchase_order = factory.SubFactory(PurchaseOrderFactory, organization=SAME_ORG)
    decision = Approval.Decision.AUTO_APPROVED
    total = Decimal("425.00")
    limit = Decimal("10000.00")


class AmendmentFactory(TenantFactory[Amendment]):
    class Meta:
        model = Amendment

    organization = factory.SubFactory(OrganizationFactory)
    purchase_order = factory.SubFactory(PurchaseOrderFactory, organization=SAME_ORG, status="approved")
    revision = 1
    reason = "Price agreed again"
    total_before = Decimal("425.00")
    total_after = Decimal("425.00")


class ReceiptFactory(TenantFactory[Receipt]):
    class Meta:
        model = Receipt

    organization = factory.SubFactory(OrganizationFactory)
    purchase_order = factory.SubFactory(PurchaseOrderFactory, organization=SAME_ORG, status="partly_received")
    sequence = 1
    number = factory.LazyAttribute(lambda o: f"{o.purchase_order.number}-R1")
    received_on = date(2026, 11, 25)


class ReceiptLineFactory(TenantFactory[ReceiptLine]):
    class Meta:
        model = ReceiptLine

    organization = factory.SubFactory(OrganizationFactory)
    receipt = factory.SubFactory(ReceiptFactory, organization=SAME_ORG)
    po_line = factory.SubFactory(
        PurchaseOrderLineFactory,
        organization=SAME_ORG,
        purchase_order=factory.SelfAttribute("..receipt.purchase_order"),
    )
    quantity = Decimal("10")


register_factory(PurchaseOrder, PurchaseOrderFactory)
register_factory(PurchaseOrderLine, PurchaseOrderLineFactory)
register_factory(Approval, ApprovalFactory)
register_factory(Amendment, AmendmentFactory)
register_factory(Receipt, ReceiptFactory)
register_factory(ReceiptLine, ReceiptLineFactory)
register_url_object("purchase_order_id", lambda org: PurchaseOrderLineFactory(organization=org).purchase_order)
register_url_object("receipt_id", lambda org: ReceiptLineFactory(organization=org).receipt)
