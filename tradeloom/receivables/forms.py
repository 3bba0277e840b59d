"""Forms of the receivables pages: recording a payment (its header and one allocation row per open invoice of the
customer), allocating more, taking an allocation back, voiding, and the ageing and statement pickers.

They parse input only: every rule (currencies, over-allocation, the invoice's status) is the services', whose
refusals land on these forms' fields (``form_views.errors_onto``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from tradeloom.partners.models import Customer
from tradeloom.receivables.models import Payment

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# class "input": the allocation rows render the bare widget in a table cell, outside a .field (as sales.forms' lines)
MONEY = forms.NumberInput(attrs={"class": "input", "step": "0.01", "min": "0", "inputmode": "decimal"})
ROW = {"empty_permitted": True, "use_required_attribute": False}


def _today() -> Any:
    return timezone.localdate()


class CustomerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.code})"


class PaymentForm(forms.Form):
    customer = CustomerChoiceField(queryset=Customer.objects.none(), empty_label="Choose a customer")
    received_on = forms.DateField(label="Date received", initial=_today, widget=DATE)
    amount = forms.DecimalField(
        max_digits=18,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=MONEY,
        help_text="What the customer paid: what its invoices are credited with.",
    )
    currency = forms.CharField(
        max_length=3, min_length=3, widget=forms.TextInput(attrs={"autocapitalize": "characters"})
    )
    exchange_rate = forms.DecimalField(
        label="Rate to base currency",
        required=False,
        max_digits=20,
        decimal_places=8,
        min_value=Decimal("0.00000001"),
        widget=forms.NumberInput(attrs={"step": "any", "min": "0"}),
        help_text="Empty: the catalogue's rate on the date.",
    )
    method = forms.ChoiceField(choices=Payment.Method.choices, initial=Payment.Method.WIRE)
    bank_reference = forms.CharField(max_length=100, required=False)
    bank_charges = forms.DecimalField(
        max_digits=18,
        decimal_places=2,
        min_value=Decimal(0),
        required=False,
        widget=MONEY,
        help_text="Deducted by the banks: they reduce what reached the account, not what the customer is credited.",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, organization: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.filter(  # type: ignore[attr-defined]
            organization=organization, archived_at__isnull=True
        ).order_by("legal_name")

    def clean_currency(self) -> str:
        return str(self.cleaned_data["currency"]).upper()

    def payload(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("bank_charges") is None:
            data["bank_charges"] = Decimal(0)
        return data


class PaymentEditForm(forms.Form):
    received_on = forms.DateField(label="Date received", widget=DATE)
    amount = forms.DecimalField(max_digits=18, decimal_places=2, min_value=Decimal("0.01"), widget=MONEY)
    exchange_rate = forms.DecimalField(
        label="Rate to base currency",
        max_digits=20,
        decimal_places=8,
        min_value=Decimal("0.00000001"),
        widget=forms.NumberInput(attrs={"step": "any", "min": "0"}),
    )
    method = forms.ChoiceField(choices=Payment.Method.choices)
    bank_reference = forms.CharField(max_length=100, required=False)
    bank_charges = forms.DecimalField(max_digits=18, decimal_places=2, min_value=Decimal(0), widget=MONEY)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, payment: Payment, **kwargs: Any) -> None:
        kwargs["initial"] = {name: getattr(payment, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.changed_data}


class AllocationRowForm(forms.Form):
    """One open invoice of the customer: how much of the payment goes to it (blank: nothing)."""

    invoice = forms.UUIDField(widget=forms.HiddenInput)
    amount = forms.DecimalField(
        label="Allocate",
        required=False,
        max_digits=18,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=MONEY,
    )


class UnallocateForm(forms.Form):
    invoice = forms.UUIDField(widget=forms.HiddenInput)
    amount = forms.DecimalField(
        label="Amount to take back",
        required=False,
        max_digits=18,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=MONEY,
        help_text="Empty: all of it.",
    )


class VoidForm(forms.Form):
    reason = forms.CharField(max_length=500, help_text="A bounced cheque, recorded twice, a recall …")


class AgeingForm(forms.Form):
    as_of = forms.DateField(label="As of", required=False, widget=DATE)


class StatementForm(forms.Form):
    customer = CustomerChoiceField(queryset=Customer.objects.none(), empty_label="Choose a customer")
    date_from = forms.DateField(label="From", required=False, widget=DATE)
    date_to = forms.DateField(label="To", required=False, widget=DATE)

    def __init__(self, *args: Any, organization: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.filter(  # type: ignore[attr-defined]
            organization=organization, archived_at__isnull=True
        ).order_by("legal_name")
