"""Inventory pages: stock on hand (filters, totals, budget), the stock ledger, an item's ledger with the balance
after each move, the transfer and adjustment forms (errors next to their fields), the warehouse a shipment ships
from, the warehouses' pages, the navigation; viewers read and are refused every write; another organisation's ids
are 404."""

from __future__ import annotations

import uuid
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client

from tradeloom.core.context import tenant_context
from tradeloom.inventory import services
from tradeloom.inventory.models import ShipmentWarehouse, StockBalance, StockMove
from tradeloom.inventory.tests.factories import WarehouseFactory
from tradeloom.logistics.tests.factories import ShipmentFactory
from tradeloom.testing.budgets import budget

D = Decimal


def client_for(membership):
    client = Client()
    client.force_login(membership.user)
    return client


def html(response):
    assert response.status_code == 200, response.status_code
    return unescape(response.content.decode())


def _receive(s, quantity, cost, item=None, warehouse=None):
    item = item or s.fabric
    return services.stock_receive(
        organization=s.org, by=s.owner, warehouse=warehouse or s.store, item=item, quantity=D(quantity),
        unit=item.unit, unit_cost=D(cost), source_type="purchasing.receiptline", source_id=uuid.uuid4(),
        reference="PO-000012 · GRN 3",
    )  # fmt: skip


@pytest.fixture
def web(stock):
    stock.as_manager = client_for(stock.manager)
    stock.as_viewer = client_for(stock.viewer)
    stock.base = f"/o/{stock.org.slug}"
    return stock


@pytest.mark.django_db
def test_stock_on_hand_with_totals_and_filters(web, django_assert_max_num_queries):
    s = web
    _receive(s, "1250", "4.85")
    _receive(s, "30", "4.00", item=s.yarn)
    _receive(s, "20", "5.00", warehouse=s.mill)
    with django_assert_max_num_queries(budget("web.stock")):
        page = html(s.as_viewer.get(f"{s.base}/stock/"))
    assert "Stock on hand" in page
    assert "SJ-160" in page and "YRN-30" in page  # noqa: PT018
    assert "6,062.50" in page  # 1,250 m x 4.85
    assert "6,282.50" in page  # the total value: 6,062.50 + 120 + 100
    assert "On hand in m" in page and "1,270" in page  # noqa: PT018
    assert "Adjust stock" not in page  # a viewer
    filtered = html(s.as_viewer.get(f"{s.base}/stock/", {"warehouse": str(s.mill.pk)}))
    assert "100.00" in filtered
    assert "6,062.50" not in filtered
    for _ in range(5):
        from tradeloom.catalog.tests.factories import ItemFactory

        _receive(s, "1", "1", item=ItemFactory(organization=s.org, unit=s.m))
    with django_assert_max_num_queries(budget("web.stock")):
        html(s.as_viewer.get(f"{s.base}/stock/"))


@pytest.mark.django_db
def test_the_ledger_and_an_items_ledger(web, django_assert_max_num_queries):
    s = web
    _receive(s, "100", "2")
    services.stock_issue(
        organization=s.org, by=s.owner, warehouse=s.store, item=s.fabric, quantity=D(10), unit=s.yd,
        source_type="sales.line", source_id=uuid.uuid4(), reference="SO-000007",
    )  # fmt: skip
    _receive(s, "5", "3", warehouse=s.mill)
    with django_assert_max_num_queries(budget("web.stock.moves")):
        page = html(s.as_viewer.get(f"{s.base}/stock/moves/"))
    assert "SO-000007" in page and "given 10 yd" in page  # noqa: PT018
    with django_assert_max_num_queries(budget("web.stock.item_ledger")):
        ledger = html(s.as_viewer.get(f"{s.base}/stock/items/{s.fabric.pk}/"))
    assert "90.856 m" in ledger  # the balance after the issue
    assert "95.856 m" in ledger  # the total over both warehouses
    assert "PO-000012 · GRN 3" in ledger
    only_mill = html(s.as_viewer.get(f"{s.base}/stock/items/{s.fabric.pk}/", {"warehouse": str(s.mill.pk)}))
    assert "SO-000007" not in only_mill


@pytest.mark.django_db
def test_the_transfer_form(web, django_assert_max_num_queries):
    s = web
    _receive(s, "100", "2")
    with django_assert_max_num_queries(budget("web.stock.transfer")):
        form = html(s.as_manager.get(f"{s.base}/stock/transfer/", {"item": str(s.fabric.pk)}))
    assert "Transfer stock" in form
    data = {"item": s.fabric.pk, "from_warehouse": s.store.pk, "to_warehouse": s.mill.pk, "quantity": "150",
            "unit": s.m.pk}  # fmt: skip
    refused = html(s.as_manager.post(f"{s.base}/stock/transfer/", data))
    assert "Only 100 m on hand." in refused
    assert not StockMove.objects.filter(kind="transfer_out").exists()
    data["quantity"] = "40"
    done = s.as_manager.post(f"{s.base}/stock/transfer/", data)
    assert done.status_code == 302
    assert done["Location"] == f"{s.base}/stock/items/{s.fabric.pk}/"
    assert StockBalance.objects.get(warehouse=s.mill, item=s.fabric).quantity == D(40)


@pytest.mark.django_db
def test_the_adjustment_form(web):
    s = web
    data = {"item": s.fabric.pk, "warehouse": s.store.pk, "quantity": "12.5", "unit": s.yd.pk, "unit_cost": "3",
            "reason": "Opening stock"}  # fmt: skip
    done = s.as_manager.post(f"{s.base}/stock/adjust/", data)
    assert done.status_code == 302
    move = StockMove.objects.get()
    assert (move.quantity, move.value, move.reason) == (D("11.430"), D("37.50"), "Opening stock")
    wrong = html(s.as_manager.post(f"{s.base}/stock/adjust/", {**data, "unit": s.kg.pk}))
    assert "measures something else" in wrong
    no_reason = html(s.as_manager.post(f"{s.base}/stock/adjust/", {**data, "reason": ""}))
    assert "This field is required." in no_reason
    assert StockMove.objects.count() == 1
    prefilled = html(s.as_manager.get(f"{s.base}/stock/adjust/", {"warehouse": str(s.mill.pk)}))
    assert f'value="{s.mill.pk}" selected' in prefilled


@pytest.mark.django_db
def test_the_shipment_warehouse_page(web, django_assert_max_num_queries):
    s = web
    shipment = ShipmentFactory(organization=s.org, number="SH-000040")
    url = f"{s.base}/shipments/{shipment.pk}/warehouse/"
    with django_assert_max_num_queries(budget("web.shipments.warehouse")):
        page = html(s.as_manager.get(url))
    assert "SH-000040 ships from" in page
    done = s.as_manager.post(url, {"warehouse": s.store.pk})
    assert done.status_code == 302
    assert ShipmentWarehouse.objects.get(shipment=shipment).warehouse == s.store
    assert "MAIN" in html(s.as_viewer.get(url))
    assert s.as_viewer.post(url, {"warehouse": ""}).status_code == 403
    shipment_page = html(s.as_manager.get(f"{s.base}/shipments/{shipment.pk}/"))
    assert "Ships from warehouse" in shipment_page


@pytest.mark.django_db
def test_the_warehouse_pages(web, django_assert_max_num_queries):
    s = web
    _receive(s, "100", "2")
    with django_assert_max_num_queries(budget("web.warehouses.list")):
        page = html(s.as_viewer.get(f"{s.base}/warehouses/"))
    assert "Main store" in page and "At Sunrise Mills" in page  # noqa: PT018
    with django_assert_max_num_queries(budget("web.warehouses.detail")):
        detail = html(s.as_viewer.get(f"{s.base}/warehouses/{s.store.pk}/"))
    assert "Stock on hand" in detail and "100 m · USD 200.00" in detail  # noqa: PT018
    created = s.as_manager.post(
        f"{s.base}/warehouses/new/", {"code": "TRANSIT", "name": "On the water", "kind": "in_transit"}
    )
    assert created.status_code == 302


@pytest.mark.django_db
def test_navigation_and_capabilities(web):
    s = web
    dashboard = html(s.as_viewer.get(f"{s.base}/"))
    assert "Stock on hand" in dashboard and "Stock ledger" in dashboard  # noqa: PT018
    for path in ("/stock/transfer/", "/stock/adjust/", "/warehouses/new/"):
        assert s.as_viewer.get(f"{s.base}{path}").status_code == 403


@pytest.mark.django_db
def test_another_organisations_ids_are_404(web, other_org):
    s = web
    from tradeloom.catalog.tests.factories import ItemFactory

    with tenant_context(other_org):
        item = ItemFactory(organization=other_org)
        shipment = ShipmentFactory(organization=other_org)
        warehouse = WarehouseFactory(organization=other_org)
    assert s.as_manager.get(f"{s.base}/stock/items/{item.pk}/").status_code == 404
    assert s.as_manager.get(f"{s.base}/shipments/{shipment.pk}/warehouse/").status_code == 404
    assert s.as_manager.get(f"{s.base}/warehouses/{warehouse.pk}/").status_code == 404
    answer = s.as_manager.post(
        f"{s.base}/stock/adjust/",
        {"item": s.fabric.pk, "warehouse": warehouse.pk, "quantity": "1", "unit": s.m.pk, "reason": "x"},
    )
    assert answer.status_code == 200  # the form again: not one of the choices
    assert not StockMove.objects.exists()
