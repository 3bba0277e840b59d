"""The inventory API: warehouses as a standard record resource; balances and moves in keyset pages with their
filters; transfer, adjustment and reversal as actions with their problem codes; the shipment's warehouse; another
organisation's ids (404), capabilities (403) and query budgets."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from tradeloom.catalog.tests.factories import ItemFactory
from tradeloom.core.context import tenant_context
from tradeloom.inventory import services
from tradeloom.inventory.models import StockMove
from tradeloom.inventory.tests.factories import WarehouseFactory, stock_move_make
from tradeloom.logistics.tests.factories import ShipmentFactory
from tradeloom.partners.tests.factories import SupplierFactory
from tradeloom.tenancy.roles import Role
from tradeloom.testing.budgets import budget
from tradeloom.testing.record_api import RecordApiTests

D = Decimal


class TestWarehousesApi(RecordApiTests):
    url = "warehouses"
    factory = WarehouseFactory
    audit_prefix = "warehouse"
    manage_role = Role.MANAGER
    create_data = {"code": "SQT", "name": "At Square Textiles", "kind": "at_mill", "address": "Gazipur"}
    update_data = {"name": "Square Textiles, Kaliakoir"}
    references = {"supplier": SupplierFactory}


def base(org):
    return f"/api/v1/o/{org.slug}/"


def _receive(s, quantity="100", cost="2.00", item=None, warehouse=None):
    item = item or s.fabric
    return services.stock_receive(
        organization=s.org, by=s.owner, warehouse=warehouse or s.store, item=item,
        quantity=D(quantity), unit=item.unit, unit_cost=D(cost), source_type="purchasing.receiptline",
        source_id=uuid.uuid4(), reference="PO-000012 · GRN 3",
    )  # fmt: skip


@pytest.mark.django_db
def test_a_supplier_only_for_a_warehouse_at_a_mill(stock, api_as):
    s = stock
    supplier = SupplierFactory(organization=s.org)
    answer = api_as(s.manager).post(
        f"{base(s.org)}warehouses/", {"code": "X", "name": "X", "kind": "own_store", "supplier": str(supplier.pk)},
        format="json",
    )  # fmt: skip
    assert answer.status_code == 400
    assert "supplier" in answer.json()["errors"]


@pytest.mark.django_db
def test_balances_list_with_filters_and_keyset_pages(stock, api_as, django_assert_max_num_queries):
    s = stock
    _receive(s)
    _receive(s, "30", "4.00", item=s.yarn)
    _receive(s, "5", "1.00", warehouse=s.mill)
    api = api_as(s.viewer)
    with django_assert_max_num_queries(budget("api.stock-balances.list")):
        answer = api.get(f"{base(s.org)}stock/balances/")
    assert answer.status_code == 200
    rows = answer.json()["results"]
    assert len(rows) == 3
    fabric = next(r for r in rows if r["item"]["code"] == "SJ-160" and r["warehouse"]["code"] == "MAIN")
    assert (fabric["quantity"], fabric["unit"], fabric["average_unit_cost"], fabric["value"]) == (
        "100.000", "m", "2.000000", "200.00",
    )  # fmt: skip
    by_item = api.get(f"{base(s.org)}stock/balances/", {"item": str(s.yarn.pk)}).json()["results"]
    assert [r["item"]["code"] for r in by_item] == ["YRN-30"]
    by_warehouse = api.get(f"{base(s.org)}stock/balances/", {"warehouse": str(s.mill.pk)}).json()["results"]
    assert [r["warehouse"]["code"] for r in by_warehouse] == ["MILL"]
    first = api.get(f"{base(s.org)}stock/balances/", {"limit": 2}).json()
    assert len(first["results"]) == 2
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 1
    for _ in range(6):  # more rows, the same statements
        _receive(s, item=ItemFactory(organization=s.org, unit=s.m))
    with django_assert_max_num_queries(budget("api.stock-balances.list")):
        assert len(api.get(f"{base(s.org)}stock/balances/").json()["results"]) == 9


@pytest.mark.django_db
def test_the_fast_balance_rows_are_the_documented_serializer_output(stock, api_as):
    """The list's JSON is written from ``values()`` rows; it is ``StockBalanceOutput``'s, key order included — on the
    compiled first page and on the general path, which leave out the empty balances alike."""
    import json

    from tradeloom.inventory import selectors
    from tradeloom.inventory.api.serializers import StockBalanceOutput, balance_list_rows

    s = stock
    _receive(s, "12.5", "2.125")
    _receive(s, "30", "4.00", item=s.yarn)
    moved = _receive(s, "5", "1.00", warehouse=s.mill)
    services.stock_moves_reverse(
        organization=s.org, by=s.owner, source_type=moved.source_type, source_id=moved.source_id, reason="Wrong"
    )  # the mill's balance is empty now
    with tenant_context(s.org):
        queryset = selectors.balance_list(organization=s.org).exclude(quantity=0, value=0).order_by("created_at", "id")
        documented = StockBalanceOutput(list(queryset), many=True).data
        fast = balance_list_rows(list(queryset.values(*selectors.BALANCE_COLUMNS)))
    assert json.dumps(fast) == json.dumps(documented)
    api = api_as(s.viewer)
    first_page = api.get(f"{base(s.org)}stock/balances/").json()["results"]
    general = api.get(f"{base(s.org)}stock/balances/", {"lot": ""}).json()["results"]
    assert json.loads(json.dumps(fast)) == first_page == general
    assert len(first_page) == 2
    assert len(api.get(f"{base(s.org)}stock/balances/", {"empty": "true"}).json()["results"]) == 3


@pytest.mark.django_db
def test_moves_list_and_detail(stock, api_as, django_assert_max_num_queries):
    s = stock
    move = _receive(s)
    services.stock_issue(
        organization=s.org, by=s.owner, warehouse=s.store, item=s.fabric, quantity=D(10), unit=s.yd,
        source_type="sales.line", source_id=uuid.uuid4(), reference="SO-1",
    )  # fmt: skip
    api = api_as(s.viewer)
    with django_assert_max_num_queries(budget("api.stock-moves.list")):
        rows = api.get(f"{base(s.org)}stock/moves/").json()["results"]
    assert [r["kind"] for r in rows] == ["issue", "receipt"]
    assert (rows[0]["quantity"], rows[0]["given_quantity"], rows[0]["given_unit"]) == ("-9.144", "10.000", "yd")
    assert rows[0]["quantity_after"] == "90.856"
    kinds = api.get(f"{base(s.org)}stock/moves/", {"kind": "receipt"}).json()["results"]
    assert [r["id"] for r in kinds] == [str(move.pk)]
    source = api.get(
        f"{base(s.org)}stock/moves/", {"source_type": "purchasing.receiptline", "source_id": str(move.source_id)}
    ).json()["results"]
    assert len(source) == 1
    detail = api.get(f"{base(s.org)}stock/moves/{move.pk}/")
    assert detail.status_code == 200
    assert detail.json()["reference"] == "PO-000012 · GRN 3"


@pytest.mark.django_db
def test_transfer_and_adjustment_actions(stock, api_as):
    s = stock
    _receive(s)
    api = api_as(s.manager)
    answer = api.post(
        f"{base(s.org)}stock/transfers/",
        {"from_warehouse": str(s.store.pk), "to_warehouse": str(s.mill.pk), "item": str(s.fabric.pk),
         "quantity": "25", "unit": str(s.m.pk), "reference": "to the mill"},
        format="json",
    )  # fmt: skip
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert (body["out_move"]["quantity"], body["in_move"]["quantity"]) == ("-25.000", "25.000")
    assert body["in_move"]["value"] == "50.00"
    refused = api.post(
        f"{base(s.org)}stock/transfers/",
        {"from_warehouse": str(s.mill.pk), "to_warehouse": str(s.store.pk), "item": str(s.fabric.pk),
         "quantity": "26", "unit": str(s.m.pk)},
        format="json",
    )  # fmt: skip
    assert refused.status_code == 409
    assert refused["Content-Type"].startswith("application/problem+json")
    assert refused.json()["code"] == "insufficient_stock"
    adjusted = api.post(
        f"{base(s.org)}stock/adjustments/",
        {"warehouse": str(s.store.pk), "item": str(s.fabric.pk), "quantity": "-5", "unit": str(s.m.pk),
         "reason": "Damaged in the store"},
        format="json",
    )  # fmt: skip
    assert adjusted.status_code == 201
    assert (adjusted.json()["quantity"], adjusted.json()["value"]) == ("-5.000", "-10.00")
    wrong_unit = api.post(
        f"{base(s.org)}stock/adjustments/",
        {"warehouse": str(s.store.pk), "item": str(s.fabric.pk), "quantity": "5", "unit": str(s.kg.pk),
         "reason": "count"},
        format="json",
    )  # fmt: skip
    assert wrong_unit.status_code == 400
    assert wrong_unit.json()["code"] == "incompatible_units"
    no_reason = api.post(
        f"{base(s.org)}stock/adjustments/",
        {"warehouse": str(s.store.pk), "item": str(s.fabric.pk), "quantity": "5", "unit": str(s.m.pk)},
        format="json",
    )  # fmt: skip
    assert no_reason.status_code == 400


@pytest.mark.django_db
def test_reverse_action_is_refused_the_second_time(stock, api_as):
    s = stock
    move = _receive(s)
    api = api_as(s.manager)
    answer = api.post(f"{base(s.org)}stock/moves/{move.pk}/reverse/", {"reason": "Wrong item"}, format="json")
    assert answer.status_code == 201
    assert [m["kind"] for m in answer.json()] == ["reversal"]
    again = api.post(f"{base(s.org)}stock/moves/{move.pk}/reverse/", {"reason": "Wrong item"}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_reversed"


@pytest.mark.django_db
def test_shipment_warehouse_put_and_get(stock, api_as):
    s = stock
    shipment = ShipmentFactory(organization=s.org)
    api = api_as(s.manager)
    url = f"{base(s.org)}shipments/{shipment.pk}/warehouse/"
    assert api.get(url).json()["warehouse"] is None
    answer = api.put(url, {"warehouse": str(s.store.pk)}, format="json")
    assert answer.status_code == 200
    assert answer.json()["warehouse"]["code"] == "MAIN"
    cleared = api.put(url, {"warehouse": None}, format="json")
    assert cleared.json()["warehouse"] is None


@pytest.mark.django_db
def test_another_organisations_ids_are_404(stock, other_org, api_as):
    s = stock
    with tenant_context(other_org):
        theirs = stock_move_make(other_org)
        their_shipment = ShipmentFactory(organization=other_org)
        their_warehouse = WarehouseFactory(organization=other_org)
    api = api_as(s.manager)
    assert api.get(f"{base(s.org)}stock/moves/{theirs.pk}/").status_code == 404
    assert api.post(f"{base(s.org)}stock/moves/{theirs.pk}/reverse/", {"reason": "x"}, format="json").status_code == 404
    assert api.get(f"{base(s.org)}shipments/{their_shipment.pk}/warehouse/").status_code == 404
    adjusted = api.post(
        f"{base(s.org)}stock/adjustments/",
        {"warehouse": str(their_warehouse.pk), "item": str(s.fabric.pk), "quantity": "5", "unit": str(s.m.pk),
         "reason": "count"},
        format="json",
    )  # fmt: skip
    assert adjusted.status_code == 404
    assert api.get(f"{base(s.org)}stock/balances/").json()["results"] == []
    assert not StockMove.objects.filter(organization=s.org).exists()


@pytest.mark.django_db
def test_capabilities(stock, api_as):
    s = stock
    move = _receive(s)
    viewer = api_as(s.viewer)
    assert viewer.get(f"{base(s.org)}stock/moves/").status_code == 200
    body = {"warehouse": str(s.store.pk), "item": str(s.fabric.pk), "quantity": "5", "unit": str(s.m.pk),
            "reason": "count"}  # fmt: skip
    assert viewer.post(f"{base(s.org)}stock/adjustments/", body, format="json").status_code == 403
    assert viewer.post(f"{base(s.org)}stock/transfers/", {}, format="json").status_code == 403
    assert (
        viewer.post(f"{base(s.org)}stock/moves/{move.pk}/reverse/", {"reason": "x"}, format="json").status_code == 403
    )
    shipment = ShipmentFactory(organization=s.org)
    url = f"{base(s.org)}shipments/{shipment.pk}/warehouse/"
    assert viewer.put(url, {"warehouse": None}, format="json").status_code == 403
    staff = api_as(member_of(s, Role.STAFF))
    assert staff.post(f"{base(s.org)}stock/adjustments/", body, format="json").status_code == 403


def member_of(s, role):
    from tradeloom.tenancy.tests.factories import MembershipFactory

    return MembershipFactory(organization=s.org, role=role)
