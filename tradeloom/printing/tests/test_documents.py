"""What each kind of PDF says, read back from the PDF with pypdf: number, parties, lines, totals, terms, bank details
and signature; a document prints without a print profile, and with text outside Latin-1."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tradeloom.core.context import tenant_context
from tradeloom.invoicing.tests.factories import InvoiceFactory, InvoiceLineFactory
from tradeloom.logistics.tests.factories import ContainerFactory, ShipmentFactory, ShipmentLineFactory
from tradeloom.partners.tests.factories import AddressFactory, CustomerFactory, SupplierFactory
from tradeloom.printing import layout, services
from tradeloom.printing.selectors import printable_resolve
from tradeloom.printing.tests.conftest import pdf_text
from tradeloom.printing.tests.factories import PrintProfileFactory
from tradeloom.proformas.tests.factories import ProformaFactory, ProformaLineFactory
from tradeloom.purchasing.tests.factories import PurchaseOrderFactory, PurchaseOrderLineFactory
from tradeloom.sales.tests.factories import LineFactory, OrderFactory, StyleFactory

TURKISH = "\u015f\u0131k a\u011f \u0131l\u0131k"  # Turkish: s with cedilla, dotless i, g with breve


def text_of(org, owner, kind: str, record) -> str:
    with tenant_context(org):
        printable = printable_resolve(organization=org, membership=owner, kind_key=kind, record_id=record.pk)
        return pdf_text(services.pdf_render(organization=org, printable=printable))


@pytest.fixture
def profile(org):
    return PrintProfileFactory(organization=org)


@pytest.mark.django_db
def test_a_purchase_order_prints_its_supplier_lines_totals_terms_and_signature(org, owner, profile):
    supplier = SupplierFactory(organization=org, legal_name="Karim Spinning Mills Ltd")
    AddressFactory(organization=org, customer=None, supplier=supplier, line1="Plot 9, BSCIC", city="Narayanganj")
    po = PurchaseOrderFactory(
        organization=org, supplier=supplier, subtotal=Decimal("1275.00"), total=Decimal("1275.00"), notes="Rush"
    )
    PurchaseOrderLineFactory(organization=org, purchase_order=po, material_name="Cotton yarn 30/1", position=1)
    PurchaseOrderLineFactory(
        organization=org, purchase_order=po, material_code="YRN-40", material_name="Combed 40/1", position=2
    )
    text = text_of(org, owner, "purchase-order", po)
    assert "PURCHASE ORDER" in text
    assert po.number in text
    assert "Acme Sourcing Ltd" in text
    assert "Gulshan, Dhaka 1212" in text
    assert "Karim Spinning Mills Ltd" in text
    assert "Plot 9, BSCIC" in text
    assert "Cotton yarn 30/1" in text
    assert "YRN-40 Combed 40/1" in text
    assert "4.25" in text
    assert "425.00" in text
    assert "Total USD" in text
    assert "1,275.00" in text
    assert "shade within 4.5" in text  # the profile's PO terms
    assert "Rush" in text
    assert "Authorised signatory" in text
    assert "Page 1 of 1" in text
    assert "SWIFT" not in text  # a PO prints no bank details


@pytest.mark.django_db
def test_a_proforma_prints_the_buyer_lines_and_its_own_bank_details_before_the_profiles(org, owner, profile):
    customer = CustomerFactory(organization=org, legal_name="Nordic Apparel AB")
    order = OrderFactory(organization=org, customer=customer, po_number="NA-4471")
    pi = ProformaFactory(organization=org, order=order, bank_details="", terms="")
    line = LineFactory(organization=org, style=StyleFactory(organization=org, order=order, style_number="ST-900"))
    ProformaLineFactory(organization=org, proforma=pi, line=line)
    text = text_of(org, owner, "proforma-invoice", pi)
    assert "PROFORMA INVOICE" in text
    assert pi.number in text
    assert "Nordic Apparel AB" in text
    assert "NA-4471" in text
    assert order.number in text
    assert "ST-900" in text
    assert "425.00" in text
    assert "Total USD" in text
    assert "LC at sight" in text  # the profile's PI terms when the PI has none
    assert "Bank details" in text
    assert "SWIFT: EBLDBDDH" in text

    pi.bank_details, pi.terms = "Bank: City Bank\nSWIFT: CIBLBDDH", "50 % advance"
    with tenant_context(org):
        pi.save(update_fields=["bank_details", "terms"])
    text = text_of(org, owner, "proforma-invoice", pi)
    assert "CIBLBDDH" in text
    assert "EBLDBDDH" not in text
    assert "50 % advance" in text
    assert "LC at sight" not in text


@pytest.mark.django_db
def test_a_commercial_invoice_prints_its_shipment_lines_and_bank_details(org, owner, profile):
    customer = CustomerFactory(organization=org, legal_name="Nordic Apparel AB")
    shipment = ShipmentFactory(
        organization=org, customer=customer, vessel="MAERSK KOWLOON", transport_document_number="MAEU123456"
    )
    invoice = InvoiceFactory(
        organization=org,
        customer=customer,
        shipment=shipment,
        subtotal=Decimal("425.00"),
        total=Decimal("425.00"),
        bank_details="Bank: Dutch-Bangla Bank\nSWIFT: DBBLBDDH",
    )
    InvoiceLineFactory(organization=org, invoice=invoice, description="Single jersey 180 GSM navy")
    text = text_of(org, owner, "commercial-invoice", invoice)
    assert "COMMERCIAL INVOICE" in text
    assert invoice.number in text
    assert "Nordic Apparel AB" in text
    assert "MAEU123456" in text
    assert "MAERSK KOWLOON" in text
    assert "Single jersey 180 GSM navy" in text
    assert "Total USD" in text
    assert "425.00" in text
    assert "DBBLBDDH" in text
    assert "30 days of the B/L date" in text


@pytest.mark.django_db
def test_a_packing_list_prints_cartons_weights_and_containers(org, owner, profile):
    shipment = ShipmentFactory(organization=org, total_cartons=42, total_gross_kg=Decimal("812.5"))
    container = ContainerFactory(organization=org, shipment=shipment, seal_number="SEAL-778")
    ShipmentLineFactory(
        organization=org,
        shipment=shipment,
        quantity=Decimal("1000"),
        cartons=42,
        gross_weight_kg=Decimal("812.5"),
        net_weight_kg=Decimal("790"),
        container=container,
    )
    text = text_of(org, owner, "packing-list", shipment)
    assert "PACKING LIST" in text
    assert shipment.number in text
    assert "Chattogram" in text
    assert "Hamburg" in text
    assert "CSQU3054383" in text
    assert "SEAL-778" in text
    assert "42" in text
    assert "812.5" in text
    assert "790" in text
    assert "Bank details" not in text


@pytest.mark.django_db
def test_an_order_confirmation_prints_styles_colours_prices_and_the_total(org, owner, profile):
    order = OrderFactory(organization=org, po_number="HM-2231", buyer_name="Ms Berg")
    style = StyleFactory(organization=org, order=order, style_number="ST-77", description="Crew neck tee")
    LineFactory(organization=org, style=style, colour_code="NAVY", quantity=Decimal("1000"))
    LineFactory(organization=org, style=style, colour_code="RED", quantity=Decimal("500"), selling_price=None)
    text = text_of(org, owner, "order-confirmation", order)
    assert "ORDER CONFIRMATION" in text
    assert order.number in text
    assert "HM-2231" in text
    assert "ST-77 - Crew neck tee - NAVY" in text
    assert "RED" in text
    assert "4,250.00" in text  # 1,000 x 4.25
    assert "to be agreed" in text
    assert "Lines without a price" in text


@pytest.mark.django_db
def test_without_a_print_profile_the_organisations_name_prints_and_every_accent_prints_as_written(org, owner):
    supplier = SupplierFactory(organization=org, legal_name="Łódź Textil “Ünal” Ltd \u2013 Türkiye")
    po = PurchaseOrderFactory(organization=org, supplier=supplier)
    PurchaseOrderLineFactory(organization=org, purchase_order=po, material_name="Garn № 30 — çok iyi, " + TURKISH)
    text = text_of(org, owner, "purchase-order", po)
    assert org.name in text
    assert po.number in text
    assert "Łódź Textil “Ünal” Ltd \u2013 Türkiye" in text  # the bundled Noto Sans has them all
    assert TURKISH in text
    assert f"For {org.name}" in text


@pytest.mark.django_db
def test_without_the_bundled_font_text_is_folded_to_latin1_and_never_fails(org, owner, monkeypatch, tmp_path):
    monkeypatch.setattr(layout, "FONT_DIR", tmp_path)  # no TTF there: fpdf2's core font
    supplier = SupplierFactory(organization=org, legal_name="Łódź Textil “Ünal” Ltd \u2013 Türkiye")
    po = PurchaseOrderFactory(organization=org, supplier=supplier)
    PurchaseOrderLineFactory(organization=org, purchase_order=po, material_name="Garn № 30 — çok iyi")
    text = text_of(org, owner, "purchase-order", po)
    assert 'Lódz Textil "Ünal" Ltd - Türkiye' in text  # folded to what the core font prints
    assert "Garn" in text
    assert "çok iyi" in text


@pytest.mark.django_db
def test_a_long_document_runs_onto_more_pages_with_the_headings_repeated(org, owner, profile):
    po = PurchaseOrderFactory(organization=org)
    for n in range(70):
        PurchaseOrderLineFactory(organization=org, purchase_order=po, material_name=f"Yarn lot {n}", position=n)
    text = text_of(org, owner, "purchase-order", po)
    assert "Yarn lot 0" in text
    assert "Yarn lot 69" in text
    assert "Page 1 of 2" in text or "Page 1 of 3" in text
    assert text.count("Unit price") >= 2  # the table's header on each page
