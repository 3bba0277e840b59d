"""How a picker names a record: its name and its code ("Arvind Mills · ARVIND"), so two records with similar names
are told apart in every select — the order form's pickers (``sales.forms.PickField``), record forms' references
(``records.pages.RecordForm``) and list filters (``RecordChoiceFilter``)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms


def record_label(record: Any) -> str:
    """``str(record)`` with the record's code after it, unless the name already shows it (items: "FAB-01 Poplin")."""
    name = str(record)
    code = str(getattr(record, "code", "") or "")
    return f"{name} · {code}" if code and code not in name else name


class RecordChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return record_label(obj)


class RecordChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = RecordChoiceField
