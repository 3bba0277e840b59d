"""The endpoint's form (event types as checkboxes, grouped by area) and the replay form."""

from __future__ import annotations

from typing import Any

from django import forms

from tradeloom.core.exceptions import ApplicationError
from tradeloom.webhooks.selectors import event_types_by_area
from tradeloom.webhooks.services import endpoint_url_check


def _event_type_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    return [(area, [(t.code, t.label) for t in types]) for area, types in event_types_by_area()]


class EndpointForm(forms.Form):
    url = forms.URLField(
        label="URL",
        max_length=1000,
        assume_scheme="https",
        help_text="Where Tradeloom POSTs the events: an https:// address your receiver listens on.",
        widget=forms.URLInput(attrs={"placeholder": "https://erp.example.com/hooks/tradeloom"}),
    )
    description = forms.CharField(max_length=200, required=False, widget=forms.TextInput())
    event_types = forms.MultipleChoiceField(
        label="Event types",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event type."},
    )
    is_active = forms.BooleanField(label="Active", required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["event_types"].choices = _event_type_choices()  # type: ignore[attr-defined]

    def clean_url(self) -> str:
        """The service's URL rules, so their error shows with the form's others (the service checks them again)."""
        url = self.cleaned_data["url"]
        try:
            endpoint_url_check(url)
        except ApplicationError as error:
            raise forms.ValidationError(error.message, code=error.code) from error
        return url

    def groups(self) -> list[tuple[str, list[tuple[str, str, bool]]]]:
        """The checkboxes by area: (area, [(code, label, checked)])."""
        chosen = set(self["event_types"].value() or [])
        return [
            (area, [(code, label, code in chosen) for code, label in options])
            for area, options in _event_type_choices()
        ]


class ReplayFailedForm(forms.Form):
    since = forms.DateTimeField(
        label="Failed since",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"],
    )
