"""The demo's inventory: two warehouses (an own store and one at a mill) with opening stock, once."""

from __future__ import annotations

import pytest

from tradeloom.core.context import tenant_context
from tradeloom.demo.data import demo_inventory_create, demo_master_data_create
from tradeloom.inventory.models import StockBalance, StockMove, Warehouse


@pytest.mark.django_db
def test_demo_inventory_is_made_once(org, owner):
    with tenant_context(org):
        demo_master_data_create(organization=org, by=owner)
        demo_inventory_create(organization=org, by=owner)
        demo_inventory_create(organization=org, by=owner)
        warehouses = {w.code: w for w in Warehouse.objects.filter(organization=org)}
        assert set(warehouses) == {"MAIN", "SQT-MILL"}
        assert warehouses["SQT-MILL"].kind == "at_mill"
        assert warehouses["SQT-MILL"].supplier is not None
        moves = StockMove.objects.filter(organization=org)
        assert moves.count() == 5
        assert set(moves.values_list("kind", flat=True)) == {"adjustment"}
        assert StockBalance.objects.filter(organization=org, quantity__gt=0).count() == 5
