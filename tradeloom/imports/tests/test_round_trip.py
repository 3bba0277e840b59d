"""Round trips: records made in organisation A, exported by the exports floor (its list declarations and writers),
imported into a fresh organisation B with no mapping work (each export header is an entity field's label), give the
same records — B's export of them is A's."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal as D
from typing import Any

import pytest
from django.http import QueryDict
from openpyxl import load_workbook

from tradeloom.catalog.models import Item, UnitOfMeasure
from tradeloom.catalog.tests.factories import ItemFactory, UnitFactory
from tradeloom.core.context import tenant_context
from tradeloom.exports.registry import EXPORTS, Query
from tradeloom.exports.writers import xlsx_file
from tradeloom.imports.registry import ENTITIES, UNCHANGED
from tradeloom.imports.tests.entity_rows import apply_rows, by_labels, context, export_csv
from tradeloom.partners.models import Customer, Supplier
from tradeloom.partners.tests.factories import ContactFactory, CustomerFactory, SupplierFactory
from tradeloom.purchasing.models import PurchaseOrderLine
from tradeloom.purchasing.services.orders import purchase_order_create
from tradeloom.sales.tests.factories import LineFactory, OrderFactory, StyleFactory
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.tests.factories import MembershipFactory


@pytest.fixture
def orgs(org, other_org):
    """An owner of A and of B; the test runs as A (B's steps switch to B)."""
    a = MembershipFactory(organization=org, role=Role.OWNER)
    b = MembershipFactory(organization=other_org, role=Role.OWNER)
    for organization in (org, other_org):
        UnitFactory(organization=organization, code="m", name="Metre", dimension="length", factor=D("1"))
        UnitFactory(organization=organization, code="kg", name="Kilogram", dimension="mass", factor=D("1"))
    with tenant_context(org, user=a.user):
        yield a, b


def partners_in(organization: Any) -> None:
    nordic = CustomerFactory(
        organization=organization,
        code="NORD",
        legal_name="Nordic Apparel AB",
        trade_name="Nordic",
        country="SE",
        default_currency="EUR",
        tax_id="SE556677",
        email="orders@nordic.example",
        phone="+46 8 123 45",
    )
    ContactFactory(
        organization=organization,
        supplier=None,
        customer=nordic,
        name="Eva Berg",
        email="eva@nordic.example",
        is_primary=True,
    )
    CustomerFactory(organization=organization, code="BAY", legal_name="Bayside Retail Ltd", country="GB")
    SupplierFactory(
        organization=organization,
        code="ARV",
        legal_name="Arvind Mills Ltd",
        trade_name="Arvind",
        kind="mill",
        country="IN",
        phone="=1+2",
    )
    SupplierFactory(organization=organization, code="ZHE", legal_name="Zhejiang Trims", kind="vendor", country="CN")


def import_export(a: Any, b: Any, key: str, entity: str) -> tuple[list[list[str]], list[list[str]]]:
    """A's export of ``key`` imported into B as ``entity``: (A's rows, B's rows of the same export)."""
    with tenant_context(a.organization, user=a.user):
        header, rows = export_csv(a.organization, a, key)
    with tenant_context(b.organization, user=b.user):
        ctx = context(b.organization, b)
        apply_rows(ctx, entity, by_labels(ENTITIES[entity], header, rows))
        again = apply_rows(ctx, entity, by_labels(ENTITIES[entity], header, rows))
        assert {r.outcome for r in again} == {UNCHANGED}
        header_b, rows_b = export_csv(b.organization, b, key)
    assert header_b == header
    return sorted(rows), sorted(rows_b)


@pytest.mark.django_db
def test_customers_and_suppliers_round_trip(orgs):
    a, b = orgs
    partners_in(a.organization)
    exported, imported = import_export(a, b, "customers", "customers")
    assert len(exported) == 2
    assert imported == exported
    exported, imported = import_export(a, b, "suppliers", "suppliers")
    assert len(exported) == 2
    assert imported == exported
    assert any(row[0] == "ARV" and "'=1+2" in row for row in imported)  # neutralised on the way out, read back in


ITEM_COLUMNS = (
    "code",
    "name",
    "kind",
    "unit",
    "description",
    "composition",
    "gsm",
    "construction",
    "finish",
    "width_cm",
    "hs_code",
)


def items_file(organization: Any) -> tuple[list[str], list[list[str]]]:
    """The exports floor has no items list: the file a catalog export would be, under the entity's labels."""
    entity = ENTITIES["items"]
    header = [entity.field(name).label for name in ITEM_COLUMNS]
    rows = []
    for item in Item.objects.filter(organization=organization).select_related("unit").order_by("code"):
        rows.append(
            [
                item.code,
                item.name,
                item.get_kind_display(),
                item.unit.code,
                item.description,
                item.composition,
                "" if item.gsm is None else str(item.gsm),
                item.construction,
                item.finish,
                "" if item.width_cm is None else str(item.width_cm),
                item.hs_code,
            ]
        )
    return header, rows


@pytest.mark.django_db
def test_items_round_trip(orgs):
    a, b = orgs
    kg = UnitOfMeasure.objects.get(organization=a.organization, code="kg")
    ItemFactory(
        organization=a.organization,
        code="SJ-160",
        name="Single jersey",
        unit=UnitOfMeasure.objects.get(organization=a.organization, code="m"),
        gsm=D("160.00"),
        width_cm=D("180.00"),
        composition="100% cotton",
    )
    ItemFactory(
        organization=a.organization, code="YRN-30", name="Cotton yarn 30/1", kind="yarn", unit=kg, hs_code="5205"
    )
    with tenant_context(a.organization, user=a.user):
        header, rows = items_file(a.organization)
    with tenant_context(b.organization, user=b.user):
        ctx = context(b.organization, b)
        apply_rows(ctx, "items", by_labels(ENTITIES["items"], header, rows))
        assert {r.outcome for r in apply_rows(ctx, "items", by_labels(ENTITIES["items"], header, rows))} == {UNCHANGED}
        assert items_file(b.organization) == (header, rows)


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def sheets(membership: Any, key: str) -> dict[str, list[list[str]]]:
    query = Query(organization=membership.organization, membership=membership, params=QueryDict(""))
    with tenant_context(membership.organization, user=membership.user):
        content = xlsx_file(EXPORTS[key], query).read()
    workbook = load_workbook(io.BytesIO(content))
    return {sheet.title: [[cell(c.value) for c in row] for row in sheet.iter_rows()] for sheet in workbook.worksheets}


# the orders sheet's columns an order line's row takes (the lines sheet's own ETD, ETA and Status are the line's)
ORDER_COLUMNS = {
    "Buyer": "buyer_name",
    "Merchandiser": "merchandiser",
    "Type": "order_type",
    "Status": "order_status",
    "Stage": "stage",
    "Order date": "order_date",
    "ETD": "order_etd",
    "ETA": "order_eta",
}


def order_line_rows(book: dict[str, list[list[str]]]) -> list[dict[str, str]]:
    """The workbook's lines, each with its order's columns from the orders sheet (joined on the order number)."""
    orders_header, *orders = book["Orders"]
    lines_header, *lines = book["Lines"]
    by_number = {row[0]: dict(zip(orders_header, row, strict=True)) for row in orders}
    rows = []
    for mapped, line in zip(by_labels(ENTITIES["orders"], lines_header, lines), lines, strict=True):
        order = by_number[line[0]]
        rows.append({**mapped, **{field: order[header] for header, field in ORDER_COLUMNS.items()}})
    return rows


def without_numbers(book: dict[str, list[list[str]]]) -> dict[str, list[list[str]]]:
    """The sheets without their first column (the order number B allocates itself), rows sorted."""
    return {title: [rows[0][1:], *sorted(row[1:] for row in rows[1:])] for title, rows in book.items()}


@pytest.mark.django_db
def test_orders_with_lines_round_trip(orgs):
    a, b = orgs
    partners_in(a.organization)
    partners_in(b.organization)
    organization = a.organization
    unit = UnitOfMeasure.objects.get(organization=organization, code="m")
    nordic = Customer.objects.get(organization=organization, code="NORD")
    bay = Customer.objects.get(organization=organization, code="BAY")
    mill = Supplier.objects.get(organization=organization, code="ARV")
    first = OrderFactory(
        organization=organization,
        customer=nordic,
        po_number="4711",
        buyer_name="Eva",
        currency="USD",
        order_date=dt.date(2026, 11, 1),
        etd=dt.date(2026, 12, 20),
        stage="sampling",
    )
    tee = StyleFactory(organization=organization, order=first, style_number="TEE-100", description="Crew tee")
    polo = StyleFactory(organization=organization, order=first, style_number="POLO-7", position=1)
    for style, colour, quantity in ((tee, "NAVY", "1000"), (tee, "WHITE", "500.5"), (polo, "BLACK", "250")):
        LineFactory(
            organization=organization,
            style=style,
            colour_code=colour,
            colour_name=colour.title(),
            quantity=D(quantity),
            unit=unit,
            selling_price=D("4.25"),
            supplier=mill,
            mill_price=D("3.10"),
            commission_per_unit=D("0.15"),
            etd=dt.date(2026, 12, 15),
            cad_code="C1" if colour == "BLACK" else "",
        )
    second = OrderFactory(
        organization=organization,
        customer=bay,
        po_number="B-9",
        currency="GBP",
        order_date=dt.date(2026, 10, 5),
        order_type="local",
    )
    LineFactory(
        organization=organization,
        style=StyleFactory(organization=organization, order=second, style_number="JKT"),
        colour_code="OLIVE",
        quantity=D("80"),
        unit=unit,
        selling_price=None,
    )

    book_a = sheets(a, "orders-with-lines")
    with tenant_context(b.organization, user=b.user):
        ctx = context(b.organization, b)
        rows = order_line_rows(book_a)
        apply_rows(ctx, "orders", rows)
        assert {r.outcome for r in apply_rows(ctx, "orders", rows)} == {UNCHANGED}
    book_b = sheets(b, "orders-with-lines")
    assert len(book_a["Lines"]) == 5
    assert without_numbers(book_b) == without_numbers(book_a)


@pytest.mark.django_db
def test_purchase_orders_round_trip(orgs):
    a, b = orgs
    partners_in(a.organization)
    partners_in(b.organization)
    organization = a.organization
    # A numbers its POs its own way (as a source system would): B's numbers never read as A's
    organization.settings = {"numbering": {"purchase_order": "A-PO-{n:05d}"}}
    organization.save(update_fields=["settings"])
    mill = Supplier.objects.get(organization=organization, code="ARV")
    vendor = Supplier.objects.get(organization=organization, code="ZHE")
    nordic = Customer.objects.get(organization=organization, code="NORD")
    unit = UnitOfMeasure.objects.get(organization=organization, code="kg")
    with tenant_context(organization, user=a.user):
        purchase_order_create(
            organization=organization,
            by=a,
            data={
                "supplier": mill,
                "customer": nordic,
                "currency": "USD",
                "po_date": dt.date(2026, 11, 20),
                "due_date": dt.date(2026, 12, 10),
                "tax_rate": D("5"),
            },
            lines=[
                {
                    "material_code": "YRN-30",
                    "material_name": "Cotton yarn 30/1",
                    "quantity": D("100"),
                    "unit": unit,
                    "unit_price": D("4.25"),
                },
                {
                    "material_code": "YRN-40",
                    "material_name": "Cotton yarn 40/1",
                    "quantity": D("40.5"),
                    "unit": unit,
                    "unit_price": D("5.10"),
                },
            ],
        )
        purchase_order_create(
            organization=organization,
            by=a,
            data={"supplier": vendor, "currency": "EUR", "po_date": dt.date(2026, 11, 1)},
            lines=[{"material_name": "Buttons 18L", "quantity": D("5000"), "unit": unit, "unit_price": D("0.02")}],
        )
        header, rows = export_csv(organization, a, "purchase-orders")
        lines = {
            number: list(
                PurchaseOrderLine.objects.filter(purchase_order__number=number)
                .select_related("purchase_order", "unit")
                .order_by("position")
            )
            for number in (row[0] for row in rows)
        }
    # the PO list has no lines nor tax rate: each PO's row repeated per line, with those columns beside it
    entity = ENTITIES["purchase_orders"]
    line_header = [
        entity.field(n).label for n in ("tax_rate", "material_code", "material_name", "quantity", "unit", "unit_price")
    ]
    file_rows = [
        [
            *row,
            str(x.purchase_order.tax_rate),
            x.material_code,
            x.material_name,
            str(x.quantity),
            x.unit.code,
            str(x.unit_price),
        ]
        for row in rows
        for x in lines[row[0]]
    ]
    with tenant_context(b.organization, user=b.user):
        ctx = context(b.organization, b)
        mapped = by_labels(entity, [*header, *line_header], file_rows)
        apply_rows(ctx, "purchase_orders", mapped)
        assert {r.outcome for r in apply_rows(ctx, "purchase_orders", mapped)} == {UNCHANGED}
        header_b, rows_b = export_csv(b.organization, b, "purchase-orders")
    assert header_b == header
    assert sorted(r[1:] for r in rows_b) == sorted(r[1:] for r in rows)
    assert len(rows_b) == 2
