"""The upload form and the mapping form (one select per source column)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms

from tradeloom.imports.files import ENCODINGS
from tradeloom.imports.models import ImportRun
from tradeloom.imports.registry import ENTITIES, Entity, Preset

NOT_IMPORTED = ""


class UploadForm(forms.Form):
    entity = forms.CharField(widget=forms.HiddenInput)
    file = forms.FileField(label="File", help_text="CSV or XLSX; the first row holds the column headers.")
    encoding = forms.ChoiceField(
        label="Encoding (CSV)",
        required=False,
        choices=[("", "UTF-8 (the default; UTF-16 is recognised by itself)"), *list(ENCODINGS.items())[1:]],
        help_text="Only if the file is not UTF-8: Excel on Windows saves “CSV” as Windows-1252.",
    )
    sheet = forms.CharField(
        label="Sheet (XLSX)", required=False, max_length=100, help_text="Empty: the workbook's first sheet."
    )


def entity_choices() -> list[tuple[str, str]]:
    return [(e.code, e.label) for e in sorted(ENTITIES, key=lambda e: (e.order, e.label))]


def column_field_name(index: int) -> str:
    return f"col_{index}"


class MappingForm(forms.Form):
    """``col_<i>``: the field the file's ``i``-th column fills (or nothing); ``preset``: a ready-made mapping."""

    def __init__(
        self,
        *args: Any,
        entity: Entity,
        headers: list[str],
        columns: dict[str, str],
        presets: list[Preset],
        preset: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.entity, self.headers = entity, headers
        choices = [(NOT_IMPORTED, "— not imported —")] + [
            (f.name, f"{f.label}{' *' if f.required else ''}") for f in entity.fields
        ]
        for index, header in enumerate(headers):
            self.fields[column_field_name(index)] = forms.ChoiceField(
                label=header, choices=choices, required=False, initial=columns.get(header, NOT_IMPORTED)
            )
        self.fields["preset"] = forms.ChoiceField(
            label="Preset",
            required=False,
            choices=[("", "— none —"), *((p.code, p.label) for p in presets)],
            initial=preset,
        )

    def columns(self) -> dict[str, str]:
        return {header: self.cleaned_data.get(column_field_name(i)) or "" for i, header in enumerate(self.headers)}

    def field_of_header(self, header: str) -> str | None:
        if header in self.headers:
            return column_field_name(self.headers.index(header))
        return None


class RunFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ImportRun.Status.choices, label="Status", empty_label="Any status")
    entity = django_filters.ChoiceFilter(choices=entity_choices, label="What", empty_label="Anything")

    class Meta:
        model = ImportRun
        fields = ("status", "entity")
