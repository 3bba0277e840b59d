"""Forms of the T&A pages: applying a template to an order or a line, the small forms of a milestone (a new planned
date with its reason, an actual date, reopening), and a template's header with its milestone rows.

They parse input only: every rule (dependency cycles, unknown codes, the ETD an anchor needs, dates in the future …)
is the services', whose refusals land on these forms' fields (``views``).
"""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.utils import timezone

from tradeloom.catalog.models import Item
from tradeloom.core.shapes import shape_of
from tradeloom.records.pages import RecordForm
from tradeloom.tna.models import Anchor, Template, TemplateMilestone

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ROW = {"empty_permitted": True, "use_required_attribute": False}
PROCESSES = [("", "—"), ("knitted", "Knitted"), ("dyed", "Dyed"), ("finished", "Finished")]
CODES = re.compile(r"[\s,]+")


def _today() -> Any:
    return timezone.localdate()


def _reason(help_text: str = "") -> forms.CharField:
    return forms.CharField(
        max_length=500, widget=forms.TextInput(attrs={"placeholder": "Why"}), help_text=help_text, label="Reason"
    )


class ApplyForm(forms.Form):
    """Apply a template to the order (no line) or to one of its lines; ``reason`` when it replaces a plan."""

    template = forms.ChoiceField(label="Template")
    line = forms.ChoiceField(required=False, label="For", help_text="The whole order, or one line with its own ETD.")
    reason = forms.CharField(
        max_length=500,
        required=False,
        label="Reason (when it replaces a plan)",
        help_text="Replacing a plan keeps the actual dates of the milestones both have.",
    )

    def __init__(
        self,
        *args: Any,
        templates: list[tuple[str, str]],
        lines: list[tuple[str, str]],
        whole_order: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["template"]).choices = templates
        line = cast(forms.ChoiceField, self.fields["line"])
        line.choices = [*([("", "The whole order")] if whole_order else []), *lines]
        line.required = not whole_order


class ReplanForm(forms.Form):
    planned_date = forms.DateField(widget=DATE, label="New planned date")
    reason = _reason("Kept in the milestone's history.")


class ActualForm(forms.Form):
    actual_date = forms.DateField(widget=DATE, initial=_today, label="Done on")
    note = forms.CharField(max_length=500, required=False)


class ReopenForm(forms.Form):
    reason = _reason()


PRODUCT_TYPES = [("", "Any"), *Item.Kind.choices]


class TemplateForm(RecordForm):
    """A template's header: name, for which customer and product type, working days, default, notes."""

    class Meta:
        model = Template
        fields = list(shape_of(Template).create)
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].help_text = "Empty: any customer."
        cast(forms.ModelChoiceField, self.fields["customer"]).empty_label = "Any customer"
        self.fields["product_type"] = forms.ChoiceField(
            choices=PRODUCT_TYPES,
            required=False,
            label="Product type",
            help_text=Template._meta.get_field("product_type").help_text,
        )

    def payload(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in shape_of(Template).create}


# The cells of a milestone row (tna/_milestone_row.html) and their classes in its grid (``.tna-row``).
MILESTONE_CELLS = ("code", "name", "anchor", "offset_days", "depends_on", "gate_code", "production_process")
MILESTONE_LABELS = {
    "code": "Code",
    "name": "Milestone",
    "anchor": "From",
    "offset_days": "Offset (days)",
    "depends_on": "Depends on",
    "gate_code": "Done by gate",
    "production_process": "Done by production",
}


class MilestoneRowForm(forms.Form):
    """One milestone of the template form: its code and name, the offset from its anchor, the codes it depends on
    (separated by commas or spaces), the approval gate or production process that completes it."""

    code = forms.SlugField(
        max_length=64, required=False, widget=forms.TextInput(attrs={"placeholder": "e.g. knitting"})
    )
    name = forms.CharField(max_length=120, required=False)
    anchor = forms.ChoiceField(choices=Anchor.choices, required=False)
    offset_days = forms.IntegerField(
        required=False, widget=forms.NumberInput(attrs={"step": "1", "inputmode": "numeric", "placeholder": "-30"})
    )
    depends_on = forms.CharField(
        max_length=600, required=False, widget=forms.TextInput(attrs={"placeholder": "e.g. knitting, dyeing"})
    )
    gate_code = forms.ChoiceField(required=False)
    production_process = forms.ChoiceField(choices=PROCESSES, required=False)

    def __init__(self, *args: Any, gates: list[tuple[str, str]], **kwargs: Any) -> None:
        """``gates``: the organisation's approval gates (code, name), read once for every row."""
        super().__init__(*args, **{**ROW, **kwargs})
        cast(forms.ChoiceField, self.fields["gate_code"]).choices = [("", "—"), *gates]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "input"
            field.label = MILESTONE_LABELS.get(name, field.label)

    def cells(self) -> list[tuple[str, Any]]:
        return [(name, self[name]) for name in MILESTONE_CELLS]

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("code") or data.get("name") or data.get("offset_days") is not None)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_blank():
            return data
        if not data.get("code"):
            self.add_error("code", "Give the milestone a code (letters, digits, - and _).")
        if not data.get("name"):
            self.add_error("name", "Name the milestone.")
        if data.get("offset_days") is None and "offset_days" not in self.errors:
            self.add_error("offset_days", "Give the days from its anchor (negative: before it).")
        return data

    def payload(self) -> dict[str, Any] | None:
        if not self.is_valid() or self.is_blank():
            return None
        data = self.cleaned_data
        return {
            "code": data["code"],
            "name": data["name"],
            "anchor": data.get("anchor") or Anchor.ETD,
            "offset_days": data["offset_days"],
            "depends_on": [c for c in CODES.split(data.get("depends_on") or "") if c],
            "gate_code": data.get("gate_code") or "",
            "production_process": data.get("production_process") or "",
        }


def milestone_initial(row: TemplateMilestone) -> dict[str, Any]:
    return {
        "code": row.code,
        "name": row.name,
        "anchor": row.anchor,
        "offset_days": row.offset_days,
        "depends_on": ", ".join(row.depends_on),
        "gate_code": row.gate_code,
        "production_process": row.production_process,
    }


class ArchiveForm(forms.Form):
    pass
