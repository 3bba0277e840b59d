"""The alert rules page's form: one per kind (on or off, N days, who is told)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from tradeloom.core.alert_kinds import AlertKind
from tradeloom.tenancy.models import Membership
from tradeloom.tenancy.roles import Role


class RuleForm(forms.Form):
    enabled = forms.BooleanField(required=False, label="On")
    days = forms.IntegerField(label="Days")
    notify_merchandiser = forms.BooleanField(required=False)
    roles = forms.MultipleChoiceField(
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Everyone with the role",
    )
    members = forms.MultipleChoiceField(
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
        label="And these members",
        help_text="Hold Ctrl (⌘ on a Mac) to choose several.",
    )

    def __init__(self, *args: Any, kind: AlertKind, members: list[Membership], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", kind.code)
        super().__init__(*args, **kwargs)
        self.kind = kind
        days = self.fields["days"]
        assert isinstance(days, forms.IntegerField)  # noqa: S101 - the field declared above
        days.label = kind.unit
        days.min_value, days.max_value = kind.min_days, kind.max_days
        days.widget.attrs.update({"min": kind.min_days, "max": kind.max_days, "inputmode": "numeric"})
        message = f"Enter a number of days from {kind.min_days} to {kind.max_days}."
        days.validators = [
            MinValueValidator(kind.min_days, message=message),
            MaxValueValidator(kind.max_days, message=message),
        ]
        self.fields["notify_merchandiser"].label = kind.responsible
        chosen = self.fields["members"]
        assert isinstance(chosen, forms.MultipleChoiceField)  # noqa: S101 - the field declared above
        chosen.choices = [(str(m.pk), str(m.user.full_name or m.user.email)) for m in members]

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "enabled": data["enabled"],
            "days": data["days"],
            "notify_merchandiser": data["notify_merchandiser"],
            "roles": list(data["roles"]),
            "members": list(data["members"]),
        }
