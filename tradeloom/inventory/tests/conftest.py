from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from tradeloom.catalog.models import Item, UnitOfMeasure
from tradeloom.catalog.tests.factories import ItemFactory
from tradeloom.core.context import tenant_context
from tradeloom.inventory.models import Warehouse
from tradeloom.inventory.tests.factories import WarehouseFactory
from tradeloom.tenancy.roles import Role


def unit_of(org: Any, code: str, dimension: str, factor: str) -> UnitOfMeasure:
    found = UnitOfMeasure.objects.filter(organization=org, code=code).first()
    if found is not None:
        return found
    return UnitOfMeasure.objects.create(
        organization=org, code=code, name=code, dimension=dimension, factor=Decimal(factor)
    )


@dataclass
class Stock:
    org: Any
    owner: Any
    manager: Any
    viewer: Any
    m: UnitOfMeasure
    yd: UnitOfMeasure
    kg: UnitOfMeasure
    lb: UnitOfMeasure
    fabric: Item  # kept in m
    yarn: Item  # kept in kg
    store: Warehouse
    mill: Warehouse


@pytest.fixture
def stock(org, member):
    """An organisation (base USD) with an owner, a manager and a viewer, units m, yd, kg and lb, a fabric kept in m,
    a yarn kept in kg, an own store and a warehouse at a mill; the tenant context set."""
    with tenant_context(org):
        m = unit_of(org, "m", "length", "1")
        kg = unit_of(org, "kg", "mass", "1")
        yield Stock(
            org=org,
            owner=member(Role.OWNER),
            manager=member(Role.MANAGER),
            viewer=member(Role.VIEWER),
            m=m,
            yd=unit_of(org, "yd", "length", "0.9144"),
            kg=kg,
            lb=unit_of(org, "lb", "mass", "0.45359237"),
            fabric=ItemFactory(organization=org, code="SJ-160", name="Single jersey 160", unit=m),
            yarn=ItemFactory(organization=org, code="YRN-30", name="Cotton yarn 30s", unit=kg, kind="yarn"),
            store=WarehouseFactory(organization=org, code="MAIN", name="Main store"),
            mill=WarehouseFactory(organization=org, code="MILL", name="At Sunrise Mills", kind="at_mill"),
        )
