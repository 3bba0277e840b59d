"""Items and opening stock."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tradeloom.catalog.models import Item, UnitOfMeasure
from tradeloom.catalog.tests.factories import ItemFactory, UnitFactory
from tradeloom.core.context import tenant_context
from tradeloom.imports.entities.inventory import OPENING_REASON
from tradeloom.imports.registry import CREATED, UNCHANGED, UPDATED, RowError
from tradeloom.imports.tests.entity_rows import apply, audit_count, context
from tradeloom.inventory.models import StockBalance, StockMove
from tradeloom.inventory.services.moves import stock_receive
from tradeloom.inventory.tests.factories import WarehouseFactory
from tradeloom.tenancy.roles import Role


@pytest.fixture
def ctx(org, member):
    by = member(Role.OWNER)
    UnitFactory(organization=org, code="m", name="Metre", dimension=UnitOfMeasure.Dimension.LENGTH, factor=D("1"))
    UnitFactory(organization=org, code="yd", name="Yard", dimension=UnitOfMeasure.Dimension.LENGTH, factor=D("0.9144"))
    UnitFactory(organization=org, code="kg", name="Kilogram", dimension=UnitOfMeasure.Dimension.MASS, factor=D("1"))
    with tenant_context(org, user=by.user):
        yield context(org, by)


def errors_of(call):
    with pytest.raises(RowError) as caught:
        call()
    return caught.value.errors


ITEM = {"code": "SJ-160", "name": "Single jersey 160", "kind": "Fabric", "unit": "m", "gsm": "160", "width_cm": "180"}


@pytest.mark.django_db
def test_an_item_is_created_updated_and_left_unchanged(ctx):
    assert apply(ctx, "items", **ITEM).outcome == CREATED
    item = Item.objects.get(code="SJ-160")
    assert (item.kind, item.unit.code, item.gsm, item.width_cm) == ("fabric", "m", D("160"), D("180"))
    events = audit_count()
    assert apply(ctx, "items", **{**ITEM, "code": "sj-160"}).outcome == UNCHANGED
    assert audit_count() == events
    assert apply(ctx, "items", **{**ITEM, "composition": "100% cotton"}).outcome == UPDATED
    item.refresh_from_db()
    assert (item.composition, item.version) == ("100% cotton", 2)
    assert audit_count(action="item.updated", target_id=str(item.pk)) == 1


@pytest.mark.django_db
def test_item_errors(ctx):
    assert errors_of(lambda: apply(ctx, "items", name="X")) == {"code": ["Give the item code."]}
    assert errors_of(lambda: apply(ctx, "items", code="NEW")) == {
        "name": ["Give the item's name."],
        "kind": ["Give the kind: Fabric, Yarn, Trim, Finished goods or Commodity."],
        "unit": ["Give the stock unit's code."],
    }
    assert errors_of(lambda: apply(ctx, "items", **{**ITEM, "unit": "furlong"})) == {
        "unit": ["No unit with code or name “furlong”."]
    }
    assert not Item.objects.exists()


@pytest.mark.django_db
def test_opening_stock_sets_the_balance_and_a_rerun_changes_nothing(ctx):
    item = ItemFactory(organization=ctx.organization, code="SJ-160", unit=UnitOfMeasure.objects.get(code="m"))
    WarehouseFactory(organization=ctx.organization, code="MAIN", name="Main store")
    row = {"item": "SJ-160", "warehouse": "MAIN", "quantity": "1,200.5", "unit_cost": "2.50", "date": "01/11/2026"}
    result = apply(ctx, "opening_stock", **row)
    assert result.outcome == CREATED
    balance = StockBalance.objects.get(item=item)
    assert (balance.quantity, balance.value, balance.average_unit_cost) == (D("1200.500"), D("3001.25"), D("2.5"))
    move = StockMove.objects.get(balance=balance)
    assert (move.kind, move.reason, str(move.moved_on)) == ("adjustment", OPENING_REASON, "2026-11-01")
    assert audit_count(action="stock_move.adjusted") == 1

    assert apply(ctx, "opening_stock", **row).outcome == UNCHANGED
    assert StockMove.objects.filter(balance=balance).count() == 1
    assert audit_count(action="stock_move.adjusted") == 1

    # a corrected opening figure: the difference, at the moving average
    assert apply(ctx, "opening_stock", **{**row, "quantity": "1000"}).outcome == UPDATED
    balance.refresh_from_db()
    assert balance.quantity == D("1000")
    assert StockMove.objects.filter(balance=balance).count() == 2


@pytest.mark.django_db
def test_opening_stock_in_another_unit_and_lots(ctx):
    item = ItemFactory(organization=ctx.organization, code="SJ-160", unit=UnitOfMeasure.objects.get(code="m"))
    WarehouseFactory(organization=ctx.organization, code="MAIN", name="Main store")
    apply(
        ctx,
        "opening_stock",
        item="SJ-160",
        warehouse="Main store",
        lot="L1",
        quantity="100",
        unit="yd",
        unit_cost="0.9144",
    )
    balance = StockBalance.objects.get(item=item, lot="L1")
    assert balance.quantity == D("91.440")
    assert balance.value == D("91.44")  # 100 yd at 0.9144 a yard
    assert apply(ctx, "opening_stock", item="SJ-160", warehouse="MAIN", lot="L1", quantity="91.44").outcome == UNCHANGED
    assert not StockBalance.objects.filter(item=item, lot="").exists()


@pytest.mark.django_db
def test_opening_stock_is_refused_once_the_balance_has_other_moves(ctx):
    item = ItemFactory(organization=ctx.organization, code="SJ-160", unit=UnitOfMeasure.objects.get(code="m"))
    warehouse = WarehouseFactory(organization=ctx.organization, code="MAIN", name="Main store")
    stock_receive(
        organization=ctx.organization,
        by=ctx.by,
        warehouse=warehouse,
        item=item,
        quantity=D("50"),
        unit=item.unit,
        unit_cost=D("2"),
        source_type="",
        source_id=None,
        reference="GRN 1",
    )
    assert apply(ctx, "opening_stock", item="SJ-160", warehouse="MAIN", quantity="50").outcome == UNCHANGED
    assert errors_of(lambda: apply(ctx, "opening_stock", item="SJ-160", warehouse="MAIN", quantity="60")) == {
        "quantity": [
            "SJ-160 in MAIN has stock moves already (50 m on hand): an opening balance is only set before other "
            "moves. Adjust it on the stock page."
        ]
    }
    assert StockBalance.objects.get(item=item).quantity == D("50")


@pytest.mark.django_db
def test_opening_stock_errors(ctx):
    ItemFactory(organization=ctx.organization, code="SJ-160", unit=UnitOfMeasure.objects.get(code="m"))
    assert errors_of(lambda: apply(ctx, "opening_stock", item="SJ-160")) == {
        "warehouse": ["Give the warehouse."],
        "quantity": ["Give the quantity on hand."],
    }
    assert errors_of(lambda: apply(ctx, "opening_stock", item="NOPE", warehouse="NOPE", quantity="-1")) == {
        "item": ["No item with code or name “NOPE”."],
        "warehouse": ["No warehouse with code or name “NOPE”."],
        "quantity": ["Give 0 or more."],
    }
