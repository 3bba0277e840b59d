"""Browser forms for organisations and members."""

from __future__ import annotations

import zoneinfo

from django import forms

from tradeloom.core.validators import currency_codes
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


class OrganizationCreateForm(forms.Form):
    name = forms.CharField(label="Organisation name", max_length=200)
    base_currency = forms.ChoiceField(label="Base currency", choices=_currency_choices, initial="USD")
    timezone = forms.ChoiceField(label="Time zone", choices=_timezone_choices, initial="UTC")


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)
