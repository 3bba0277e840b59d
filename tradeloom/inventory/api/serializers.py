"""The inventory API's inputs and outputs: warehouses (from the model's shape), balances, moves, and the transfer,
adjustment, reversal and shipment-warehouse commands."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from tradeloom.catalog.models import Item, UnitOfMeasure
from tradeloom.core.money import decimal_text
from tradeloom.core.shapes import datetime_text, shape_of
from tradeloom.inventory.models import StockMove, Warehouse
from tradeloom.records.api import TenantPrimaryKeyRelatedField
from tradeloom.records.serializers import input_serializer, output_serializer

QUANTITY: dict[str, Any] = {"max_digits": 18, "decimal_places": 3}
VALUE: dict[str, Any] = {"max_digits": 20, "decimal_places": 2}
COST: dict[str, Any] = {"max_digits": 24, "decimal_places": 6}
MAX_GIVEN = Decimal("999999999.999")


class _WarehouseChecks(serializers.Serializer):
    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        instance = getattr(self, "instance", None)
        kind = attrs.get("kind", getattr(instance, "kind", Warehouse.Kind.OWN_STORE))
        supplier = attrs.get("supplier", getattr(instance, "supplier", None))
        if supplier is not None and kind != Warehouse.Kind.AT_MILL:
            raise serializers.ValidationError({"supplier": ["Only a warehouse at a mill names a supplier."]})
        return attrs


WarehouseOutput = output_serializer(Warehouse, name="WarehouseOutput")
WarehouseInput = input_serializer(Warehouse, shape_of(Warehouse).create, name="WarehouseInput", base=_WarehouseChecks)


class _Ref(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class StockBalanceOutput(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    item = _Ref(read_only=True)
    warehouse = _Ref(read_only=True)
    lot = serializers.CharField(read_only=True, help_text="'' when the stock has no lot.")
    quantity = serializers.DecimalField(**QUANTITY, read_only=True, help_text="On hand, in the item's stock unit.")
    unit = serializers.CharField(source="item.unit.code", read_only=True, help_text="The item's stock unit.")
    average_unit_cost = serializers.DecimalField(
        **COST, read_only=True, help_text="The moving average per stock unit, in the base currency."
    )
    value = serializers.DecimalField(**VALUE, read_only=True, help_text="In the organisation's base currency.")
    move_count = serializers.IntegerField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


def balance_list_rows(rows: Any) -> list[dict[str, Any]]:
    """``values(*selectors.BALANCE_COLUMNS)`` rows as the JSON of ``StockBalanceOutput`` (key order included; a test
    holds the two equal), without a model instance or a serializer field per row."""
    tz = timezone.get_current_timezone()
    return [
        {
            "id": str(row["id"]),
            "item": {"id": str(row["item_id"]), "code": row["item__code"], "name": row["item__name"]},
            "warehouse": {
                "id": str(row["warehouse_id"]),
                "code": row["warehouse__code"],
                "name": row["warehouse__name"],
            },
            "lot": row["lot"],
            "quantity": decimal_text(row["quantity"], QUANTITY["decimal_places"]),
            "unit": row["item__unit__code"],
            "average_unit_cost": decimal_text(row["average_unit_cost"], COST["decimal_places"]),
            "value": decimal_text(row["value"], VALUE["decimal_places"]),
            "move_count": row["move_count"],
            "updated_at": datetime_text(row["updated_at"], tz),
        }
        for row in rows
    ]


class StockMoveOutput(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    kind = serializers.ChoiceField(choices=StockMove.Kind.choices, read_only=True)
    item = _Ref(read_only=True)
    warehouse = _Ref(read_only=True)
    lot = serializers.CharField(read_only=True)
    moved_on = serializers.DateField(read_only=True)
    quantity = serializers.DecimalField(
        **QUANTITY, read_only=True, help_text="In the item's stock unit: above zero in, below zero out."
    )
    unit = serializers.CharField(source="item.unit.code", read_only=True, help_text="The item's stock unit.")
    given_quantity = serializers.DecimalField(**QUANTITY, read_only=True)
    given_unit = serializers.CharField(source="given_unit.code", read_only=True)
    value = serializers.DecimalField(**VALUE, read_only=True, help_text="Base currency, signed like the quantity.")
    unit_cost = serializers.DecimalField(**COST, read_only=True, help_text="Per stock unit, base currency.")
    quantity_after = serializers.DecimalField(**QUANTITY, read_only=True)
    value_after = serializers.DecimalField(**VALUE, read_only=True)
    source_type = serializers.CharField(read_only=True)
    source_id = serializers.UUIDField(read_only=True, allow_null=True)
    reference = serializers.CharField(read_only=True)
    reason = serializers.CharField(read_only=True)
    reverses_id = serializers.UUIDField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)


class TransferOutput(serializers.Serializer):
    out_move = StockMoveOutput(read_only=True)
    in_move = StockMoveOutput(read_only=True)


def _given(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(**QUANTITY, min_value=Decimal("0.001"), max_value=MAX_GIVEN, **kwargs)


class StockTransferInput(serializers.Serializer):
    from_warehouse = TenantPrimaryKeyRelatedField(model=Warehouse)
    to_warehouse = TenantPrimaryKeyRelatedField(model=Warehouse)
    item = TenantPrimaryKeyRelatedField(model=Item)
    quantity = _given(help_text="In `unit`.")
    unit = TenantPrimaryKeyRelatedField(model=UnitOfMeasure, help_text="Any unit of the item's dimension.")
    lot = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    moved_on = serializers.DateField(required=False, allow_null=True, default=None)
    reference = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class StockAdjustmentInput(serializers.Serializer):
    warehouse = TenantPrimaryKeyRelatedField(model=Warehouse)
    item = TenantPrimaryKeyRelatedField(model=Item)
    quantity = serializers.DecimalField(
        **QUANTITY,
        min_value=-MAX_GIVEN,
        max_value=MAX_GIVEN,
        help_text="Signed, in `unit`: above zero adds stock, below zero takes it out.",
    )
    unit = TenantPrimaryKeyRelatedField(model=UnitOfMeasure, help_text="Any unit of the item's dimension.")
    reason = serializers.CharField(max_length=500, help_text="Why (a count, damage, opening stock …).")
    unit_cost = serializers.DecimalField(
        **COST,
        min_value=Decimal(0),
        max_value=Decimal("99999999.999999"),
        required=False,
        allow_null=True,
        default=None,
        help_text="Per `unit`, base currency, for an increase (default: the balance's average).",
    )
    lot = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    moved_on = serializers.DateField(required=False, allow_null=True, default=None)
    reference = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate_quantity(self, value: Decimal) -> Decimal:
        if value == 0:
            raise serializers.ValidationError("Enter a quantity above or below zero.")
        return value


class StockReverseInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ShipmentWarehouseInput(serializers.Serializer):
    warehouse = TenantPrimaryKeyRelatedField(
        model=Warehouse, allow_null=True, help_text="The warehouse it ships from; null: none (no stock moves)."
    )


class ShipmentWarehouseOutput(serializers.Serializer):
    shipment_id = serializers.UUIDField(read_only=True)
    warehouse = _Ref(read_only=True, allow_null=True)
    moves = StockMoveOutput(many=True, read_only=True)
