"""Printing factories: an organisation's print profile and the document a record's PDFs are versions of."""

from __future__ import annotations

import factory

from tradeloom.printing.models import PrintedDocument, PrintProfile
from tradeloom.purchasing.tests.factories import PurchaseOrderFactory
from tradeloom.tenancy.tests.factories import OrganizationFactory, TenantFactory
from tradeloom.testing.walls import register_factory


class PrintProfileFactory(TenantFactory[PrintProfile]):
    class Meta:
        model = PrintProfile

    organization = factory.SubFactory(OrganizationFactory)
    company_name = "Acme Sourcing Ltd"
    address = "House 12, Road 7\nGulshan, Dhaka 1212\nBangladesh"
    phone = "+880 2 555 0100"
    email = "docs@acme.example"
    bank_details = "Bank: Eastern Bank PLC\nAccount: 0123 456 789\nSWIFT: EBLDBDDH"
    terms_purchase_order = "Deliver within the due date; shade within 4.5 on the grey scale."
    terms_proforma = "Payment by irrevocable LC at sight."
    terms_invoice = "Payment within 30 days of the B/L date."
    signature_block = "For Acme Sourcing Ltd\nAuthorised signatory"
    footer = "Acme Sourcing Ltd · registered in Dhaka"


class PrintedDocumentFactory(TenantFactory[PrintedDocument]):
    class Meta:
        model = PrintedDocument

    organization = factory.SubFactory(OrganizationFactory)
    kind = "purchase-order"
    target_type = "purchasing.purchaseorder"
    target_id = factory.LazyAttribute(lambda d: PurchaseOrderFactory(organization=d.organization).pk)


register_factory(PrintProfile, PrintProfileFactory)
register_factory(PrintedDocument, PrintedDocumentFactory)
