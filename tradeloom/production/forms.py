"""Forms of the production pages: a work order's header and its rows of sales-order lines, the small forms of a work
order's page (the moves, issuing a requirement from stock, setting a requirement's item, receiving finished goods,
correcting an entry), and the daily production form's date and mill and its rows.

They parse input only: every rule (lines of one order, the day not in the future, at least one figure above zero,
what may be issued …) is the services', whose refusals land on these forms' fields (``views``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms

from tradeloom.catalog.models import Item, UnitOfMeasure
from tradeloom.core.shapes import shape_of
from tradeloom.production import states
from tradeloom.production.models import MAX_QUANTITY, ProductionEntry, WorkOrder
from tradeloom.records.pages import RecordForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
WO = shape_of(WorkOrder)
NUMBER = {"step": "any", "min": "0", "inputmode": "decimal", "class": "input"}
PIECES = {"step": "1", "min": "0", "inputmode": "numeric", "class": "input"}
FIGURES = ("knitted", "dyed", "finished", "pieces", "rejects")
ROW = {"empty_permitted": True, "use_required_attribute": False}


def quantity_field(**kwargs: Any) -> forms.DecimalField:
    attrs = {**NUMBER, **kwargs.pop("attrs", {})}
    return forms.DecimalField(
        max_digits=18,
        decimal_places=3,
        min_value=kwargs.pop("min_value", Decimal(0)),
        max_value=MAX_QUANTITY,
        widget=forms.NumberInput(attrs=attrs),
        **kwargs,
    )


def text_decimal(value: Decimal | None) -> str | None:
    """A decimal as a form shows it: ``1200`` rather than ``1200.000``."""
    return None if value is None else f"{Decimal(value).normalize():f}"


class WorkOrderForm(RecordForm):
    """A work order's header: what is made (an item or a product name), for which PO, at which mill, how much, by
    when, how urgent, the calculator's percentages, the warehouse and notes. Quantity and unit may be left empty when
    lines are chosen: the lines' sum and the first line's unit."""

    class Meta:
        model = WorkOrder
        fields = list(WO.create)
        widgets = {
            "due_date": DATE,
            "notes": forms.Textarea(attrs={"rows": 2}),
            "quantity": forms.NumberInput(attrs={"step": "any", "min": "0", "inputmode": "decimal"}),
            "loss_percent": forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "100", "inputmode": "decimal"}),
            "mixed_percent": forms.NumberInput(
                attrs={"step": "0.01", "min": "0", "max": "100", "inputmode": "decimal"}
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["item"].help_text = "The catalog item made; finished goods are received as it."
        fields["product_name"].help_text = "Or what is made, in words. Empty with neither: the first line's."
        fields["supplier"].label = "Mill"
        fields["supplier"].help_text = "Empty: our own floor."
        fields["quantity"].required = False
        fields["quantity"].help_text = "Empty: the chosen lines' sum."
        fields["unit"].required = False
        fields["unit"].help_text = "Empty: the first line's unit."
        fields["loss_percent"].help_text = "Empty: the line's, else the order's."
        fields["mixed_percent"].help_text = "Empty: the line's, else the order's."
        fields["purchase_order"].label = "Purchase order"
        fields["purchase_order"].help_text = "The PO it produces for, if any."
        empty = {
            "item": "— no catalog item —",
            "purchase_order": "— none —",
            "supplier": "— our own floor —",
            "unit": "— the first line's —",
            "warehouse": "— none yet —",
        }
        for name, label in empty.items():
            cast(forms.ModelChoiceField, fields[name]).empty_label = label

    def payload(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in WO.create}


class LineRowForm(forms.Form):
    """One sales-order line of the work-order form: made here or not, and how much (in the work order's unit)."""

    include = forms.BooleanField(required=False, label="Make")
    quantity = quantity_field(required=False, min_value=Decimal("0.001"))

    def __init__(self, *args: Any, figure: Any, **kwargs: Any) -> None:
        kwargs.setdefault("use_required_attribute", False)
        super().__init__(*args, **kwargs)
        self.figure = figure

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("include") and data.get("quantity") is None and "quantity" not in self.errors:
            self.add_error("quantity", "Give the quantity to make of this line.")
        return data

    def payload(self) -> dict[str, Any] | None:
        if not self.is_valid() or not self.cleaned_data.get("include"):
            return None
        return {"line": self.figure.line, "quantity": self.cleaned_data["quantity"]}


class EmptyForm(forms.Form):
    pass


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


def move_form(action: str, *args: Any, **kwargs: Any) -> forms.Form:
    transition = states.ACTIONS[action]
    return (ReasonForm if transition.needs_reason else EmptyForm)(*args, **kwargs)


def warehouse_field(label: str) -> forms.ChoiceField:
    """A warehouse picker; its choices are given (read once for every form of the page)."""
    return forms.ChoiceField(required=False, label=label)


def warehouses_offered(form: forms.Form, warehouses: list[tuple[str, str]]) -> None:
    field = cast(forms.ChoiceField, form.fields["warehouse"])
    field.choices = [("", "— the work order's warehouse —"), *warehouses]


class IssueForm(forms.Form):
    """Issue a requirement's material (yarn, greige) from a warehouse's stock: a "production out" move."""

    requirement = forms.UUIDField(widget=forms.HiddenInput)
    warehouse = warehouse_field("From warehouse")
    quantity = quantity_field(min_value=Decimal("0.001"))
    on = forms.DateField(required=False, widget=DATE, label="Issued on", help_text="Empty: today.")

    def __init__(self, *args: Any, warehouses: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        warehouses_offered(self, warehouses)


class RequirementForm(forms.Form):
    """Set the catalog item (and the quantity and unit) of a requirement, so that it can be issued from stock."""

    requirement = forms.UUIDField(widget=forms.HiddenInput)
    item = forms.ChoiceField(label="Item")
    quantity = quantity_field()
    unit = forms.ChoiceField(label="Unit")

    def __init__(self, *args: Any, items: list[tuple[str, str]], units: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["item"]).choices = [("", "— choose the item —"), *items]
        cast(forms.ChoiceField, self.fields["unit"]).choices = units


class ReceiveForm(forms.Form):
    """Receive finished goods of the work order's item into a warehouse: a "production in" move at a unit cost."""

    warehouse = warehouse_field("Into warehouse")
    quantity = quantity_field(min_value=Decimal("0.001"))
    unit_cost = forms.DecimalField(
        max_digits=18,
        decimal_places=4,
        min_value=Decimal(0),
        label="Unit cost",
        widget=forms.NumberInput(attrs={"step": "any", "min": "0", "inputmode": "decimal", "class": "input"}),
    )
    on = forms.DateField(required=False, widget=DATE, label="Received on", help_text="Empty: today.")

    def __init__(self, *args: Any, warehouses: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        warehouses_offered(self, warehouses)


class FiguresForm(forms.Form):
    """The figures of one day's production: knitted, dyed, finished, pieces, rejects and a note."""

    knitted = quantity_field(required=False)
    dyed = quantity_field(required=False)
    finished = quantity_field(required=False)
    pieces = forms.IntegerField(
        required=False, min_value=0, max_value=2_147_483_647, widget=forms.NumberInput(attrs=PIECES)
    )
    rejects = quantity_field(required=False)
    note = forms.CharField(max_length=500, required=False, widget=forms.TextInput(attrs={"class": "input"}))

    def figures(self) -> dict[str, Any]:
        data = self.cleaned_data
        row: dict[str, Any] = {name: data.get(name) or (0 if name == "pieces" else Decimal(0)) for name in FIGURES}
        row["note"] = data.get("note", "")
        return row


def entry_initial(entry: ProductionEntry | None) -> dict[str, Any]:
    if entry is None:
        return {}
    return {
        "knitted": text_decimal(entry.knitted),
        "dyed": text_decimal(entry.dyed),
        "finished": text_decimal(entry.finished),
        "pieces": entry.pieces,
        "rejects": text_decimal(entry.rejects),
        "note": entry.note,
    }


class CorrectForm(FiguresForm):
    """Correct a current entry: the new figures and why (the earlier entry stays in the history)."""

    entry = forms.UUIDField(widget=forms.HiddenInput)
    reason = forms.CharField(max_length=500, widget=forms.TextInput(attrs={"class": "input"}))


class DailyForm(forms.Form):
    """The daily form's day and mill (a GET form: changing them shows that day's rows)."""

    on = forms.DateField(required=False, widget=DATE, label="Day")
    mill = forms.ChoiceField(required=False, label="Mill")

    def __init__(self, *args: Any, mills: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["mill"]).choices = [("", "Every mill and our floor"), *mills]


class DailyRowForm(FiguresForm):
    """One row of the daily form: a running work order (or one of its lines) and that day's figures, prefilled with
    its current entry. A row left as it was offered is not sent; a changed row of a day already reported is a
    correction (its reason optional here)."""

    reason = forms.CharField(
        max_length=500, required=False, label="Why changed", widget=forms.TextInput(attrs={"class": "input"})
    )

    def __init__(self, *args: Any, row: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{**ROW, "initial": entry_initial(row.entry), **kwargs})
        self.row = row
        if row.entry is None:
            del self.fields["reason"]

    def payload(self) -> dict[str, Any] | None:
        """The service's row, or ``None`` for a row not filled in, or saying what its entry says already (an empty
        field of a reported row is a zero)."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        entry = self.row.entry
        figures = self.figures()
        if entry is None and all(data.get(n) in (None, "") for n in (*FIGURES, "note")):
            return None
        if entry is not None and all(getattr(entry, n) == figures[n] for n in (*FIGURES, "note")):
            return None
        payload: dict[str, Any] = {"work_order": self.row.work_order, "line": self.row.line, **figures}
        if data.get("reason"):
            payload["reason"] = data["reason"]
        return payload


def choices(organization: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The items and units a requirement's form offers (two statements for the whole page)."""
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
