"""Factories for inventory: warehouses, a stock move (made through the services, with its balance) and the warehouse
a shipment ships from, each in its organisation; and the objects the inventory URLs name (``stock_move_id``,
``item_id``) for the walls tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory

from tradeloom.catalog.tests.factories import ItemFactory
from tradeloom.core.context import tenant_context
from tradeloom.inventory.models import ShipmentWarehouse, StockBalance, StockMove, Warehouse
from tradeloom.logistics.tests.factories import ShipmentFactory
from tradeloom.tenancy.models import Membership
from tradeloom.tenancy.roles import Role
from tradeloom.tenancy.tests.factories import SAME_ORG, MembershipFactory, OrganizationFactory, TenantFactory
from tradeloom.testing.walls import register_factory, register_url_object


class WarehouseFactory(TenantFactory[Warehouse]):
    class Meta:
        model = Warehouse

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"WH{n:03d}")
    name = factory.Sequence(lambda n: f"Store {n}")
    kind = Warehouse.Kind.OWN_STORE


class ShipmentWarehouseFactory(TenantFactory[ShipmentWarehouse]):
    class Meta:
        model = ShipmentWarehouse

    organization = factory.SubFactory(OrganizationFactory)
    shipment = factory.SubFactory(ShipmentFactory, organization=SAME_ORG)
    warehouse = factory.SubFactory(WarehouseFactory, organization=SAME_ORG)


def _owner(organization: Any) -> Membership:
    found = Membership.objects.filter(organization=organization, role=Role.OWNER).first()
    return found or MembershipFactory(organization=organization, role=Role.OWNER)


def stock_move_make(
    organization: Any = None,
    *,
    warehouse: Warehouse | None = None,
    item: Any = None,
    quantity: Decimal = Decimal(10),
    unit_cost: Decimal = Decimal("2.50"),
    **_: Any,
) -> StockMove:
    """A receipt of ``quantity`` of ``item`` into ``warehouse`` (made when not given), through the service."""
    from tradeloom.inventory.services import stock_adjust

    organization = organization or OrganizationFactory()
    with tenant_context(organization):
        warehouse = warehouse or WarehouseFactory.create(organization=organization)
        item = item or ItemFactory(organization=organization)
        return stock_adjust(
            organization=organization,
            by=_owner(organization),
            warehouse=warehouse,
            item=item,
            quantity=quantity,
            unit=item.unit,
            unit_cost=unit_cost,
            reason="Opening stock",
        )


def stock_balance_make(organization: Any = None, **kwargs: Any) -> StockBalance:
    move = stock_move_make(organization, **kwargs)
    with tenant_context(move.organization_id):
        return StockBalance.objects.get(pk=move.balance_id)


register_factory(Warehouse, WarehouseFactory)
register_factory(ShipmentWarehouse, ShipmentWarehouseFactory)
register_factory(StockMove, stock_move_make)
register_factory(StockBalance, stock_balance_make)
register_url_object("stock_move_id", lambda org: stock_move_make(org))
register_url_object("item_id", lambda org: ItemFactory(organization=org))
