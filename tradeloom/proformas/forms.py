"""Forms of the PI pages: the header (making, editing and revising), each order line's row (on the PI or not; by
quantity or by amount), and the small forms of a PI's page (send, accept, cancel).

They parse input only: every rule (prices, quantities left, the order-value limit, the moves) is the services',
whose refusals land on these forms' fields (``form_views``).
"""

from __future__ import annotations

from typing import Any

from django import forms

from tradeloom.core.shapes import shape_of
from tradeloom.proformas import states
from tradeloom.proformas.models import ProformaInvoice, ProformaLine
from tradeloom.records.pages import RecordForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PROFORMA = shape_of(ProformaInvoice)
ROW = {"empty_permitted": True, "use_required_attribute": False}


class ProformaForm(RecordForm):
    """A PI's header: dates, payment terms, terms, bank details, notes."""

    class Meta:
        model = ProformaInvoice
        fields = list(PROFORMA.update)
        widgets = {
            "pi_date": DATE,
            "valid_until": DATE,
            "terms": forms.Textarea(attrs={"rows": 3}),
            "bank_details": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pi_date"].required = False
        self.fields["pi_date"].help_text = "Empty: today. The number's year is the PI date's."

    def payload(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k in PROFORMA.update}
        if data.get("pi_date") is None:
            data.pop("pi_date", None)
        return data

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.changed_data if name in PROFORMA.update}


class LineRowForm(forms.Form):
    """One order line's row: on the PI or not, by quantity (a quantity) or by amount (a percentage or an amount)."""

    include = forms.BooleanField(required=False, label="On the PI")
    basis = forms.ChoiceField(
        choices=ProformaLine.Basis.choices, initial=ProformaLine.Basis.QUANTITY, label="By", required=False
    )
    quantity = forms.DecimalField(
        required=False, max_digits=18, decimal_places=3, widget=forms.NumberInput(attrs={"step": "any", "min": "0"})
    )
    percent = forms.DecimalField(
        required=False,
        max_digits=5,
        decimal_places=2,
        label="%",
        widget=forms.NumberInput(attrs={"step": "any", "min": "0", "max": "100"}),
    )
    amount = forms.DecimalField(
        required=False, max_digits=18, decimal_places=2, widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"})
    )

    def __init__(self, *args: Any, figure: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.figure = figure  # selectors.OrderProformaLine

    def payload(self) -> dict[str, Any] | None:
        if not self.cleaned_data.get("include"):
            return None
        basis = self.cleaned_data.get("basis") or ProformaLine.Basis.QUANTITY
        row: dict[str, Any] = {"line": self.figure.line.pk, "basis": basis}
        if basis == ProformaLine.Basis.QUANTITY:
            if self.cleaned_data.get("quantity") is not None:
                row["quantity"] = self.cleaned_data["quantity"]
        else:
            for key in ("percent", "amount"):
                if self.cleaned_data.get(key) is not None:
                    row[key] = self.cleaned_data[key]
        return row


def line_initial(row: ProformaLine | None, figure: Any, *, all_by_default: bool) -> dict[str, Any]:
    if row is None:
        include = all_by_default and figure.line.selling_price is not None and figure.remaining > 0
        return {"include": include, "basis": ProformaLine.Basis.QUANTITY, "quantity": figure.remaining or None}
    return {
        "include": True,
        "basis": row.basis,
        "quantity": row.quantity,
        "percent": row.percent,
        "amount": None if row.percent is not None else (row.amount if row.basis == "amount" else None),
    }


class SendForm(forms.Form):
    on = forms.DateField(label="Sent on", required=False, widget=DATE, help_text="Empty: today.")


class AcceptForm(forms.Form):
    on = forms.DateField(label="Accepted on", required=False, widget=DATE, help_text="Empty: today.")
    reference = forms.CharField(label="Buyer's reference", max_length=100, required=False)
    override_reason = forms.CharField(
        label="Reason to accept beyond the order's value",
        max_length=500,
        required=False,
        help_text="Owners and admins only, when the accepted PIs would exceed the order's value + tolerance.",
    )

    def __init__(self, *args: Any, can_override: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_override:
            del self.fields["override_reason"]


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


MOVE_FORMS: dict[str, type[forms.Form]] = {states.SEND: SendForm, states.ACCEPT: AcceptForm, states.CANCEL: CancelForm}


def move_form(action: str, *args: Any, can_override: bool = False, **kwargs: Any) -> forms.Form:
    cls = MOVE_FORMS[action]
    if cls is AcceptForm:
        return AcceptForm(*args, can_override=can_override, **kwargs)
    return cls(*args, **kwargs)
