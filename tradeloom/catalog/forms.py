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


INSTALMENT = re.compile(
    r"(?P<percent>\d+(?:\.\d+)?)\s*%\s*(?:(?:at|after)?\s*(?P<days>\d+)\s*days?"
    r"(?:\s+from\s+(?P<basis>invoice(?:\s+date)?|b/?l(?:\s+date)?|arrival))?|(?P<sight>at\s+sight))",
    re.IGNORECASE,
)
# how each basis reads in the text ("30% at 90 days from B/L date"); the invoice date is the default, unsaid
BASIS_TEXT = {"bl_date": " from B/L date", "arrival": " from arrival"}


def _basis(match: re.Match[str]) -> str:
    if match["sight"]:
        return "sight"
    word = (match["basis"] or "invoice").lower()
    return "bl_date" if word.startswith("b") else "arrival" if word.startswith("a") else "invoice"


class ScheduleField(forms.CharField):
    """Instalments as text, one per line: ``30% at 0 days`` / ``70% at 60 days`` / ``100% at 90 days from B/L
    date`` / ``100% at sight`` (the days count from the invoice date unless a basis is named)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(self._text(part) for part in value)
        if isinstance(value, str) and value.startswith("["):
            return self.prepare_value(orjson.loads(value))
        return value

    @staticmethod
    def _text(part: dict[str, Any]) -> str:
        basis = part.get("basis", "invoice")
        if basis == "sight" and not part.get("days"):
            return f"{part.get('percent')}% at sight"
        return f"{part.get('percent')}% at {part.get('days')} days{BASIS_TEXT.get(basis, '')}"

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value) or ""
        parts = []
        for line in [line.strip() for line in text.splitlines() if line.strip()]:
            match = INSTALMENT.fullmatch(line)
            if match is None:
                raise forms.ValidationError(
                    f"Write each instalment as “30% at 60 days”, “100% at 90 days from B/L date” or “100% at sight” "
                    f"(not “{line}”)."
                )
            part: dict[str, Any] = {"percent": match["percent"], "days": int(match["days"] or 0)}
            basis = _basis(match)
            if basis != "invoice":
                part["basis"] = basis
            parts.append(part)
        return parts


class PaymentTermsForm(RecordForm):
    schedule = ScheduleField(
        help_text="One instalment per line, e.g. “30% at 0 days” and “70% at 60 days”, "
        "“100% at 90 days from B/L date”, “100% at 30 days from arrival” or “100% at sight”."
    )

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
