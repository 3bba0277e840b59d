"""The reports' filters, one form for the page and the API: months as ``YYYY-MM`` (``from``, ``to``), a customer and
a merchandiser of the organisation (by id; the page picks them from the organisation's own), the profit report's
grouping (``by``) and the ageing's day (``as_of``). Each report takes the filters its ``ReportKind.filters`` names;
the others are ignored."""

from __future__ import annotations

import datetime
import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from tradeloom.partners.models import Customer
from tradeloom.records.choices import record_label
from tradeloom.reports.selectors import PROFIT_GROUPS, Filters, ReportKind, add_months
from tradeloom.tenancy.models import Membership

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MAX_MONTHS = 36  # a longer range is refused (its chart would be unreadable)


def _month(value: str) -> datetime.date:
    match = MONTH.match(value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 1900:
        raise ValidationError("Give a month as YYYY-MM.", code="invalid")
    return datetime.date(int(match.group(1)), int(match.group(2)), 1)


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    def to_python(self, value: Any) -> datetime.date | None:  # type: ignore[override]
        text = super().to_python(value)
        return _month(text) if text else None


class ReportFilterForm(forms.Form):
    customer = forms.UUIDField(required=False, label="Customer")
    merchandiser = forms.ChoiceField(required=False, label="Merchandiser")
    by = forms.ChoiceField(required=False, label="Group by", choices=PROFIT_GROUPS)
    as_of = forms.DateField(required=False, label="As of", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(
        self, data: Any, *, kind: ReportKind, organization: Any, today: datetime.date, pickers: bool = False
    ) -> None:
        """``pickers``: the page's form, whose customer field is a select of the organisation's customers (one more
        statement); the API takes the id alone."""
        super().__init__(data)
        self.kind, self.organization, self.today = kind, organization, today
        self.fields["from"] = MonthField(required=False, label="From month")
        self.fields["to"] = MonthField(required=False, label="To month")
        order = ("from", "to", "customer", "merchandiser", "by", "as_of")
        for name in [name for name in order if name not in kind.filters]:
            del self.fields[name]
        self.order_fields([name for name in order if name in kind.filters])
        if "merchandiser" in self.fields:
            members = (
                Membership.objects.filter(organization=organization, is_active=True)
                .select_related("user")
                .order_by("user__full_name", "id")
            )
            cast(forms.ChoiceField, self.fields["merchandiser"]).choices = [("", "Everyone")] + [
                (str(m.pk), str(m.user)) for m in members
            ]
        if "customer" in self.fields and pickers:
            # the orders list's picker: every customer not archived, by name (one statement)
            customers = Customer.objects.filter(organization=organization, archived_at__isnull=True).order_by(
                "legal_name", "id"
            )
            self.fields["customer"].widget = forms.Select(
                choices=[("", "Any customer")] + [(str(c.pk), record_label(c)) for c in customers]
            )

    def clean_customer(self) -> Any:
        customer = self.cleaned_data.get("customer")
        if customer is not None and not Customer.objects.filter(organization=self.organization, pk=customer).exists():
            raise ValidationError("No such customer.", code="invalid")
        return customer

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from"), data.get("to")
        if start and end and start > end:
            self.add_error("to", "The last month cannot be before the first.")
        elif start and end and (end.year * 12 + end.month) - (start.year * 12 + start.month) >= MAX_MONTHS:
            self.add_error("to", f"At most {MAX_MONTHS} months at once.")
        return data

    def filters(self) -> Filters:
        """The filters asked for, the report's default months filling what is left empty (call after is_valid)."""
        data = self.cleaned_data
        start, end = data.get("from"), data.get("to")
        window = self.kind.window
        if window is not None:
            this_month = self.today.replace(day=1)
            if start is None and end is None:
                start, end = add_months(this_month, window[0]), add_months(this_month, window[1])
            elif start is None and end is not None:
                start = add_months(end, window[0] - window[1])
            elif end is None and start is not None:
                end = add_months(start, window[1] - window[0])
        return Filters(
            today=self.today,
            start=start,
            end=end,
            customer_id=data.get("customer"),
            merchandiser_id=data.get("merchandiser") or None,
            by=data.get("by") or "customer",
            as_of=data.get("as_of"),
        )

    def problem_errors(self) -> dict[str, list[str]]:
        return {name: [str(e) for e in errors] for name, errors in self.errors.items()}
