"""Forms of the shipment pages: the header (booking and editing), a booking's line and container rows, and the small
forms of a shipment's page (a status move, an ETA revision, a line, a container, a document and its files).

They parse input only: every rule (the tolerance, ISO 6346, the AWB check, the status moves) is the services', whose
refusals land on these forms' fields (``views.errors_onto``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone

from tradeloom.core.shapes import shape_of
from tradeloom.logistics import states
from tradeloom.logistics.codes import Incoterm
from tradeloom.logistics.models import MAX_QUANTITY, Container, Shipment, ShipmentDocument
from tradeloom.logistics.services.transitions import DATES
from tradeloom.records.choices import record_label
from tradeloom.records.pages import RecordForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SHIPMENT = shape_of(Shipment)
MEASURES = ("cartons", "gross_weight_kg", "net_weight_kg", "volume_cbm")
# A row of a booking left blank is neither validated nor booked.
ROW = {"empty_permitted": True, "use_required_attribute": False}
# What each dated move asks for
MOVE_DATE_LABELS = {states.DEPART: "Departed on", states.ARRIVE: "Arrived on", states.DELIVER: "Delivered on"}


def _today() -> Any:
    return timezone.localdate()


def _quantity(**kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        max_digits=18,
        decimal_places=3,
        validators=[
            MinValueValidator(Decimal("0.001"), message="Quantity must be above zero."),
            MaxValueValidator(MAX_QUANTITY, message=f"Quantity must be at most {MAX_QUANTITY:,}."),
        ],
        widget=forms.NumberInput(attrs={"step": "any", "min": "0.001"}),
        **kwargs,
    )


def _measure(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=3,
        widget=forms.NumberInput(attrs={"step": "any", "min": "0"}),
    )


class _Measures(forms.Form):
    """A shipment line's packing: cartons, gross and net kilos, cubic metres."""

    cartons = forms.IntegerField(required=False, min_value=0, max_value=9_999_999)
    gross_weight_kg = _measure("Gross kg")
    net_weight_kg = _measure("Net kg")
    volume_cbm = _measure("CBM")

    def measures(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in MEASURES if self.cleaned_data.get(k) is not None}


def carrier_label(carrier: Any) -> str:
    """A carrier as a picker offers it: its name, code and mode (a sea shipment takes a sea carrier)."""
    return f"{record_label(carrier)} ({carrier.get_mode_display().lower()})"


def _override_reason() -> forms.CharField:
    return forms.CharField(
        max_length=500,
        required=False,
        label="Reason to ship beyond the tolerance",
        help_text="Owners and admins: quantities beyond the tolerance are allowed with a reason (audited).",
    )


def _pickers(form: forms.BaseForm) -> None:
    """The header's pickers: carriers with their modes; "—" for none."""
    carrier = form.fields["carrier"]
    carrier.label_from_instance = carrier_label  # type: ignore[attr-defined]
    carrier.empty_label = "—"  # type: ignore[attr-defined]
    form.fields["incoterm"].choices = [("", "—"), *Incoterm.choices]  # type: ignore[attr-defined]


class ShipmentForm(RecordForm):
    """A booking's header: the customer comes from the order it is booked from."""

    class Meta:
        model = Shipment
        fields = [name for name in SHIPMENT.create if name != "customer"]
        widgets = {"etd": DATE, "eta": DATE, "notes": forms.Textarea(attrs={"rows": 2})}
        labels = {"transport_document_number": "B/L or AWB number", "flight_number": "Flight"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _pickers(self)

    def payload(self, customer: Any) -> dict[str, Any]:
        return {"customer": customer, **{k: v for k, v in self.cleaned_data.items() if v not in (None, "")}}


class ShipmentEditForm(RecordForm):
    """A shipment's header after booking (its customer stays; its dates move by a revision, its status by its
    actions). A delivered, returned or cancelled shipment changes only its notes."""

    class Meta:
        model = Shipment
        fields = list(SHIPMENT.update)
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        labels = {"transport_document_number": "B/L or AWB number", "flight_number": "Flight"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _pickers(self)
        if self.instance.is_final:
            for name, field in self.fields.items():
                if name != "notes":
                    field.disabled = True

    def changes(self) -> dict[str, Any]:
        """The fields the form changed, as the service takes them."""
        return {name: self.cleaned_data[name] for name in self.changed_data}


class BookLineForm(_Measures):
    """One order line's row on the booking form: ticked to ship it, with its quantity and packing."""

    ship = forms.BooleanField(required=False, label="Ship")
    quantity = _quantity(required=False)
    container = forms.CharField(required=False, max_length=20, label="Container")

    field_order = ("ship", "quantity", *MEASURES, "container")

    # the row's cells after the line: (heading, fields); the weights share one
    CELLS = (
        ("Quantity", ("quantity",)),
        ("Cartons", ("cartons",)),
        ("Gross · net kg", ("gross_weight_kg", "net_weight_kg")),
        ("CBM", ("volume_cbm",)),
        ("Container", ("container",)),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        placeholders = {"gross_weight_kg": "gross", "net_weight_kg": "net", "container": "number"}
        for name, field in self.fields.items():
            if name != "ship":
                width = "w-32" if name == "container" else "w-24"
                gap = " mt-1" if name == "net_weight_kg" else ""
                field.widget.attrs["class"] = f"input {width} py-1 text-sm{gap}"
                if name in placeholders:
                    field.widget.attrs["placeholder"] = placeholders[name]

    def cells(self) -> list[dict[str, Any]]:
        return [{"label": label, "fields": [self[name] for name in names]} for label, names in self.CELLS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("ship") and data.get("quantity") is None and "quantity" not in self.errors:
            self.add_error("quantity", "Give the quantity to ship.")
        return data

    def payload(self, line: Any) -> dict[str, Any]:
        data = self.cleaned_data
        return {"line": line.pk, "quantity": data["quantity"], "container": data["container"], **self.measures()}


class ContainerForm(forms.Form):
    number = forms.CharField(max_length=20, label="Container number", help_text="ISO 6346, e.g. CSQU3054383.")
    kind = forms.ChoiceField(choices=Container.Kind.choices, label="Type")
    seal_number = forms.CharField(max_length=40, required=False, label="Seal")

    def payload(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("number", "kind", "seal_number")}


class BookContainerForm(ContainerForm):
    """A container row of the booking form: left blank, none; filled, its number and type."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "—"), *Container.Kind.choices]  # type: ignore[attr-defined]
        self.fields["number"].help_text = ""
        for name, field in self.fields.items():
            field.required = False
            field.widget.attrs["class"] = f"input {'w-32' if name == 'seal_number' else 'w-40'} py-1 text-sm"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("number") and "number" not in self.errors:
            self.add_error("number", "Give the container's number, or leave the row blank.")
        if not data.get("kind") and "kind" not in self.errors:
            self.add_error("kind", "Choose the container's type.")
        return data


class OverrideForm(forms.Form):
    override_reason = _override_reason()


class MoveForm(forms.Form):
    """A status move: the day it happened (departure, arrival, delivery) or why (return, cancellation)."""

    on = forms.DateField(required=False, widget=DATE, initial=_today)
    reason = forms.CharField(max_length=500, required=False, label="Why")

    def __init__(self, *args: Any, transition: states.Transition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.transition = transition
        if transition.action in DATES:
            self.fields["on"].label = MOVE_DATE_LABELS[transition.action]
            self.fields["on"].widget.attrs["max"] = _today().isoformat()
            del self.fields["reason"]
        else:
            del self.fields["on"]
        if transition.needs_reason:
            self.fields["reason"].label = f"Why is it {states.LABELS[transition.target].lower()}?"
            self.fields["reason"].widget.attrs["required"] = True

    def arguments(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class ReviseForm(forms.Form):
    """New ETD (before departure) and/or ETA, the day they were learnt and why."""

    etd = forms.DateField(required=False, widget=DATE, label="New ETD")
    eta = forms.DateField(required=False, widget=DATE, label="New ETA")
    revised_on = forms.DateField(required=False, widget=DATE, initial=_today, label="Learnt on")
    reason = forms.CharField(
        max_length=500, required=False, label="Why", help_text="The carrier's notice, a roll-over, a delay …"
    )

    def __init__(self, *args: Any, shipment: Shipment, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"etd": shipment.etd, "eta": shipment.eta})
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs["required"] = True
        self.fields["revised_on"].widget.attrs["max"] = _today().isoformat()
        if shipment.status != states.BOOKED:  # it has left: only the ETA moves
            del self.fields["etd"]

    def arguments(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "") or k == "reason"}


def _container_choices(containers: list[Container]) -> list[tuple[str, str]]:
    return [("", "—"), *((c.number, f"{c.number} · {c.kind}") for c in containers)]


class LineForm(_Measures):
    """A booked shipment's line: its quantity (in the order line's unit), packing and container."""

    quantity = _quantity()
    container = forms.ChoiceField(required=False)
    override_reason = _override_reason()

    field_order: tuple[str, ...] = ("quantity", *MEASURES, "container", "override_reason")

    def __init__(self, *args: Any, containers: list[Container], can_override: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["container"].choices = _container_choices(containers)  # type: ignore[attr-defined]
        if not can_override:
            del self.fields["override_reason"]

    def reason_to_override(self) -> str:
        return str(self.cleaned_data.get("override_reason") or "")


class LineEditForm(LineForm):
    def changes(self) -> dict[str, Any]:
        changed = [name for name in self.changed_data if name != "override_reason"]
        data = {name: self.cleaned_data[name] for name in changed}
        for name in MEASURES:  # a cleared figure is a zero
            if name in data and data[name] is None:
                data[name] = 0
        return data


class LineAddForm(LineForm):
    """Another order line onto a booked shipment: one of the customer's open orders' lines."""

    line = forms.ChoiceField(label="Order line")

    field_order = ("line", *LineForm.field_order)

    def __init__(self, *args: Any, lines: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].choices = [("", "—"), *lines]  # type: ignore[attr-defined]

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"line": data["line"], "quantity": data["quantity"], "container": data["container"], **self.measures()}


class DocumentForm(forms.Form):
    """A checklist document's status, due date and note (and an other document's name)."""

    status = forms.ChoiceField(choices=ShipmentDocument.Status.choices)
    due_date = forms.DateField(required=False, widget=DATE, label="Due")
    note = forms.CharField(max_length=500, required=False)
    name = forms.CharField(max_length=120, required=False)

    def __init__(self, *args: Any, document: ShipmentDocument, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"status": document.status, "due_date": document.due_date, "note": document.note, "name": document.name},
        )
        super().__init__(*args, **kwargs)
        if document.kind != ShipmentDocument.Kind.OTHER:
            del self.fields["name"]

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.changed_data}


class DocumentAddForm(forms.Form):
    """Another document for the checklist, by name."""

    name = forms.CharField(max_length=120, label="Document", help_text="e.g. Fumigation certificate")
    due_date = forms.DateField(required=False, widget=DATE, label="Due")
    note = forms.CharField(max_length=500, required=False)

    def payload(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return {"kind": ShipmentDocument.Kind.OTHER, **data}


class FileForm(forms.Form):
    file = forms.FileField(label="File", help_text="Images, PDF or text; at most 10 MB.")
