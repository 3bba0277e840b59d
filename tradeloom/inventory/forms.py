"""Inventory forms: warehouses (from the model's shape), a transfer, an adjustment and the warehouse a shipment ships
from. Their choices are the organisation's active warehouses, items and units; the services check every rule."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from tradeloom.catalog.models import Item, UnitOfMeasure
from tradeloom.core.shapes import shape_of
from tradeloom.inventory import selectors
from tradeloom.inventory.models import Warehouse
from tradeloom.records.pages import RecordForm

DATE = forms.DateInput(attrs={"type": "date"})
MAX_GIVEN = Decimal("999999999.999")
NO_WAREHOUSE = Warehouse.objects.none()


class WarehouseForm(RecordForm):
    class Meta:
        model = Warehouse
        fields = shape_of(Warehouse).editable
        widgets = {"address": forms.Textarea(attrs={"rows": 2}), "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supplier"].help_text = "The mill holding the stock (a warehouse at a mill only)."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("supplier") and data.get("kind") != Warehouse.Kind.AT_MILL:
            self.add_error("supplier", "Only a warehouse at a mill names a supplier.")
        return data


def _unit_label(unit: Any) -> str:
    return f"{unit.code} · {unit.name}"


def _item_label(item: Any) -> str:
    return f"{item.code} · {item.name} ({item.unit.code})"


class _MoveForm(forms.Form):
    def __init__(self, *args: Any, organization: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        warehouses = selectors.warehouse_choices(organization=organization)
        for name in ("warehouse", "from_warehouse", "to_warehouse"):
            if name in self.fields:
                self.fields[name].queryset = warehouses  # type: ignore[attr-defined]
        self.fields["item"].queryset = selectors.item_choices(organization=organization).select_related("unit")  # type: ignore[attr-defined]
        self.fields["item"].label_from_instance = _item_label  # type: ignore[attr-defined]
        self.fields["unit"].queryset = selectors.unit_choices(organization=organization)  # type: ignore[attr-defined]
        self.fields["unit"].label_from_instance = _unit_label  # type: ignore[attr-defined]


class TransferForm(_MoveForm):
    item: forms.ModelChoiceField[Item] = forms.ModelChoiceField(queryset=Item.objects.none())
    from_warehouse: forms.ModelChoiceField[Warehouse] = forms.ModelChoiceField(queryset=NO_WAREHOUSE, label="From")
    to_warehouse: forms.ModelChoiceField[Warehouse] = forms.ModelChoiceField(queryset=NO_WAREHOUSE, label="To")
    quantity = forms.DecimalField(max_digits=18, decimal_places=3, min_value=Decimal("0.001"), max_value=MAX_GIVEN)
    unit: forms.ModelChoiceField[UnitOfMeasure] = forms.ModelChoiceField(
        queryset=UnitOfMeasure.objects.none(),
        help_text="Any unit of the item's dimension: the ledger keeps it in the item's stock unit too.",
    )
    lot = forms.CharField(max_length=60, required=False, help_text="Leave empty for stock without a lot.")
    moved_on = forms.DateField(label="Date", required=False, widget=DATE, help_text="Default: today.")
    reference = forms.CharField(max_length=200, required=False, help_text="Shown in the ledger.")


class AdjustmentForm(_MoveForm):
    item: forms.ModelChoiceField[Item] = forms.ModelChoiceField(queryset=Item.objects.none())
    warehouse: forms.ModelChoiceField[Warehouse] = forms.ModelChoiceField(queryset=NO_WAREHOUSE)
    quantity = forms.DecimalField(
        max_digits=18,
        decimal_places=3,
        min_value=-MAX_GIVEN,
        max_value=MAX_GIVEN,
        help_text="Above zero adds stock; below zero (e.g. -5) takes it out.",
    )
    unit: forms.ModelChoiceField[UnitOfMeasure] = forms.ModelChoiceField(
        queryset=UnitOfMeasure.objects.none(), help_text="Any unit of the item's dimension."
    )
    unit_cost = forms.DecimalField(
        label="Unit cost",
        max_digits=24,
        decimal_places=6,
        min_value=Decimal(0),
        required=False,
        help_text="Per unit above, in the base currency, for an increase. Empty: the balance's average cost.",
    )
    reason = forms.CharField(max_length=500, help_text="Why: a stock count, damage, opening stock …")
    lot = forms.CharField(max_length=60, required=False, help_text="Leave empty for stock without a lot.")
    moved_on = forms.DateField(label="Date", required=False, widget=DATE, help_text="Default: today.")
    reference = forms.CharField(max_length=200, required=False)

    def clean_quantity(self) -> Decimal:
        value: Decimal = self.cleaned_data["quantity"]
        if value == 0:
            raise forms.ValidationError("Enter a quantity above or below zero.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        quantity = data.get("quantity")
        if data.get("unit_cost") is not None and quantity is not None and quantity < 0:
            self.add_error("unit_cost", "A decrease is valued at the moving average: leave the cost empty.")
        return data


class ShipmentWarehouseForm(forms.Form):
    warehouse: forms.ModelChoiceField[Warehouse] = forms.ModelChoiceField(
        queryset=NO_WAREHOUSE,
        required=False,
        empty_label="None: the shipment moves no stock",
        help_text="When the shipment departs, its lines' items are issued from this warehouse.",
    )

    def __init__(self, *args: Any, organization: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = selectors.warehouse_choices(organization=organization)  # type: ignore[attr-defined]
