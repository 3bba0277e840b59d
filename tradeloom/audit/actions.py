"""The catalogue of audit action names: constants, never free strings.

Each app declares the actions it records in its ``events.py``, one ``Action`` enum per kind of record
(``class OrderAction(Action): CREATED = "sales_order.created"``). An action is ``<prefix>.<verb>``, where the prefix
is the audit prefix of the record it targets (``Order.audit_prefix = "sales_order"``): one record, one prefix.
Names generated from a pattern (the five verbs of every record, ``records.services``) are registered with
``actions_register``. ``audit_record`` refuses a name that is not in the catalogue, or whose prefix is not its
target's. The same names are the event types webhooks will carry; docs/events.md lists them (a test holds it equal).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

_registered: dict[str, str] = {}
_known: set[str] | None = None


class Action(enum.StrEnum):
    """Base of every app's action enums. Members are the action names."""


def _enums(base: type[Action]) -> list[type[Action]]:
    found = []
    for sub in base.__subclasses__():
        found += [sub, *_enums(sub)]
    return found


def actions_register(names: Iterable[str], *, source: str) -> None:
    """Add generated action names (``supplier.created`` …) to the catalogue, with where they come from."""
    global _known
    for name in names:
        _registered[name] = source
    _known = None


def catalogue() -> dict[str, str]:
    """Every action name → the enum (or generator) that declares it."""
    names = {str(member): f"{enum_.__module__}.{enum_.__qualname__}" for enum_ in _enums(Action) for member in enum_}
    return dict(sorted({**_registered, **names}.items()))


def is_catalogued(name: str) -> bool:
    global _known
    if _known is None or name not in _known:  # recomputed on a miss: an enum imported late still counts
        _known = set(catalogue())
    return name in _known


def prefix_of(target: Any) -> str:
    """The audit prefix of a record (or of a model): its model's ``audit_prefix``, else its model name."""
    model: Any = target if isinstance(target, type) else target.__class__  # __class__: lazy objects too
    return getattr(model, "audit_prefix", "") or model._meta.model_name


class JobAction(Action):
    """Background jobs (``core.jobs``) of every kind: starting one is audited with its kind and parameters."""

    STARTED = "job.started"
