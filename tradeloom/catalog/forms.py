from __future__ import annotations

import re
from typing import Any

import orjson
from django import forms

from tradeloom.catalog.models import ExchangeRate, Item, PaymentTerms, UnitOfMeasure
from tradeloom.core.shapes import shape_of
from tradeloom.records.pages import RecordForm


class UnitForm(RecordForm):
    class Meta:
        model = UnitOfMeasure
        fields = shape_of(UnitOfMeasure).editable


class ExchangeRateForm(RecordForm):
    class Meta:
        model = ExchangeRate
        fields = shape_of(ExchangeRate).editable
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


INSTALMENT = re.compile(r"(?P<percent>\d+(?:\.\d+)?)\s*%\s*(?:at|after)?\s*(?P<days>\d+)\s*days?", re.IGNORECASE)


class ScheduleField(forms.CharField):
    """Instalments as text, one per line: ``30% at 0 days`` / ``70% at 60 days``."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(f"{part.get('percent')}% at {part.get('days')} days" for part in value)
        if isinstance(value, str) and value.startswith("["):
            return self.prepare_value(orjson.loads(value))
        return value

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value) or ""
        parts = []
        for line in [line.strip() for line in text.splitlines() if line.strip()]:
            match = INSTALMENT.fullmatch(line)
            if match is None:
                raise forms.ValidationError(f"Write each instalment as “30% at 60 days” (not “{line}”).")
            parts.append({"percent": match["percent"], "days": int(match["days"])})
        return parts


class PaymentTermsForm(RecordForm):
    schedule = ScheduleField(help_text="One instalment per line, e.g. “30% at 0 days” and “70% at 60 days”.")

    class Meta:
        model = PaymentTerms
        fields = shape_of(PaymentTerms).editable


class ItemForm(RecordForm):
    # The specification first, the free description last.
    field_order = (
        *("kind", "code", "name", "unit", "composition", "gsm", "construction", "finish", "width_cm", "hs_code"),
    )

    class Meta:
        model = Item
        fields = shape_of(Item).editable
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
