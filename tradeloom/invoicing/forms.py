"""The invoice pages' forms: the header (date, terms, LC, reference, bank details, notes) of a new invoice or a
draft, an order line's quantity to invoice, voiding (a reason) and a credit note."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from tradeloom.catalog.models import PaymentTerms
from tradeloom.lcs.models import LetterOfCredit

DATE = forms.DateInput(attrs={"type": "date"})
FINAL_LC_STATUSES = ("expired", "cancelled")


class InvoiceHeaderForm(forms.Form):
    issue_date = forms.DateField(label="Invoice date", widget=DATE)
    payment_terms = forms.ModelChoiceField(
        queryset=PaymentTerms.objects.none(), required=False, empty_label="Due on the invoice date"
    )
    letter_of_credit = forms.ModelChoiceField(
        queryset=LetterOfCredit.objects.none(),
        required=False,
        empty_label="Open account (no LC)",
        label="Drawn under LC",
    )
    customer_reference = forms.CharField(label="Buyer's reference", max_length=100, required=False)
    bank_details = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Where the buyer pays: bank, account, SWIFT …",
        max_length=2000,
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000)

    def __init__(self, *args: Any, organization: Any, customer: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        terms = PaymentTerms.objects.filter(organization=organization, archived_at__isnull=True).order_by("name")
        self.fields["payment_terms"].queryset = terms  # type: ignore[attr-defined]
        lcs = (
            LetterOfCredit.objects.filter(organization=organization, customer=customer, currency=currency)
            .exclude(status__in=FINAL_LC_STATUSES)
            .order_by("-created_at")
        )
        self.fields["letter_of_credit"].queryset = lcs  # type: ignore[attr-defined]


class OrderLineForm(forms.Form):
    """One order line's quantity to invoice (blank or 0: not on this invoice)."""

    quantity = forms.DecimalField(
        max_digits=18, decimal_places=3, min_value=Decimal(0), required=False, widget=forms.NumberInput({"step": "any"})
    )


class VoidForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class CreditNoteForm(forms.Form):
    amount = forms.DecimalField(max_digits=18, decimal_places=2, min_value=Decimal("0.01"), label="Amount (tax incl.)")
    issue_date = forms.DateField(label="Credit note date", widget=DATE, required=False)
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
