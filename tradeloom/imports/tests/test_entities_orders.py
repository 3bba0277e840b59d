"""Orders with styles and lines, and purchase orders with lines, through their services."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tradeloom.catalog.models import UnitOfMeasure
from tradeloom.catalog.tests.factories import ItemFactory, UnitFactory
from tradeloom.core.context import tenant_context
from tradeloom.core.exceptions import ApplicationError
from tradeloom.imports.entities.purchasing import source_marker
from tradeloom.imports.registry import CREATED, UNCHANGED, UPDATED, RowError
from tradeloom.imports.tests.entity_rows import apply, apply_rows, audit_count, context
from tradeloom.partners.models import Supplier
from tradeloom.partners.tests.factories import CustomerFactory, SupplierFactory
from tradeloom.purchasing import states
from tradeloom.purchasing.models import PurchaseOrder, PurchaseOrderLine
from tradeloom.purchasing.services.orders import purchase_order_move
from tradeloom.purchasing.tests.factories import PurchaseOrderFactory, PurchaseOrderLineFactory
from tradeloom.sales.models import Line, Order, Style
from tradeloom.tenancy.roles import Role


@pytest.fixture
def ctx(org, member):
    by = member(Role.OWNER)
    UnitFactory(organization=org, code="m", name="Metre", dimension=UnitOfMeasure.Dimension.LENGTH, factor=D("1"))
    UnitFactory(organization=org, code="yd", name="Yard", dimension=UnitOfMeasure.Dimension.LENGTH, factor=D("0.9144"))
    CustomerFactory(organization=org, code="NORD", legal_name="Nordic Apparel AB", default_currency="EUR")
    SupplierFactory(organization=org, code="ARV", legal_name="Arvind Mills")
    with tenant_context(org, user=by.user):
        yield context(org, by)


def errors_of(call):
    with pytest.raises(RowError) as caught:
        call()
    return caught.value.errors


def order_rows():
    first = {
        "po_number": "4711",
        "customer": "NORD",
        "buyer_name": "Eva",
        "order_date": "2026-11-01",
        "currency": "USD",
        "style_number": "TEE-100",
        "style_description": "Crew tee",
        "colour_code": "NAVY",
        "quantity": "1000",
        "unit": "m",
        "selling_price": "4.25",
        "supplier": "ARV",
        "mill_price": "3.10",
        "etd": "2026-12-15",
    }
    return [
        first,
        {**first, "colour_code": "WHITE", "quantity": "500"},
        {**first, "style_number": "POLO-7", "style_description": "Polo", "colour_code": "BLACK", "cad_code": "C7"},
    ]


@pytest.mark.django_db
def test_three_rows_of_one_po_make_one_order_two_styles_three_lines(ctx):
    results = apply_rows(ctx, "orders", order_rows())
    assert [r.outcome for r in results] == [CREATED, UPDATED, UPDATED]
    order = Order.objects.get()
    assert (order.po_number, order.customer.code, order.currency, order.status, order.buyer_name) == (
        "4711",
        "NORD",
        "USD",
        "open",
        "Eva",
    )
    assert [s.style_number for s in Style.objects.filter(order=order)] == ["TEE-100", "POLO-7"]
    lines = list(Line.objects.filter(order=order).order_by("position"))
    assert [(str(x), x.quantity, x.style.style_number) for x in lines] == [
        ("NAVY", D("1000"), "TEE-100"),
        ("WHITE", D("500"), "TEE-100"),
        ("BLACK/C7", D("1000"), "POLO-7"),
    ]
    assert all(x.supplier.code == "ARV" and x.mill_price == D("3.10") for x in lines)
    assert audit_count(action="sales_order.created") == 1
    assert audit_count(action="sales_order.merged") == 2

    # the same file again: nothing changes
    events, version = audit_count(), Order.objects.get().version
    assert [r.outcome for r in apply_rows(ctx, "orders", order_rows())] == [UNCHANGED] * 3
    assert (audit_count(), Order.objects.get().version, Line.objects.count()) == (events, version, 3)

    # a changed quantity and price update that line, through the services
    rows = order_rows()
    rows[1] = {**rows[1], "quantity": "650", "selling_price": "4.40"}
    assert [r.outcome for r in apply_rows(ctx, "orders", rows)] == [UNCHANGED, UPDATED, UNCHANGED]
    white = Line.objects.get(colour_code="WHITE")
    assert (white.quantity, white.selling_price) == (D("650"), D("4.40"))
    assert audit_count(action="sales_line.updated", target_id=str(white.pk)) == 1


@pytest.mark.django_db
def test_a_header_change_on_a_later_row_updates_the_order(ctx):
    apply_rows(ctx, "orders", order_rows()[:1])
    row = {**order_rows()[0], "buyer_name": "Eva Berg", "order_etd": "2026-12-20"}
    assert apply(ctx, "orders", **row).outcome == UPDATED
    order = Order.objects.get()
    assert (order.buyer_name, str(order.etd)) == ("Eva Berg", "2026-12-20")
    assert audit_count(action="sales_order.updated", target_id=str(order.pk)) == 1


@pytest.mark.django_db
def test_an_order_defaults_to_the_customers_currency_and_may_be_a_draft(ctx):
    row = {**order_rows()[0], "currency": "", "order_status": "Draft"}
    order = apply(ctx, "orders", **row).record
    assert (order.currency, order.status) == ("EUR", "draft")
    assert apply(ctx, "orders", **{**row, "order_status": "Open"}).outcome == UPDATED
    order.refresh_from_db()
    assert order.status == "open"
    assert audit_count(action="sales_order.confirmed") == 1


@pytest.mark.django_db
def test_order_rows_refused(ctx):
    apply_rows(ctx, "orders", order_rows()[:1])
    first = order_rows()[0]
    assert errors_of(lambda: apply(ctx, "orders", **{**first, "currency": "GBP"})) == {
        "currency": ["SO-000001 is in USD: its lines cannot be in GBP."]
    }
    assert errors_of(lambda: apply(ctx, "orders", **{**first, "unit": "yd"})) == {
        "unit": ["A line's unit cannot be changed by an import."]
    }
    assert errors_of(lambda: apply(ctx, "orders", **{**first, "colour_code": "RED", "quantity": ""})) == {
        "quantity": ["Give it for a new line."]
    }
    assert errors_of(lambda: apply(ctx, "orders", customer="Nobody", po_number="1", colour_code="X")) == {
        "customer": ["No customer with code or name “Nobody”."],
        "style_number": ["Give the style number."],
    }
    assert errors_of(lambda: apply(ctx, "orders", customer="NORD", style_number="S", colour_code="X")) == {
        "po_number": ["Give the buyer's PO number."]
    }
    assert errors_of(lambda: apply(ctx, "orders", **{**first, "po_number": "9", "order_status": "Closed"})) == {
        "order_status": ["A new order is imported as a draft or open (confirmed)."]
    }
    assert Line.objects.count() == 1


@pytest.mark.django_db
def test_a_line_status_is_reached_through_the_allowed_moves(ctx):
    apply(ctx, "orders", **{**order_rows()[0], "status": "In development"})
    line = Line.objects.get()
    assert line.status == "in_development"
    assert audit_count(action="sales_line.status_changed", target_id=str(line.pk)) == 1
    assert apply(ctx, "orders", **{**order_rows()[0], "status": "Archived"}).outcome == UPDATED
    with pytest.raises(ApplicationError) as caught:  # an archived line moves nowhere: the service refuses
        apply(ctx, "orders", **{**order_rows()[0], "status": "Running"})
    assert caught.value.code == "invalid_transition"


# --- purchase orders ------------------------------------------------------------------------------------------------
def po_rows():
    first = {
        "number": "PO-8812",
        "supplier": "Arvind Mills",
        "customer": "NORD",
        "po_date": "20/11/2026",
        "due_date": "15/12/2026",
        "currency": "USD",
        "material_name": "Cotton yarn 30/1",
        "material_code": "YRN-30",
        "quantity": "100",
        "unit": "m",
        "unit_price": "4.25",
    }
    return [first, {**first, "material_code": "YRN-40", "material_name": "Cotton yarn 40/1", "quantity": "50"}]


@pytest.mark.django_db
def test_purchase_orders_are_drafts_matched_on_the_source_number(ctx):
    results = apply_rows(ctx, "purchase_orders", po_rows())
    assert [r.outcome for r in results] == [CREATED, UPDATED]
    po = PurchaseOrder.objects.get()
    assert (po.status, po.supplier.code, po.customer.code, po.line_count, po.total) == (
        states.DRAFT,
        "ARV",
        "NORD",
        2,
        D("637.50"),
    )
    assert po.notes == source_marker("PO-8812")
    assert po.number != "PO-8812"
    assert audit_count(action="purchase_order.created") == 1

    events, version = audit_count(), po.version
    assert [r.outcome for r in apply_rows(ctx, "purchase_orders", po_rows())] == [UNCHANGED, UNCHANGED]
    po.refresh_from_db()
    assert (audit_count(), po.version) == (events, version)

    rows = po_rows()
    rows[1] = {**rows[1], "quantity": "80"}
    assert [r.outcome for r in apply_rows(ctx, "purchase_orders", rows)] == [UNCHANGED, UPDATED]
    assert PurchaseOrderLine.objects.get(material_code="YRN-40").quantity == D("80")
    po.refresh_from_db()
    assert po.total == D("765.00")
    # its own number of an imported PO is ambiguous: refused, never matched to the wrong PO
    assert errors_of(lambda: apply(ctx, "purchase_orders", number=po.number, due_date="2026-12-20")) == {
        "number": [
            f"{po.number} is this organisation's number of the PO imported from source PO PO-8812, and no PO was "
            f"imported from a source PO {po.number}: give the source system's number."
        ]
    }


@pytest.mark.django_db
def test_a_native_po_is_matched_on_its_own_number(ctx):
    po = PurchaseOrderFactory(
        organization=ctx.organization, number="PO-000777", supplier=Supplier.objects.get(code="ARV")
    )
    PurchaseOrderLineFactory(organization=ctx.organization, purchase_order=po, unit=UnitOfMeasure.objects.get(code="m"))
    assert apply(ctx, "purchase_orders", number="PO-000777", due_date="2026-12-20").outcome == UPDATED
    po.refresh_from_db()
    assert str(po.due_date) == "2026-12-20"
    assert audit_count(action="purchase_order.updated", target_id=str(po.pk)) == 1


@pytest.mark.django_db
def test_purchase_order_lines_by_item_and_the_refusals(ctx):
    ItemFactory(
        organization=ctx.organization, code="YRN-30", name="Cotton yarn", unit=UnitOfMeasure.objects.get(code="m")
    )
    row = {"number": "A1", "supplier": "ARV", "item": "YRN-30", "quantity": "10", "unit_price": "2"}
    assert apply(ctx, "purchase_orders", **row).outcome == CREATED
    line = PurchaseOrderLine.objects.get()
    assert (line.item.code, line.unit.code, line.material_name) == ("YRN-30", "m", "Cotton yarn")
    assert apply(ctx, "purchase_orders", **row).outcome == UNCHANGED
    assert errors_of(lambda: apply(ctx, "purchase_orders", number="B1", supplier="ARV")) == {
        "__row__": ["A purchase order needs at least one line: give its item or material, quantity and price."]
    }
    assert errors_of(lambda: apply(ctx, "purchase_orders", number="B1", material_name="Yarn", quantity="1")) == {
        "unit_price": ["Give it for the line."],
        "unit": ["Give the line's unit."],
    }
    assert errors_of(lambda: apply(ctx, "purchase_orders", number="B1", supplier="Nobody", item="YRN-30")) == {
        "supplier": ["No supplier with code or name “Nobody”."],
        "quantity": ["Give it for the line."],
        "unit_price": ["Give it for the line."],
    }
    # a submitted PO is the purchasing floor's to change: the service refuses
    po = PurchaseOrder.objects.get()
    purchase_order_move(purchase_order=po, by=ctx.by, action=states.SUBMIT)
    with pytest.raises(ApplicationError) as caught:
        apply(ctx, "purchase_orders", **{**row, "quantity": "12"})
    assert caught.value.code == "po_not_editable"
