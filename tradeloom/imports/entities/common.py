"""What the entities share: comparing a row's values with a record, and writing a record module's record through
``records.services`` (create, or update only what differs, or nothing: ``UNCHANGED``)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from tradeloom.imports.registry import CREATED, UNCHANGED, UPDATED, Outcome
from tradeloom.records.models import RecordModel
from tradeloom.records.services import record_archive, record_create, record_restore, record_update

R = TypeVar("R", bound=RecordModel)


def comparable(value: Any) -> Any:
    """A value as it compares with a stored one: a record by its id."""
    return value.pk if isinstance(value, models.Model) else value


def differences(instance: models.Model, data: dict[str, Any]) -> dict[str, Any]:
    """The entries of ``data`` whose value differs from ``instance``'s (references compared by id)."""
    changed = {}
    for name, value in data.items():
        field = instance._meta.get_field(name)
        current = getattr(instance, getattr(field, "attname", name))
        if comparable(current) != comparable(value):
            changed[name] = value
    return changed


def given(**values: Any) -> dict[str, Any]:
    """The values the row gives (an empty cell never clears a value: ``None`` and ``""`` are left out)."""
    return {name: value for name, value in values.items() if value is not None and value != ""}


def record_save(context: Any, model: type[R], instance: R | None, data: dict[str, Any]) -> tuple[R, Outcome]:
    """Create the record with ``data``, or update ``instance`` with what differs, or leave it (``UNCHANGED``)."""
    if instance is None:
        return record_create(model=model, organization=context.organization, by=context.by, data=data), CREATED
    changed = differences(instance, data)
    if not changed:
        return instance, UNCHANGED
    return record_update(instance=instance, by=context.by, data=changed), UPDATED


def active_set(context: Any, instance: RecordModel, active: bool | None) -> bool:
    """Archive or restore ``instance`` as the row's active / archived cell says; whether it changed."""
    if active is None or active == (instance.archived_at is None):
        return False
    if active:
        record_restore(instance=instance, by=context.by)
    else:
        record_archive(instance=instance, by=context.by)
    instance.refresh_from_db()
    return True


def combined(first: Outcome, *more: bool) -> Outcome:
    """A created record stays created; an unchanged one became updated if anything else about it changed."""
    if first == UNCHANGED and any(more):
        return UPDATED
    return first


def active_of(reader: Any, *, active: str = "active", archived: str = "archived") -> bool | None:
    """The row's "active" (Dataverse's Status) or "archived" (the exports' Archived) cell, as active or not."""
    value = reader.boolean(active)
    if value is not None:
        return bool(value)
    gone = reader.boolean(archived)
    return None if gone is None else not gone
