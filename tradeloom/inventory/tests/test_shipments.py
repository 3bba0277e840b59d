"""A shipment from a warehouse: choosing the warehouse while booked, its departure issuing the lines' items (in the
item's stock unit), a refusal when there is not enough stock, and its return reversing the issue — once."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from tradeloom.audit.models import AuditEvent
from tradeloom.audit.sentences import describe
from tradeloom.core.exceptions import ApplicationError
from tradeloom.inventory import services
from tradeloom.inventory.models import ShipmentWarehouse, StockBalance, StockMove
from tradeloom.logistics.models import Shipment
from tradeloom.logistics.services.transitions import shipment_move
from tradeloom.logistics.tests.factories import ShipmentFactory, ShipmentLineFactory

D = Decimal


def _shipment(s, *, with_item_less_line: bool = True) -> Shipment:
    shipment = ShipmentFactory(organization=s.org, number="SH-000031")
    for item, unit, quantity in ((s.fabric, s.yd, D(100)), (s.yarn, s.kg, D("12.5"))):
        row = ShipmentLineFactory(
            organization=s.org, shipment=shipment, quantity=quantity, line__item=item, line__unit=unit
        )
        row.line.shipped_quantity = quantity
        row.line.save(update_fields=["shipped_quantity"])
    if with_item_less_line:
        row = ShipmentLineFactory(organization=s.org, shipment=shipment, quantity=D(5), line__item=None)
        row.line.shipped_quantity = D(5)
        row.line.save(update_fields=["shipped_quantity"])
    return shipment


def _stock_up(s) -> None:
    for item, unit, quantity, cost in ((s.fabric, s.m, D(200), D(2)), (s.yarn, s.kg, D(50), D(4))):
        services.stock_receive(
            organization=s.org, by=s.owner, warehouse=s.store, item=item, quantity=quantity, unit=unit,
            unit_cost=cost, source_type="purchasing.receiptline", source_id=uuid.uuid4(), reference="GRN",
        )  # fmt: skip


def _on_hand(s, item):
    return StockBalance.objects.get(organization=s.org, warehouse=s.store, item=item, lot="")


@pytest.mark.django_db
def test_departure_issues_the_lines_items_and_a_return_reverses_it(stock):
    s = stock
    _stock_up(s)
    shipment = _shipment(s)
    services.shipment_warehouse_set(organization=s.org, by=s.manager, shipment=shipment, warehouse=s.store)
    shipment_move(shipment=shipment, action="depart", by=s.manager)
    moves = list(StockMove.objects.filter(source_type="logistics.shipment", source_id=shipment.pk).order_by("id"))
    assert [(m.kind, m.item_id, m.quantity, m.value) for m in moves] == [
        ("issue", s.fabric.pk, D("-91.440"), D("-182.88")),  # 100 yd
        ("issue", s.yarn.pk, D("-12.500"), D("-50.00")),
    ]
    assert moves[0].reference == "Shipment SH-000031"
    assert _on_hand(s, s.fabric).quantity == D("108.560")
    # a second departure event (a replay) issues nothing more
    services.shipment_stock_issue(shipment=Shipment.objects.get(pk=shipment.pk), lines=[], by=s.manager)
    assert StockMove.objects.filter(source_id=shipment.pk).count() == 2
    shipment_move(shipment=Shipment.objects.get(pk=shipment.pk), action="return", by=s.manager, reason="Refused")
    assert _on_hand(s, s.fabric).quantity == D("200.000")
    assert _on_hand(s, s.yarn).value == D("200.00")
    reversals = StockMove.objects.filter(source_id=shipment.pk, kind="reversal")
    assert reversals.count() == 2
    assert reversals.first().reason == "Shipment SH-000031 returned: Refused"
    # reversed once only
    services.shipment_stock_reverse(shipment=Shipment.objects.get(pk=shipment.pk), by=s.manager)
    assert StockMove.objects.filter(source_id=shipment.pk).count() == 4


@pytest.mark.django_db
def test_a_departure_without_enough_stock_is_refused(stock):
    s = stock
    shipment = _shipment(s)
    services.shipment_warehouse_set(organization=s.org, by=s.manager, shipment=shipment, warehouse=s.store)
    with pytest.raises(ApplicationError) as refused:
        shipment_move(shipment=shipment, action="depart", by=s.manager)
    assert refused.value.code == "insufficient_stock"
    assert Shipment.objects.get(pk=shipment.pk).status == "booked"
    assert not StockMove.objects.exists()


@pytest.mark.django_db
def test_a_shipment_without_a_warehouse_moves_no_stock(stock):
    s = stock
    shipment = _shipment(s)
    shipment_move(shipment=shipment, action="depart", by=s.manager)
    assert not StockMove.objects.exists()
    cancelled = ShipmentFactory(organization=s.org)
    shipment_move(shipment=cancelled, action="cancel", by=s.manager, reason="Buyer cancelled")
    assert not StockMove.objects.exists()


@pytest.mark.django_db
def test_the_warehouse_is_chosen_while_booked_and_audited(stock):
    s = stock
    _stock_up(s)
    shipment = _shipment(s)
    set_ = services.shipment_warehouse_set
    set_(organization=s.org, by=s.manager, shipment=shipment, warehouse=s.mill)
    set_(organization=s.org, by=s.manager, shipment=shipment, warehouse=s.store)
    assert ShipmentWarehouse.objects.get(shipment=shipment).warehouse == s.store
    set_(organization=s.org, by=s.manager, shipment=shipment, warehouse=None)
    assert not ShipmentWarehouse.objects.filter(shipment=shipment).exists()
    set_(organization=s.org, by=s.manager, shipment=shipment, warehouse=s.store)
    shipment_move(shipment=shipment, action="depart", by=s.manager)
    with pytest.raises(ApplicationError) as refused:
        set_(organization=s.org, by=s.manager, shipment=Shipment.objects.get(pk=shipment.pk), warehouse=s.mill)
    assert refused.value.code == "invalid_transition"
    events = list(AuditEvent.objects.filter(action="shipment_warehouse.set").order_by("created_at", "id"))
    assert len(events) == 4
    texts = [d.text for d in describe(events)]
    assert "set SH-000031 to ship from MILL" in texts[0]
