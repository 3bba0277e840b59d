"""The LC pages' forms: recording and editing an LC (its required documents one a line), an amendment (the terms
prefilled, only those changed sent), a drawing, a status move, a presentation and a discrepancy."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone

from tradeloom.core.shapes import shape_of
from tradeloom.lcs import states
from tradeloom.lcs.models import AMENDABLE_TERMS, LetterOfCredit
from tradeloom.lcs.services.common import document_label, term_field
from tradeloom.logistics.codes import Incoterm
from tradeloom.logistics.models import Shipment, ShipmentDocument
from tradeloom.logistics.states import COUNTS_AS_SHIPPED
from tradeloom.records.pages import RecordForm
from tradeloom.sales.models import Order

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LC = shape_of(LetterOfCredit)
DATES = ("issue_date", "expiry_date", "latest_shipment_date")
DOCUMENTS_HELP = (
    "One a line: "
    + ", ".join(k for k, _ in ShipmentDocument.Kind.choices if k != "other")
    + " (the shipment document kinds) or any other document's name."
)
ORDER_CHOICES_LIMIT = 200


def _today() -> Any:
    return timezone.localdate()


def documents_parse(text: str | None) -> list[str]:
    """The required documents typed one a line; a kind's label ("Packing list") becomes its kind."""
    by_label = {str(label).lower(): kind for kind, label in ShipmentDocument.Kind.choices if kind != "other"}
    rows = []
    for line in (text or "").splitlines():
        name = line.strip()
        if name:
            rows.append(by_label.get(name.lower(), name))
    return rows


def documents_text(names: list[str]) -> str:
    return "\n".join(names or [])


class LcForm(RecordForm):
    """Record an LC, or change a pending one (an issued LC's terms change by amendment: those fields are off)."""

    documents = forms.CharField(
        label="Required documents", required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text=DOCUMENTS_HELP
    )
    orders = forms.ModelMultipleChoiceField(
        queryset=Order.objects.none(), required=False, help_text="The applicant's orders the LC pays for."
    )

    class Meta:
        model = LetterOfCredit
        fields = [name for name in LC.create if name != "required_documents"]
        widgets = {
            **dict.fromkeys(DATES, DATE),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"number": "LC number", "customer": "Applicant", "supplier": "Beneficiary supplier (back-to-back)"}

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        cast(forms.ChoiceField, self.fields["incoterm"]).choices = [("", "—"), *Incoterm.choices]
        master = cast("forms.ModelChoiceField[LetterOfCredit]", self.fields["master"])
        master.queryset = LetterOfCredit.objects.filter(
            organization=self.organization, role=LetterOfCredit.Role.MASTER
        ).exclude(status__in=sorted(states.FINAL))
        # per instance, over RecordForm's ``record_label`` (set the same way)
        master.label_from_instance = lambda obj: f"{obj.number} · {obj.issuing_bank}"  # type: ignore[method-assign]
        self.fields["documents"].initial = documents_text(
            self.instance.required_documents
            if self.instance.pk
            else ["commercial_invoice", "packing_list", "transport_document"]
        )
        if editing:
            del self.fields["orders"]
            for name in ("role", "master"):
                del self.fields[name]
            if self.instance.status not in states.EDITABLE:
                for name, field in self.fields.items():
                    if name not in ("notes", "number"):
                        field.disabled = True
        else:
            recent = (
                Order.objects.filter(organization=self.organization)
                .exclude(status=Order.Status.CANCELLED)
                .order_by("-created_at")
                .values("pk")[:ORDER_CHOICES_LIMIT]
            )
            orders = cast("forms.ModelMultipleChoiceField[Order]", self.fields["orders"])
            orders.queryset = Order.objects.filter(pk__in=recent).order_by("-created_at")
            # per instance, over RecordForm's ``record_label`` (set the same way)
            orders.label_from_instance = lambda obj: f"{obj.number} · {obj.po_number}"  # type: ignore[method-assign]

    def payload(self) -> dict[str, Any]:
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in ("documents", "orders") and v not in (None, "") and k in self.fields
        }
        for flag in ("partial_shipments_allowed", "transhipment_allowed", "transferable"):
            if flag in self.fields:
                data[flag] = bool(self.cleaned_data.get(flag))
        data["required_documents"] = documents_parse(self.cleaned_data.get("documents", ""))
        return data

    def changes(self) -> dict[str, Any]:
        changed = {}
        for name in self.changed_data:
            if name in ("documents", "orders") or self.fields[name].disabled:
                continue
            changed[name] = self.cleaned_data[name]
        if "documents" in self.changed_data and not self.fields["documents"].disabled:
            changed["required_documents"] = documents_parse(self.cleaned_data.get("documents", ""))
        return changed


class AmendForm(forms.Form):
    """An amendment: every term prefilled with its value as of now; what is changed is what the amendment changes."""

    issue_date = forms.DateField(label="Amendment date (the bank's)", widget=DATE, initial=_today)
    note = forms.CharField(max_length=500, required=False)

    def __init__(self, *args: Any, lc: LetterOfCredit, **kwargs: Any) -> None:
        initial = {name: getattr(lc, name) for name in AMENDABLE_TERMS}
        initial["required_documents"] = documents_text(lc.required_documents)
        kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.lc = lc
        for name in AMENDABLE_TERMS:
            if name == "required_documents":
                self.fields[name] = forms.CharField(
                    label="Required documents", required=False, widget=forms.Textarea(attrs={"rows": 4})
                )
                continue
            field = term_field(name).formfield(required=False)
            if field is None:  # a term is a column with a form field
                raise ValueError(f"The term {name!r} has no form field.")
            if name in DATES:
                field.widget = DATE
            if name == "incoterm":
                cast(forms.ChoiceField, field).choices = [("", "—"), *Incoterm.choices]
            self.fields[name] = field

    def terms_changed(self) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        for name in AMENDABLE_TERMS:
            if name not in self.changed_data:
                continue
            value: Any = self.cleaned_data.get(name)
            if name == "required_documents":
                value = documents_parse(value)
            changes[name] = value.isoformat() if hasattr(value, "isoformat") else value
        return changes


class DrawForm(forms.Form):
    """A drawing: for one of the applicant's shipments (its value by default) or an invoice."""

    shipment = forms.ModelChoiceField(queryset=Shipment.objects.none(), required=False, empty_label="—")
    invoice_reference = forms.CharField(max_length=60, required=False)
    amount = forms.DecimalField(
        max_digits=15, decimal_places=2, min_value=0, required=False, help_text="Blank: the shipment's value."
    )
    shipped_on = forms.DateField(
        label="Shipment (B/L) date", widget=DATE, required=False, help_text="Blank: the shipment's departure."
    )
    drawn_on = forms.DateField(label="Drawn on", widget=DATE, initial=_today, required=False)
    override_reason = forms.CharField(
        max_length=500,
        required=False,
        help_text="An owner or admin may draw despite a late shipment or a partial drawing, with the reason.",
    )

    def __init__(self, *args: Any, lc: LetterOfCredit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lc = lc
        recent = (
            Shipment.objects.filter(
                organization_id=lc.organization_id, customer_id=lc.customer_id, status__in=sorted(COUNTS_AS_SHIPPED)
            )
            .order_by("-created_at")
            .values("pk")[:200]
        )
        shipment = cast("forms.ModelChoiceField[Shipment]", self.fields["shipment"])
        shipment.queryset = Shipment.objects.filter(pk__in=recent).order_by("-created_at")
        shipment.label_from_instance = lambda obj: f"{obj.number} · ETD {obj.etd:%d %b %Y}"  # type: ignore[method-assign]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("shipment") and data.get("amount") is None:
            self.add_error("amount", "Give the amount (or choose a shipment: its value).")
        return data


class MoveForm(forms.Form):
    on = forms.DateField(required=False, widget=DATE, label="On")
    reason = forms.CharField(max_length=500, required=False, label="Why")
    confirming_bank = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, transition: states.Transition, lc: LetterOfCredit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.transition = transition
        if transition.action != states.CONFIRM or lc.confirming_bank:
            del self.fields["confirming_bank"]
        if not transition.needs_reason:
            del self.fields["reason"]
        if transition.action not in (states.ISSUE, states.CONFIRM):
            del self.fields["on"]
        else:
            self.fields["on"].label = "Issued on" if transition.action == states.ISSUE else "Confirmed on"

    def arguments(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class PresentationForm(forms.Form):
    presented_on = forms.DateField(widget=DATE, initial=_today, label="Presented on")
    utilisation = forms.ChoiceField(required=False, label="For the drawing")
    note = forms.CharField(max_length=500, required=False)

    def __init__(self, *args: Any, lc: LetterOfCredit, drawings: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["utilisation"]).choices = [("", "—")] + [
            (str(d.pk), f"{d.currency} {d.amount:,.2f} · {d.drawn_on:%d %b %Y}") for d in drawings
        ]
        self.documents = list(lc.required_documents or [])
        for i, name in enumerate(self.documents):
            self.fields[f"doc_{i}"] = forms.BooleanField(required=False, label=document_label(name))

    def presented(self) -> list[dict[str, Any]]:
        return [
            {"document": name, "presented": bool(self.cleaned_data.get(f"doc_{i}"))}
            for i, name in enumerate(self.documents)
        ]


class DiscrepancyForm(forms.Form):
    text = forms.CharField(max_length=500, label="Discrepancy")
    raised_on = forms.DateField(widget=DATE, initial=_today, required=False, label="Raised on")
