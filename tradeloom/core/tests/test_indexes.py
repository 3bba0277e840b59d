"""Every foreign key leads an index, and none has a second index that another already covers.

A foreign key needs an index whose first column it is: lookups by parent and the checks PostgreSQL makes when a
parent row goes would otherwise scan the table. But Django gives every foreign key its own index, and where a
composite index or unique constraint already starts with the column (``(organization, id)`` on every tenant
table, ``(line, gate)`` on line gates …) that second index only costs: every insert maintains it, at a million
orders a few hundred megabytes of it. So such keys say ``db_index=False`` and this test holds both halves.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models


def _leading(model: type[models.Model]) -> set[str]:
    """Fields that lead a composite index or unique constraint of ``model``."""
    meta = model._meta
    leading: set[str] = set()
    for index in meta.indexes:
        if index.fields:
            leading.add(index.fields[0].lstrip("-"))
    for constraint in meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields and constraint.condition is None:
            leading.add(constraint.fields[0])
    for fields in meta.unique_together:
        leading.add(fields[0])
    return {meta.get_field(name).name for name in leading}


def _ours() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.startswith("tradeloom.") and not m._meta.proxy]


def test_every_foreign_key_leads_an_index():
    unindexed = [
        f"{model.__name__}.{field.name}"
        for model in _ours()
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey) and not field.db_index and field.name not in _leading(model)
    ]
    assert unindexed == []


def test_no_foreign_key_has_an_index_a_composite_one_already_covers():
    redundant = [
        f"{model.__name__}.{field.name}"
        for model in _ours()
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey) and field.db_index and field.name in _leading(model)
    ]
    assert redundant == []
