"""Forms of the purchasing pages: a PO's header, its line rows (the same for a new PO, a draft's edit and an
amendment), the small forms of a PO's page (the moves, cancelling a receipt), the receipt form's rows and the
back-to-back choice of order lines.

They parse input only: every rule (the supplier's plants, the approval limit, the over-receipt tolerance …) is the
services', whose refusals land on these forms' fields (``views``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms

from tradeloom.catalog.models import Item, UnitOfMeasure
from tradeloom.core.shapes import shape_of
from tradeloom.purchasing import states
from tradeloom.purchasing.models import PurchaseOrder, PurchaseOrderLine
from tradeloom.records.pages import RecordForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PO = shape_of(PurchaseOrder)
ROW = {"empty_permitted": True, "use_required_attribute": False}
NUMBER = {"step": "any", "min": "0", "inputmode": "decimal", "class": "input"}


class PurchaseOrderForm(RecordForm):
    """A PO's header: supplier, plant, customer, carrier, currency, dates, terms, deliver-to, tax rate, notes."""

    class Meta:
        model = PurchaseOrder
        fields = list(PO.update)
        widgets = {
            "po_date": DATE,
            "due_date": DATE,
            "notes": forms.Textarea(attrs={"rows": 2}),
            "tax_rate": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "100", "data-po-tax": ""}),
            "currency": forms.TextInput(attrs={"maxlength": "3", "class": "uppercase", "data-po-currency": ""}),
        }

    def __init__(self, *args: Any, amend: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["po_date"].required = False
        self.fields["po_date"].help_text = "Empty: today."
        self.fields["currency"].required = False
        self.fields["currency"].help_text = "Empty: the supplier's currency."
        self.fields["plant"].help_text = "One the supplier operates or is mapped to."
        self.fields["customer"].help_text = "The buyer the goods are for (a broker's PO)."
        self.fields["tax_rate"].help_text = "Per PO; a line may have its own."
        if amend:  # the supplier and the currency do not change by amendment
            del self.fields["supplier"]
            del self.fields["currency"]

    def payload(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k in PO.update}
        if data.get("po_date") is None:
            data.pop("po_date", None)
        if not data.get("currency"):
            data.pop("currency", None)
        if data.get("tax_rate") is None:
            data["tax_rate"] = Decimal(0)
        return data

    def changes(self) -> dict[str, Any]:
        data = self.payload()
        return {name: data[name] for name in self.changed_data if name in data}


# The cells of a line row (purchasing/_line_row.html) and their classes in the order form's grid (``.line-row``,
# sales/_line_row.html): cards of 2 (4 from sm) columns on phones and tablets, from xl two bands of the grid's tracks —
# item, material, description, code and the line's figures; then quantity, unit, price and tax.
LINE_CELLS = (
    ("item", "col-span-2"),
    ("material_name", "col-span-2"),
    ("description", "col-span-2"),
    ("material_code", ""),
    ("quantity", ""),
    ("unit", ""),
    ("unit_price", ""),
    ("tax_rate", ""),
)
LINE_FIGURES_CLASSES = "col-span-2 xl:col-start-8 xl:row-start-1"
LINE_LABELS = {
    "item": "Item",
    "material_name": "Material",
    "material_code": "Code",
    "quantity": "Quantity",
    "unit": "Unit",
    "unit_price": "Unit price",
    "tax_rate": "Tax %",
    "description": "Description",
}


class LineRowForm(forms.Form):
    """One line of the PO form: a catalog item or a free material, quantity, unit, price, its own tax rate."""

    id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    sales_line = forms.UUIDField(required=False, widget=forms.HiddenInput)
    item = forms.ChoiceField(required=False)
    material_code = forms.CharField(max_length=60, required=False, label="Code")
    material_name = forms.CharField(max_length=200, required=False, label="Material")
    description = forms.CharField(max_length=300, required=False)
    quantity = forms.DecimalField(
        max_digits=18, decimal_places=3, required=False, widget=forms.NumberInput(attrs={**NUMBER, "data-po-qty": ""})
    )
    unit = forms.ChoiceField(required=False)
    unit_price = forms.DecimalField(
        max_digits=18,
        decimal_places=4,
        required=False,
        label="Unit price",
        widget=forms.NumberInput(attrs={**NUMBER, "data-po-price": ""}),
    )
    tax_rate = forms.DecimalField(
        max_digits=5,
        decimal_places=2,
        required=False,
        label="Tax %",
        widget=forms.NumberInput(
            attrs={"step": "0.01", "min": "0", "max": "100", "data-po-line-tax": "", "placeholder": "PO's"}
        ),
    )

    def __init__(self, *args: Any, items: list[tuple[str, str]], units: list[tuple[str, str]], **kwargs: Any) -> None:
        """``items`` and ``units``: the choices, read once for every row of the page (``line_choices``)."""
        super().__init__(*args, **{**ROW, **kwargs})
        self.fields["item"].choices = [("", "— free material —"), *items]  # type: ignore[attr-defined]
        self.fields["unit"].choices = [("", "—"), *units]  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            if not isinstance(field.widget, forms.HiddenInput):
                field.widget.attrs["class"] = "input"
            field.label = LINE_LABELS.get(name, field.label)

    def cells(self) -> list[tuple[str, str, Any]]:
        """The row's cells in ``LINE_CELLS`` order: (name, classes, bound field)."""
        return [(name, classes, self[name]) for name, classes in LINE_CELLS]

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("item") or data.get("material_name") or data.get("quantity") is not None)

    def payload(self) -> dict[str, Any] | None:
        if not self.is_valid() or self.is_blank():
            return None
        data = self.cleaned_data
        row: dict[str, Any] = {
            "item": data.get("item") or None,
            "material_code": data.get("material_code", ""),
            "material_name": data.get("material_name", ""),
            "description": data.get("description", ""),
            "quantity": data.get("quantity"),
            "unit": data.get("unit") or None,
            "unit_price": data.get("unit_price"),
            "tax_rate": data.get("tax_rate"),
        }
        if data.get("id"):
            row["id"] = data["id"]
        if data.get("sales_line"):
            row["sales_line"] = data["sales_line"]
        return row


def line_initial(row: PurchaseOrderLine) -> dict[str, Any]:
    return {
        "id": row.pk,
        "sales_line": row.sales_line_id,
        "item": str(row.item_id) if row.item_id else "",
        "material_code": row.material_code,
        "material_name": row.material_name,
        "description": row.description,
        "quantity": f"{row.quantity.normalize():f}" if row.quantity is not None else None,
        "unit": str(row.unit_id) if row.unit_id else "",
        "unit_price": f"{row.unit_price.normalize():f}" if row.unit_price is not None else None,
        "tax_rate": row.tax_rate,
    }


def line_choices(organization: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The items and units a line row offers (two statements for the whole form)."""
    items = [
        (str(pk), f"{code} {name}")
        for pk, code, name in Item.objects.filter(organization=organization, archived_at__isnull=True)
        .order_by("code")
        .values_list("pk", "code", "name")
    ]
    units = [
        (str(pk), code)
        for pk, code in UnitOfMeasure.objects.filter(organization=organization, archived_at__isnull=True)
        .order_by("code")
        .values_list("pk", "code")
    ]
    return items, units


class AmendReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept with the revision; the supplier reads it on the amended PO.",
    )


class EmptyForm(forms.Form):
    pass


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


MOVE_FORMS: dict[str, type[forms.Form]] = {
    states.SUBMIT: EmptyForm,
    states.APPROVE: EmptyForm,
    states.REJECT: ReasonForm,
    states.CANCEL: ReasonForm,
}


def move_form(action: str, *args: Any, **kwargs: Any) -> forms.Form:
    return MOVE_FORMS[action](*args, **kwargs)


class ReceiptForm(forms.Form):
    received_on = forms.DateField(required=False, widget=DATE, label="Received on", help_text="Empty: today.")
    warehouse: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=UnitOfMeasure.objects.none(), required=False, label="Into warehouse"
    )  # its queryset: the organisation's warehouses, given
    reference = forms.CharField(max_length=100, required=False, label="Delivery note")
    note = forms.CharField(max_length=500, required=False)

    def __init__(self, *args: Any, warehouses: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["warehouse"])
        field.queryset = warehouses
        field.empty_label = "— the PO's deliver-to —"


class ReceiptRowForm(forms.Form):
    quantity = forms.DecimalField(
        max_digits=18,
        decimal_places=3,
        required=False,
        min_value=Decimal("0.001"),
        widget=forms.NumberInput(attrs=NUMBER),
    )
    lot = forms.CharField(max_length=60, required=False, widget=forms.TextInput(attrs={"class": "input"}))

    def __init__(self, *args: Any, line: PurchaseOrderLine, **kwargs: Any) -> None:
        super().__init__(*args, **{**ROW, **kwargs})
        self.line = line

    def payload(self) -> dict[str, Any] | None:
        if not self.is_valid() or self.cleaned_data.get("quantity") is None:
            return None
        return {"po_line": self.line.pk, "quantity": self.cleaned_data["quantity"], "lot": self.cleaned_data["lot"]}


class BackToBackRowForm(forms.Form):
    include = forms.BooleanField(required=False, label="Buy")
    quantity = forms.DecimalField(
        max_digits=18,
        decimal_places=3,
        required=False,
        min_value=Decimal("0.001"),
        widget=forms.NumberInput(attrs=NUMBER),
    )

    def __init__(self, *args: Any, figure: Any, **kwargs: Any) -> None:
        # not ``empty_permitted``: a row posted as it was offered (ticked, its quantity) is a choice, not an empty row
        kwargs.setdefault("use_required_attribute", False)
        super().__init__(*args, **kwargs)
        self.figure = figure

    def payload(self) -> dict[str, Any] | None:
        if not self.is_valid() or not self.cleaned_data.get("include"):
            return None
        row: dict[str, Any] = {"line": self.figure.line.pk}
        if self.cleaned_data.get("quantity") is not None:
            row["quantity"] = self.cleaned_data["quantity"]
        return row


class BackToBackHeaderForm(forms.Form):
    po_date = forms.DateField(required=False, widget=DATE, label="PO date", help_text="Empty: today.")
    due_date = forms.DateField(required=False, widget=DATE, label="Due date")
    warehouse: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=UnitOfMeasure.objects.none(), required=False, label="Deliver to"
    )  # its queryset: the organisation's warehouses, given

    def __init__(self, *args: Any, warehouses: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["warehouse"])
        field.queryset = warehouses

    def payload(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        if "warehouse" in data:
            data["warehouse"] = data["warehouse"].pk
        return data
