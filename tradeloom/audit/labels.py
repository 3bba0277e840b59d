"""How a sentence about an audit event names a record: "NAVY on SO-2026-0012", "Lab dip · NAVY", "Bayside Mills".

Each app registers, in its ``AppConfig.ready()``, a ``RecordLabel`` for the models its events target or refer to:
SQL expressions over the model's rows, so the labels of every record a page names — of any number of models — are
read in one statement (a ``UNION ALL`` of one branch per model), whatever the number of events::

    RECORD_LABELS.register("sales.line", RecordLabel(Line, text=F("colour_code"), context=F("order__number")))

``text`` names the record; ``context`` is the record it belongs to (a line's order), added to the name where the page
is not about that record already ("NAVY on SO-2026-0012" on the dashboard, "NAVY" on the order's timeline);
``parts`` are more named values a sentence may use (a line gate's gate and line).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import QuerySet, TextField, Value
from django.db.models.functions import Cast, Concat, JSONObject

from tradeloom.core.registry import Registry


@dataclass(frozen=True)
class Label:
    """A record's name in a sentence, the record it belongs to, and the parts a sentence may use."""

    text: str
    context: str = ""
    parts: Mapping[str, str] = field(default_factory=dict)

    def part(self, name: str, default: str = "") -> str:
        return str(self.parts.get(name) or default)


@dataclass(frozen=True)
class RecordLabel:
    """How to name the rows of ``model`` (expressions over its rows; joins are fine)."""

    model: type[models.Model]
    text: Any
    context: Any = None
    parts: Mapping[str, Any] = field(default_factory=dict)
    # The name made from the parts in Python, where SQL would write it badly (numbers, days): ``label → text``.
    display: Callable[[Label], str] | None = None

    def rows(self, queryset: QuerySet[Any], kind: str) -> QuerySet[Any]:
        """``queryset`` (of this model) as rows ``(kind, key, label)``: one branch of the labels' statement."""
        label = JSONObject(
            text=self.text if self.text is not None else Value(""),
            context=self.context if self.context is not None else Value(""),
            **self.parts,
        )
        return (
            queryset.order_by()
            .annotate(_label_kind=Value(kind), _label_key=Cast("pk", TextField()), _label=label)
            .values_list("_label_kind", "_label_key", "_label")
        )


def concat(*expressions: Any) -> Concat:
    """Text made of columns and words, for a label (``concat(F("name"), Value(" ("), F("code"), Value(")"))``)."""
    return Concat(*expressions, output_field=TextField())


# Keyed by the model's label in lower case, as audit events name their targets (``sales.line``).
RECORD_LABELS: Registry[RecordLabel] = Registry("record labels")


def kind_of(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _label(data: Mapping[str, Any], spec: RecordLabel) -> Label:
    parts = {k: "" if v is None else str(v) for k, v in data.items() if k not in ("text", "context")}
    label = Label(text=str(data.get("text") or ""), context=str(data.get("context") or ""), parts=parts)
    if spec.display is not None:
        label = Label(text=spec.display(label), context=label.context, parts=parts)
    return label


def _keys(model: type[models.Model], ids: Iterable[Any]) -> list[str]:
    """The ids that can be keys of ``model`` (an audit target id is text; a UUID key refuses anything else)."""
    keys = {str(i) for i in ids if i not in (None, "")}
    if isinstance(model._meta.pk, models.UUIDField):
        valid = set()
        for key in keys:
            try:
                valid.add(str(uuid.UUID(key)))
            except ValueError:
                continue
        keys = valid
    return sorted(keys)


def labels_of(querysets: Iterable[tuple[str, QuerySet[Any]]]) -> list[tuple[str, str, Label]]:
    """``(kind, key, label)`` of every row of the given querysets, each of a registered kind: one statement."""
    branches = [RECORD_LABELS[kind].rows(queryset, kind) for kind, queryset in querysets]
    if not branches:
        return []
    statement = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
    return [(kind, key, _label(data, RECORD_LABELS[kind])) for kind, key, data in statement]


def labels_read(wanted: Mapping[str, Iterable[Any]]) -> dict[str, Label]:
    """The labels of records by kind and id (``{"sales.line": [ids]}``), in one statement; kinds nobody registered
    and records that are gone (or in another organisation) are left out."""
    querysets = []
    for kind, ids in wanted.items():
        spec = RECORD_LABELS.get(kind)
        keys = _keys(spec.model, ids) if spec is not None else []
        if spec is not None and keys:
            querysets.append((kind, spec.model._base_manager.filter(pk__in=keys)))
    return {key: label for _kind, key, label in labels_of(querysets)}
