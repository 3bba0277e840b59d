"""Forms of the approvals pages: record a step, correct one, bulk, samples, gates and rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from tradeloom.approvals import states
from tradeloom.approvals.models import Gate, GateRule
from tradeloom.sales.models import Line

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


def _today() -> Any:
    return timezone.localdate()


class StepForm(forms.Form):
    state = forms.ChoiceField(choices=states.RECORDABLE)
    effective_date = forms.DateField(widget=DATE, initial=_today, help_text="An earlier day is shown as backdated.")
    note = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    override_reason = forms.CharField(
        max_length=500, required=False, help_text="Owners and admins: pass a gating rule with a reason."
    )
    attachments = MultipleFileField(required=False, label="Files")


class CorrectionForm(forms.Form):
    state = forms.ChoiceField(choices=states.RECORDABLE)
    effective_date = forms.DateField(widget=DATE, initial=_today)
    note = forms.CharField(max_length=2000, required=False, label="Why the correction")
    override_reason = forms.CharField(max_length=500, required=False)


def _gate_choices(gates: list[Gate]) -> list[tuple[str, str]]:
    return [(g.code, g.name) for g in gates]


class BulkForm(forms.Form):
    gate = forms.ChoiceField()
    state = forms.ChoiceField(choices=states.RECORDABLE)
    effective_date = forms.DateField(widget=DATE, initial=_today)
    note = forms.CharField(max_length=2000, required=False)
    override_reason = forms.CharField(max_length=500, required=False)
    lines = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, error_messages={"required": "Tick lines."})

    def __init__(self, *args: Any, gates: list[Gate], lines: list[Line], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gate"].choices = _gate_choices(gates)  # type: ignore[attr-defined]
        self.fields["lines"].choices = [(str(line.pk), str(line)) for line in lines]  # type: ignore[attr-defined]


class LineGateForm(forms.Form):
    line = forms.ChoiceField()
    gate = forms.ChoiceField()

    def __init__(self, *args: Any, gates: list[Gate], lines: list[Line], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gate"].choices = _gate_choices(gates)  # type: ignore[attr-defined]
        self.fields["line"].choices = [(str(line.pk), str(line)) for line in lines]  # type: ignore[attr-defined]


class SampleForm(forms.Form):
    line = forms.ChoiceField()
    gate = forms.ChoiceField(label="Gate / type")
    recipient = forms.CharField(max_length=150, required=False)
    courier = forms.CharField(max_length=80, required=False)
    awb_number = forms.CharField(max_length=60, required=False, label="AWB number")

    def __init__(self, *args: Any, gates: list[Gate], lines: list[Line], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gate"].choices = _gate_choices(gates)  # type: ignore[attr-defined]
        self.fields["line"].choices = [(str(line.pk), str(line)) for line in lines]  # type: ignore[attr-defined]


class DispatchForm(forms.Form):
    submitted_on = forms.DateField(widget=DATE, initial=_today, label="Sent on")
    courier = forms.CharField(max_length=80, required=False)
    awb_number = forms.CharField(max_length=60, required=False, label="AWB number")
    override_reason = forms.CharField(max_length=500, required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approved"), ("reject", "Rejected")])
    decided_on = forms.DateField(widget=DATE, initial=_today)
    buyer_comments = forms.CharField(max_length=2000, required=False)


class GateForm(forms.Form):
    name = forms.CharField(max_length=120)
    applies_by_default = forms.BooleanField(required=False, label="Add to every new line")


class RuleForm(forms.Form):
    kind = forms.ChoiceField(choices=GateRule.Kind.choices)
    gate = forms.ChoiceField(required=False, help_text="For a submission rule: the gate held back.")
    line_status = forms.ChoiceField(required=False, help_text="For a line-status rule.")
    requires = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, label="Needs approved first")

    def __init__(self, *args: Any, gates: list[Gate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gate"].choices = [("", "—"), *_gate_choices(gates)]  # type: ignore[attr-defined]
        self.fields["line_status"].choices = [("", "—"), *Line.Status.choices]  # type: ignore[attr-defined]
        self.fields["requires"].choices = _gate_choices(gates)  # type: ignore[attr-defined]
