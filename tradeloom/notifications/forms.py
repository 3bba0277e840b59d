"""The notification settings form: one choice of channel per kind."""

from __future__ import annotations

from typing import Any

from django import forms

from tradeloom.notifications.kinds import Channel, NotificationKind


class PreferencesForm(forms.Form):
    """A field per registered kind (named by its code), each a channel; a kind left out keeps its channel."""

    def __init__(self, *args: Any, kinds: list[NotificationKind], current: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        for kind in kinds:
            self.fields[kind.code] = forms.ChoiceField(
                label=kind.label,
                choices=Channel.choices,
                required=False,
                initial=current.get(kind.code, kind.default_channel),
                help_text=kind.description,
                widget=forms.RadioSelect,
            )

    def channels(self) -> dict[str, str]:
        """The kinds the member set, with their channel."""
        return {code: value for code, value in self.cleaned_data.items() if value}

    def rows(self) -> list[dict[str, Any]]:
        """For the table: each kind's field, its current value and its errors."""
        rows = []
        for kind in self.kinds:
            bound = self[kind.code]
            value = bound.value() or bound.initial
            rows.append({"kind": kind, "field": bound, "value": value, "errors": bound.errors})
        return rows
