"""Browser forms for organisations and members."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms

from tradeloom.core.validators import currency_codes
from tradeloom.core.workdays import WEEKDAYS
from tradeloom.tenancy.models import (
    ALLOW_NEGATIVE_STOCK,
    CREDIT_LIMIT_CHECK,
    DEFAULT_CREDIT_LIMIT_CHECK,
    DEFAULT_WEEKLY_OFF_DAYS,
    OVER_DELIVERY_TOLERANCE,
    OVER_RECEIPT_TOLERANCE,
    PO_APPROVAL_LIMIT,
    WEEKLY_OFF_DAYS,
)
from tradeloom.tenancy.roles import Role


def _currency_choices() -> list[tuple[str, str]]:
    return [(code, code) for code in sorted(currency_codes())]


def _timezone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class OrganizationSettingsForm(forms.Form):
    name = forms.CharField(label="Organisation name", max_length=200)
    base_currency = forms.ChoiceField(
        label="Base currency", choices=_currency_choices, help_text="Reports convert every amount into this currency."
    )
    timezone = forms.ChoiceField(label="Time zone", choices=_timezone_choices)
    over_delivery_tolerance_percent = forms.DecimalField(
        label="Over-delivery tolerance (%)",
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"placeholder": "10", "step": "any"}),
        help_text=(
            "How far a line's deliveries may go beyond its ordered quantity; beyond it a delivery needs an owner's "
            "or admin's reason. Blank: 10 %."
        ),
    )
    credit_limit_check = forms.ChoiceField(
        label="Credit limit check",
        required=False,
        choices=[
            ("warn", "Warn: confirm the order and say the limit is passed"),
            ("block", "Block: refuse the order unless an owner or admin gives a reason"),
            ("off", "Off: do not check"),
        ],
        help_text="When confirming an order takes the customer past their credit limit.",
    )
    po_approval_limit = forms.DecimalField(
        label="PO approval limit (base currency)",
        required=False,
        min_value=0,
        max_digits=17,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"placeholder": "10000", "step": "any"}),
        help_text=(
            "A purchase order above this total needs a manager's or owner's approval, never its author's; at or "
            "below it, submitting approves. Blank: 10,000."
        ),
    )
    over_receipt_tolerance_percent = forms.DecimalField(
        label="Over-receipt tolerance (%)",
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"placeholder": "5", "step": "any"}),
        help_text="How far a PO line's receipts may go beyond its ordered quantity. Blank: 5 %.",
    )
    allow_negative_stock = forms.BooleanField(
        label="Allow negative stock",
        required=False,
        help_text="Let an issue take an item's balance in a warehouse below zero (refused when off).",
    )

    weekly_off_days = forms.TypedMultipleChoiceField(
        label="Weekly days off",
        required=False,
        coerce=int,
        choices=list(enumerate(WEEKDAYS)),
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "The days your office and mills do not work: T&A plans counted in working days and the production rate "
            "skip them. None ticked: every day is a working day."
        ),
    )

    def clean_weekly_off_days(self) -> list[int]:
        days = sorted(set(self.cleaned_data.get("weekly_off_days") or []))
        if len(days) == 7:
            raise forms.ValidationError("Leave at least one working day in the week.")
        return days

    def update_data(self, settings: dict[str, Any] | None) -> dict[str, Any]:
        """What ``services.organization_update`` takes: the fields, and the organisation's ``settings`` with the
        tolerance set (a JSON number) or, left blank, removed (the default applies)."""
        data = dict(self.cleaned_data)
        numbers = (OVER_DELIVERY_TOLERANCE, OVER_RECEIPT_TOLERANCE, PO_APPROVAL_LIMIT)
        merged = {k: v for k, v in (settings or {}).items() if k not in numbers}
        for key in numbers:
            number = data.pop(key, None)
            if number is not None:  # a JSON number
                merged[key] = int(number) if number == int(number) else float(number)
        # the days off: kept only when they are not the default (or were set before), absent otherwise
        days = data.pop(WEEKLY_OFF_DAYS, [])
        if tuple(days) != DEFAULT_WEEKLY_OFF_DAYS or WEEKLY_OFF_DAYS in merged:
            merged[WEEKLY_OFF_DAYS] = days
        negative = data.pop(ALLOW_NEGATIVE_STOCK, False)
        if negative or ALLOW_NEGATIVE_STOCK in merged:
            merged[ALLOW_NEGATIVE_STOCK] = bool(negative)
        # the credit limit check: kept only when it is not the default (or was set before), absent otherwise
        check = data.pop(CREDIT_LIMIT_CHECK, "") or ""
        if check and (check != DEFAULT_CREDIT_LIMIT_CHECK or CREDIT_LIMIT_CHECK in merged):
            merged[CREDIT_LIMIT_CHECK] = check
        return {**data, "settings": merged}


class OrganizationCreateForm(forms.Form):
    name = forms.CharField(label="Organisation name", max_length=200)
    base_currency = forms.ChoiceField(label="Base currency", choices=_currency_choices, initial="USD")
    timezone = forms.ChoiceField(label="Time zone", choices=_timezone_choices, initial="UTC")


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)
