"""Each list's export is its list page's rows for the same query string: the same rows, every page, in order."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from tradeloom.exports.registry import EXPORTS, main_list
from tradeloom.exports.tests.conftest import csv_rows, xlsx_sheets
from tradeloom.inventory.tests.factories import WarehouseFactory, stock_move_make
from tradeloom.invoicing.tests.factories import InvoiceFactory
from tradeloom.lcs.tests.factories import LetterOfCreditFactory
from tradeloom.logistics.tests.factories import ShipmentFactory
from tradeloom.partners.tests.factories import CustomerFactory, SupplierFactory
from tradeloom.purchasing.tests.factories import PurchaseOrderFactory
from tradeloom.sales.tests.factories import LineFactory, OrderFactory, StyleFactory

pytestmark = pytest.mark.django_db


def _orders(org: Any) -> dict[str, str]:
    mine, theirs = CustomerFactory(organization=org), CustomerFactory(organization=org)
    for index in range(3):
        order = OrderFactory(organization=org, customer=mine)
        style = StyleFactory(organization=org, order=order)
        for colour in range(index + 1):
            LineFactory(organization=org, style=style, colour_code=f"C{index}-{colour}", position=colour)
    LineFactory(
        organization=org, style=StyleFactory(organization=org, order=OrderFactory(organization=org, customer=theirs))
    )
    return {"customer": str(mine.pk)}


def _purchase_orders(org: Any) -> dict[str, str]:
    mill = SupplierFactory(organization=org)
    for _ in range(3):
        PurchaseOrderFactory(organization=org, supplier=mill)
    PurchaseOrderFactory(organization=org)
    return {"supplier": str(mill.pk)}


def _by_customer(factory: Any) -> Any:
    def make(org: Any) -> dict[str, str]:
        buyer = CustomerFactory(organization=org)
        for _ in range(3):
            factory(organization=org, customer=buyer)
        factory(organization=org)
        return {"customer": str(buyer.pk)}

    return make


def _customers(org: Any) -> dict[str, str]:
    for index in range(3):
        CustomerFactory(organization=org, country="BD", legal_name=f"Dhaka Buyer {index}")
    CustomerFactory(organization=org, country="SE")
    return {"country": "BD"}


def _suppliers(org: Any) -> dict[str, str]:
    for _ in range(3):
        SupplierFactory(organization=org, kind="vendor")
    SupplierFactory(organization=org, kind="mill")
    return {"kind": "vendor"}


def _stock(org: Any) -> dict[str, str]:
    main, other = WarehouseFactory(organization=org), WarehouseFactory(organization=org)
    for quantity in (5, 7, 9):
        stock_move_make(org, warehouse=main, quantity=Decimal(quantity))
    stock_move_make(org, warehouse=other)
    return {"warehouse": str(main.pk)}


# list → how to make rows (returns the filter), how the page's row and the export's row name one row
CASES: dict[str, tuple[Any, Any, Any]] = {
    "orders": (_orders, lambda row: row.number, lambda row: row["Order"]),
    "purchase-orders": (_purchase_orders, lambda row: row.number, lambda row: row["Purchase order"]),
    "shipments": (_by_customer(ShipmentFactory), lambda row: row.number, lambda row: row["Shipment"]),
    "invoices": (_by_customer(InvoiceFactory), lambda row: row.number, lambda row: row["Invoice"]),
    "letters-of-credit": (_by_customer(LetterOfCreditFactory), lambda row: row.number, lambda row: row["LC"]),
    "customers": (_customers, lambda row: row.code, lambda row: row["Code"]),
    "suppliers": (_suppliers, lambda row: row.code, lambda row: row["Code"]),
    "stock": (
        _stock,
        lambda row: (row.item.code, row.warehouse.code),
        lambda row: (row["Item"], row["Warehouse"]),
    ),
}


def test_every_built_in_list_is_tested_here():
    # the T&A sheets have no list page of their own (the calendar's): test_tna_workbook.py
    tna = {"tna-plans", "tna-milestones", "tna-workbook"}
    assert set(EXPORTS.keys()) - {"order-lines", "orders-with-lines", *tna} == set(CASES)


@pytest.mark.parametrize("key", list(CASES))
@pytest.mark.parametrize("sort", ["", "oldest"])
def test_the_export_has_the_lists_rows_for_a_filter_in_its_order(key, sort, org, web):
    make, page_key, export_key = CASES[key]
    # given rows the filter chooses, and one it leaves out
    params = make(org)
    export = EXPORTS[key]
    sorts = [s.key for s in main_list(export).sorts]
    if sort and sort not in sorts:
        sort = sorts[-1]
    if sort:
        params["sort"] = sort
    # when the list page and the export are asked the same query string
    page = web.get(reverse(export.list_url_name, kwargs={"org_slug": org.slug}), params)
    shown = [page_key(row) for row in page.context["page"].rows]
    exported = web.get(reverse(f"exports:{key}-csv", kwargs={"org_slug": org.slug}), params)
    # then the export has the page's rows, in its order (every page of them: the page has fewer than 25)
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("text/csv")
    assert exported["Content-Disposition"].startswith(f'attachment; filename="{export.filename}-')
    rows = csv_rows(exported)
    assert [export_key(row) for row in rows] == shown
    assert len(shown) == 3
    # and the XLSX has them too
    workbook = web.get(reverse(f"exports:{key}-xlsx", kwargs={"org_slug": org.slug}), params)
    (sheet,) = xlsx_sheets(workbook).values()
    header = [cell.value for cell in sheet[0]]
    as_dicts = [dict(zip(header, [c.value for c in row], strict=True)) for row in sheet[1:]]
    assert [export_key(row) for row in as_dicts] == shown


def test_order_lines_are_the_lines_of_the_filtered_orders_in_the_lists_order(org, web):
    params = _orders(org)
    page = web.get(f"/o/{org.slug}/orders/", params)
    orders = [row.number for row in page.context["page"].rows]
    rows = csv_rows(web.get(f"/o/{org.slug}/exports/order-lines.csv", params))
    # every line of the three orders (1 + 2 + 3), order by order as the list has them, each order's lines in order
    assert len(rows) == 6
    assert list(dict.fromkeys(row["Order"] for row in rows)) == orders
    first = [row["Colour"] for row in rows if row["Order"] == orders[0]]
    assert first == sorted(first)
    assert {row["Quantity"] for row in rows} == {"1000.000"}
    assert {row["Value"] for row in rows} == {"4250.00"}  # 1000 x 4.25, in the order's currency
    assert {row["Currency"] for row in rows} == {"USD"}


def test_the_orders_with_lines_workbook_has_both_sheets(org, web):
    params = _orders(org)
    response = web.get(f"/o/{org.slug}/exports/orders-with-lines.xlsx", params)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheets = xlsx_sheets(response)
    assert list(sheets) == ["Orders", "Lines"]
    assert len(sheets["Orders"]) == 1 + 3
    assert len(sheets["Lines"]) == 1 + 6
    header = [cell.value for cell in sheets["Orders"][0]]
    value = sheets["Orders"][1][header.index("Value")]
    assert value.data_type == "n"
    assert value.value == 4250 or value.value > 0
    assert '"USD"' in value.number_format  # money with its currency
    etd_column = header.index("Order date")
    assert sheets["Orders"][1][etd_column].is_date  # dates as dates


def test_a_csv_only_list_has_no_workbook_route_and_the_workbook_no_csv(org, web):
    assert web.get(f"/o/{org.slug}/exports/orders-with-lines.csv").status_code == 404


def test_refused_filters_go_back_to_the_list_which_shows_them(org, web):
    response = web.get(f"/o/{org.slug}/exports/orders.csv", {"etd_from": "not a date"})
    assert response.status_code == 302
    assert response["Location"] == f"/o/{org.slug}/orders/?etd_from=not+a+date"


def test_every_row_is_there_when_chunks_end_on_empty_sort_values(org, web, monkeypatch):
    from tradeloom.exports import writers

    # given invoices sorted by due date, some without one (drafts), and chunks of two rows
    monkeypatch.setattr(writers, "CHUNK", 2)
    buyer = CustomerFactory(organization=org)
    numbers = [InvoiceFactory(organization=org, customer=buyer, due_date=None).number for _ in range(3)]
    numbers += [InvoiceFactory(organization=org, customer=buyer).number for _ in range(2)]
    # when they are exported in the list's "due soonest" order
    page = web.get(f"/o/{org.slug}/invoices/", {"sort": "due"})
    rows = csv_rows(web.get(f"/o/{org.slug}/exports/invoices.csv", {"sort": "due"}))
    # then every invoice is there once, in the list's order
    assert sorted(row["Invoice"] for row in rows) == sorted(numbers)
    assert [row["Invoice"] for row in rows] == [row.number for row in page.context["page"].rows]
