"""Order forms for the web pages: the header, style blocks and line rows of the order form (nested by prefix:
``s0-style_number``, ``s0-l2-colour_code``), and the small forms of the order's tabs.

The pickers of a row (unit, mill, item) are ``PickField``s: the organisation's records are loaded once per page
and shared by every row, so a form with 50 lines costs the same queries as one with a single line.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Model, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.text import capfirst

from tradeloom.catalog.models import Item, UnitOfMeasure
from tradeloom.core.shapes import shape_of
from tradeloom.core.validators import currency_codes
from tradeloom.partners.models import Customer, Supplier
from tradeloom.records.choices import record_label
from tradeloom.records.pages import RecordForm
from tradeloom.sales.models import DELIVERY_QUANTITY_RANGE, ActivityNote, Line, MillOffer, Order, Style, Task
from tradeloom.sales.services import LINE, ORDER, STAGES, STYLE
from tradeloom.tenancy.models import Membership

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CALCULATOR_FIELDS = ("process_loss_percent", "mixed_percent")
MAX_STYLES = 200
MAX_LINES_PER_STYLE = 500
STYLE_KEY = re.compile(r"^s(\d{1,4})-")
LINE_KEY = re.compile(r"^s(\d{1,4})-l(\d{1,4})-")
# A row left blank is neither validated nor saved (so the browser must not insist on its required inputs either).
ROW = {"empty_permitted": True, "use_required_attribute": False}


class PickField(forms.ChoiceField):
    """A choice of one of the organisation's records, each named with its code (``records.choices.record_label``);
    cleans to the record (or None when left empty)."""

    def __init__(self, *, options: dict[str, Model] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.set_options(options or {})

    def set_options(self, options: dict[str, Model]) -> None:
        self.options = options
        self.choices = [("", "—"), *((key, record_label(obj)) for key, obj in options.items())]

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        return self.options.get(value) if value else None

    def prepare_value(self, value: Any) -> Any:
        return str(value.pk) if isinstance(value, Model) else value


def _options(qs: QuerySet[Any]) -> dict[str, Any]:
    return {str(obj.pk): obj for obj in qs}


@dataclass
class Pickers:
    """The records a page's pickers offer, each loaded with one query."""

    organization: Any
    customers: dict[str, Customer] = field(default_factory=dict)
    suppliers: dict[str, Supplier] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    units: dict[str, UnitOfMeasure] = field(default_factory=dict)
    members: dict[str, Membership] = field(default_factory=dict)

    @classmethod
    def load(cls, organization: Any, *names: str) -> Pickers:
        active = {"organization": organization, "archived_at__isnull": True}
        by_name = (Coalesce(NullIf("trade_name", Value("")), "legal_name"), "code")  # as they are shown
        loaders = {
            "customers": lambda: Customer.objects.filter(**active).order_by(*by_name),
            "suppliers": lambda: Supplier.objects.filter(**active).order_by(*by_name),
            "items": lambda: Item.objects.filter(**active).order_by("code"),
            "units": lambda: UnitOfMeasure.objects.filter(**active).order_by("dimension", "code"),
            "members": lambda: (
                Membership.objects.filter(organization=organization, is_active=True)
                .select_related("user")
                .order_by("user__email")
            ),
        }
        return cls(organization, **{name: _options(loaders[name]()) for name in names})


def _currency_choices() -> list[tuple[str, str]]:
    return [(code, code) for code in sorted(currency_codes())]


def stage_choices(organization: Any) -> list[tuple[str, str]]:
    stages = (organization.settings or {}).get("order_stages") or STAGES
    return [("", "—"), *((s, s.capitalize()) for s in stages)]


class OrderForm(RecordForm):
    """The order's header. New orders choose customer and currency; an existing order keeps them."""

    customer = PickField()
    merchandiser = PickField(required=False)
    currency = forms.ChoiceField()
    stage = forms.ChoiceField(required=False)
    merge = forms.BooleanField(
        required=False,
        label="Merge into an open order with the same customer and PO",
        help_text="Matching lines (same style, colour and CAD) add their quantities; others are appended.",
    )

    class Meta:
        model = Order
        # what a new order takes and an existing one changes, but the calculator's percentages (they have their own
        # tab); ``__init__`` keeps those of the form's case (new or edit)
        fields = tuple(f for f in ORDER.editable if f not in CALCULATOR_FIELDS)
        widgets = {
            "order_date": DATE,
            "etd": DATE,
            "eta": DATE,
            "expected_delivery": DATE,
            "actual_delivery": DATE,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, pickers: Pickers, **kwargs: Any) -> None:
        super().__init__(*args, organization=pickers.organization, **kwargs)
        fields = self.fields
        members = dict(pickers.members)
        current = self.instance.merchandiser if self.instance.merchandiser_id else None
        if current is not None and str(current.pk) not in members:  # deactivated since: kept, not silently cleared
            members[str(current.pk)] = current
        fields["merchandiser"].set_options(members)  # type: ignore[attr-defined]
        fields["currency"].choices = _currency_choices()  # type: ignore[attr-defined]
        fields["stage"].choices = stage_choices(pickers.organization)  # type: ignore[attr-defined]
        editing = not self.instance._state.adding
        for name in [n for n in ORDER.editable if n in fields and n not in (ORDER.update if editing else ORDER.create)]:
            del fields[name]  # editing: customer, currency and stage stay; new: no actual delivery yet
        if editing:
            del fields["merge"]
        else:
            fields["customer"].set_options(pickers.customers)  # type: ignore[attr-defined]
            self.initial.setdefault("currency", pickers.organization.base_currency)
        fields["tax_rate"].required = False  # blank: no tax
        fields["tax_rate"].help_text = "The lines' rate where they have none of their own; blank: 0 %."

    def clean_tax_rate(self) -> Decimal:
        return self.cleaned_data.get("tax_rate") or Decimal(0)


class StyleForm(RecordForm):
    class Meta:
        model = Style
        fields = STYLE.create
        widgets = {"etd": DATE, "eta": DATE}

    MAIN = ("style_number", "description", "fabric_type", "composition")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["style_number"].required = False
        self.fields["style_number"].help_text = "Blank: the PO number with -01, -02 …"

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.MAIN]

    def more_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.MAIN]


# The order form's line rows (``sales/_line_row.html``), in reading and tab order: what the line is (colour, CAD,
# item) and its tax rate, then its quantity and unit, the selling side (price, commission), the mill side (mill, its
# price) and the dates; last its figures (value and profit as typed, ``static/js/app.js``). Each column's classes
# place it in the row: a phone card's 2 columns (``col-span-2``: both), a tablet card's 4, and from xl two bands on
# the eight tracks of ``.line-row`` (assets/src/app.css) — the second band one field per track, the first band's
# fields over them (the item and the tax rate one track each), its figures on the last (with the narrow ninth for the
# remove button). ``.lines-head`` (the desktop header) uses the same classes.
LINE_FIGURES = "figures"
LINE_COLUMNS: dict[str, str] = {
    "colour_code": "",
    "colour_name": "xl:col-span-2",
    "cad_code": "",
    "cad_name": "",
    "item": "",
    "tax_rate": "",
    "quantity": "",
    "unit": "",
    "selling_price": "",
    "commission_per_unit": "",
    "supplier": "",
    "mill_price": "",
    "etd": "",
    "eta": "",
    LINE_FIGURES: "col-span-2 xl:col-start-8 xl:row-start-1",
}
# The columns whose first line's value a button copies to every line (``data-copy-column``).
LINE_COPY_COLUMNS = ("selling_price", "mill_price", "commission_per_unit", "tax_rate", "etd", "eta")


@dataclass(frozen=True)
class LineCell:
    """One cell of a line row: an input (``field``), a value the line keeps shown as ``text`` (an existing line's
    colour code, CAD code, item, unit and mill), or the line's figures."""

    name: str
    label: str
    classes: str
    field: forms.BoundField | None = None
    text: str = ""
    required: bool = False
    copy: bool = False


def _shown(line: Line, name: str) -> str:
    value = getattr(line, name)
    if name == "colour_code":
        return f"{value} · {line.style.style_number}"
    if name == "unit":
        return str(value.code)
    if isinstance(value, Model):
        return record_label(value)
    return str(value) if value not in (None, "") else "—"


class LineCells:
    """The cells of a line row in ``LINE_COLUMNS`` order: the form's fields, and for an existing line the fields
    it keeps (not in the form) as text."""

    fields: dict[str, forms.Field]
    instance: Line

    def cells(self) -> list[LineCell]:
        editing = not self.instance._state.adding
        cells = []
        for name, classes in LINE_COLUMNS.items():
            copy = name in LINE_COPY_COLUMNS
            if name == LINE_FIGURES:
                cells.append(LineCell(name, "Value · profit", classes))
            elif name in self.fields:
                bound = self[name]  # type: ignore[index]
                cells.append(LineCell(name, str(bound.label), classes, bound, required=bound.field.required, copy=copy))
            elif editing:
                label = LineForm.base_fields[name].label or capfirst(name)
                cells.append(LineCell(name, str(label), classes, text=_shown(self.instance, name)))
        return cells


class LineForm(LineCells, RecordForm):
    item = PickField(required=False)
    unit = PickField()
    supplier = PickField(required=False, label="Mill")

    class Meta:
        model = Line
        fields = LINE.create
        widgets = {"etd": DATE, "eta": DATE}
        labels = {"commission_per_unit": "Commission / unit"}
        help_texts = {"tax_rate": ""}  # the row has no room for it; the placeholder says it

    def __init__(self, *args: Any, pickers: Pickers, **kwargs: Any) -> None:
        super().__init__(*args, organization=pickers.organization, **kwargs)
        self.fields["item"].set_options(pickers.items)  # type: ignore[attr-defined]
        self.fields["unit"].set_options(pickers.units)  # type: ignore[attr-defined]
        self.fields["supplier"].set_options(pickers.suppliers)  # type: ignore[attr-defined]
        row_widgets(self)


class DecimalInput(forms.NumberInput):
    """A number as a person writes it: a stored 12000.000 and 4.2500 (the columns' scales) show as 12000 and 4.25."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        return super().format_value(value)


def row_widgets(form: forms.BaseForm) -> None:
    """Inputs of a line row (each cell has its label; ``.line-row .input`` sizes them to their cell)."""
    for form_field in form.fields.values():
        if isinstance(form_field, forms.DecimalField):
            form_field.widget = DecimalInput(attrs=form_field.widget.attrs)
            form_field.widget.is_required = form_field.required
            form_field.widget.attrs.update({"step": "any", "inputmode": "decimal"})
        form_field.widget.attrs["class"] = "input"
    if "tax_rate" in form.fields:  # empty: the order's rate
        form.fields["tax_rate"].widget.attrs["placeholder"] = "order's"


class LineEditForm(LineCells, RecordForm):
    """An existing line's changeable figures (its identity, unit and mill stay; mills change by accepting offers)."""

    class Meta:
        model = Line
        fields = tuple(f for f in LINE.update if f not in CALCULATOR_FIELDS)
        widgets = {"etd": DATE, "eta": DATE}
        labels = {"commission_per_unit": "Commission / unit"}
        help_texts = {"tax_rate": ""}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        row_widgets(self)


@dataclass
class StyleBlock:
    index: int | str
    form: StyleForm
    lines: list[LineForm]
    next_line: int = 1  # the index the browser gives the next line row it adds


def _indices(keys: Iterable[str]) -> dict[int, list[int]]:
    """Style index → its line indices, from the posted field names (rows removed in the browser leave gaps)."""
    found: dict[int, set[int]] = {}
    for key in keys:
        line = LINE_KEY.match(key)
        if line:
            found.setdefault(int(line[1]), set()).add(int(line[2]))
        else:
            style = STYLE_KEY.match(key)
            if style:
                found.setdefault(int(style[1]), set())
    return {s: sorted(lines) for s, lines in sorted(found.items())}


class StyleBlocks:
    """The styles and lines of an order form. Blank line rows are ignored; a style block left entirely blank too."""

    def __init__(self, data: Any = None, *, pickers: Pickers, blank: int = 1) -> None:
        self.bound = data is not None
        self.pickers = pickers
        self.error = ""
        layout = _indices(data.keys()) if data is not None else {i: [0] for i in range(blank)}
        if len(layout) > MAX_STYLES or any(len(lines) > MAX_LINES_PER_STYLE for lines in layout.values()):
            self.error = f"An order takes at most {MAX_STYLES} styles of {MAX_LINES_PER_STYLE} lines each."
            layout = {}
        self.blocks = [
            StyleBlock(
                index=s,
                form=StyleForm(data, prefix=f"s{s}", organization=pickers.organization, **ROW),
                lines=[LineForm(data, prefix=f"s{s}-l{n}", pickers=pickers, **ROW) for n in lines],
                next_line=max(lines, default=-1) + 1,
            )
            for s, lines in layout.items()
        ]
        self.next_style = max(layout, default=-1) + 1

    def filled(self) -> list[StyleBlock]:
        """Blocks with something entered, each with only its filled line rows (a row left blank is
        ``empty_permitted``: it is neither validated nor saved)."""
        kept = []
        for block in self.blocks:
            lines = [form for form in block.lines if form.has_changed()]
            if lines or block.form.has_changed():
                kept.append(StyleBlock(block.index, block.form, lines, block.next_line))
        return kept

    def is_valid(self, *, required: bool) -> bool:
        if self.error:
            return False
        blocks = self.filled()
        ok = True
        for block in blocks:
            ok = block.form.is_valid() and ok
            for line in block.lines:
                ok = line.is_valid() and ok
            if not block.lines:
                block.form.add_error(None, "Add at least one line to this style.")
                ok = False
        if required and not blocks:
            self.error = "Add at least one style with a line."
            ok = False
        return ok

    def payload(self) -> list[dict[str, Any]]:
        """Cleaned styles with their lines, in the shape ``services.order_create`` takes."""
        return [
            {**block.form.cleaned_data, "lines": [line.cleaned_data for line in block.lines]} for block in self.filled()
        ]

    def apply_errors(self, errors: dict[str, list[str]]) -> None:
        """Put a service's ``styles.<s>.lines.<l>.<field>`` errors on the rows they name."""
        blocks = self.filled()
        for key, messages in errors.items():
            parts = key.split(".")
            if parts[0] != "styles" or len(parts) < 2 or not parts[1].isdigit() or int(parts[1]) >= len(blocks):
                self.error = " ".join(messages)
                continue
            block = blocks[int(parts[1])]
            form: forms.BaseForm = block.form
            name = parts[2] if len(parts) == 3 else None
            if len(parts) >= 4 and parts[2] == "lines" and parts[3].isdigit() and int(parts[3]) < len(block.lines):
                form, name = block.lines[int(parts[3])], parts[4] if len(parts) > 4 else None
            for message in messages:
                form.add_error(name if name in form.fields else None, message)

    def empty_block(self) -> StyleBlock:
        """The block the browser copies for "Add style" (``__s__`` becomes the style's index)."""
        form = StyleForm(prefix="s__s__", organization=self.pickers.organization)
        return StyleBlock("__s__", form, [LineForm(prefix="s__s__-l0", pickers=self.pickers)], next_line=1)

    def empty_line(self) -> LineForm:
        """The row the browser copies for "Add line" (``__s__`` and ``__l__`` become indices)."""
        return LineForm(prefix="s__s__-l__l__", pickers=self.pickers)


class OfferForm(RecordForm):
    supplier = PickField(label="Mill")
    currency = forms.ChoiceField()

    class Meta:
        model = MillOffer
        fields = shape_of(MillOffer).create
        widgets = {"valid_until": DATE}

    def __init__(self, *args: Any, pickers: Pickers, **kwargs: Any) -> None:
        super().__init__(*args, organization=pickers.organization, **kwargs)
        self.fields["supplier"].set_options(pickers.suppliers)  # type: ignore[attr-defined]
        self.fields["currency"].choices = _currency_choices()  # type: ignore[attr-defined]


class TaskForm(RecordForm):
    assignee = PickField(required=False)

    class Meta:
        model = Task
        fields = shape_of(Task).editable
        widgets = {"due_date": DATE, "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, pickers: Pickers, **kwargs: Any) -> None:
        super().__init__(*args, organization=pickers.organization, **kwargs)
        self.fields["assignee"].set_options(pickers.members)  # type: ignore[attr-defined]


class NoteForm(RecordForm):
    field_order = ("category", "effective_date", "text")  # the date beside the category, the text below

    class Meta:
        model = ActivityNote
        fields = shape_of(ActivityNote).editable
        widgets = {"effective_date": DATE, "text": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"effective_date": "The day it happened; an earlier day is shown as backdated."}


class StageForm(forms.Form):
    stage = forms.ChoiceField()
    note = forms.CharField(max_length=300, required=False)

    def __init__(self, *args: Any, organization: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = stage_choices(organization)[1:]  # type: ignore[attr-defined]


class DeliveryForm(forms.Form):
    """A delivery of a line (or its correction), in one of ``units`` (those of the line unit's dimension). The
    quantity's bounds are the model's, worded the same ("Quantity must be above zero."); ``override_reason`` is what
    an owner or admin gives to pass the over-delivery tolerance."""

    date = forms.DateField(widget=DATE)
    quantity = forms.DecimalField(max_digits=18, decimal_places=3, validators=DELIVERY_QUANTITY_RANGE)
    unit = PickField()
    note = forms.CharField(max_length=300, required=False)
    override_reason = forms.CharField(max_length=500, required=False, label="Reason to exceed the tolerance")

    def __init__(self, *args: Any, units: Iterable[UnitOfMeasure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].set_options({str(unit.pk): unit for unit in units})  # type: ignore[attr-defined]
        self.fields["quantity"].widget.attrs.update({"step": "any", "min": "0.001"})

    def changes(self, delivery: Any) -> dict[str, Any]:
        """The cleaned fields a correction of ``delivery`` changes (``services.delivery_correct``'s ``data``)."""
        data = self.cleaned_data
        return {
            name: data[name] for name in ("date", "quantity", "unit", "note") if data[name] != getattr(delivery, name)
        }


class DeliveryReverseForm(forms.Form):
    reason = forms.CharField(max_length=500, label="Why is it reversed?")


class DeletionRequestForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class DeletionDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("decline", "Decline")])
    note = forms.CharField(max_length=500, required=False)


class UUIDListField(forms.Field):
    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[uuid.UUID]:
        try:
            return [uuid.UUID(str(v)) for v in value or []]
        except ValueError as exc:
            raise forms.ValidationError("Choose lines from the list.", code="invalid") from exc


class BulkLineStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Line.Status.choices)
    lines = UUIDListField(error_messages={"required": "Tick the lines to move first."})
