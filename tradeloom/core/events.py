"""Domain events: the one seam through which an app's change reaches another app.

An event is a small frozen dataclass an app declares in its ``events.py`` (``LinesCreated``, ``LineStatusChanging``,
``OrganizationCreated`` …). The app's services ``publish()`` it; other apps ``subscribe()`` to it in their
``AppConfig.ready()``. A lower floor never imports a higher one: the publisher knows nothing of its subscribers.

Two phases, chosen by the subscriber:

* ``Phase.IN_TRANSACTION`` — runs at once, inside the publisher's transaction, in the order the apps subscribed
  (``INSTALLED_APPS``). It may write (its rows commit or roll back with the publisher's) and it may refuse the
  change by raising ``ApplicationError`` (gating rules do): nothing the service did is kept.
* ``Phase.AFTER_COMMIT`` — runs once the outermost transaction has committed (never if it rolls back): for
  notifications, webhooks, documents and search, which must not act on a change that did not happen. A failing
  after-commit subscriber is logged and does not stop the others.

``catalogue()`` lists every declared event (docs/events.md is checked against it).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar, TypeVar

from django.db import connection, transaction

logger = logging.getLogger(__name__)


class Phase(enum.Enum):
    IN_TRANSACTION = "in_transaction"
    AFTER_COMMIT = "after_commit"


@dataclass(frozen=True, kw_only=True)
class Event:
    """Base of every domain event. ``name`` is the event's catalogue name, ``<app>.<what_happened>``."""

    name: ClassVar[str] = ""
    _declared: ClassVar[dict[str, type[Event]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not cls.name or "." not in cls.name:
            raise TypeError(f"{cls.__name__} needs a catalogue name, e.g. name = 'sales.lines_created'.")
        declared = Event._declared.get(cls.name)
        if declared is not None and _origin(declared) != _origin(cls):
            raise TypeError(f"The event name {cls.name!r} is taken by {_origin(declared)}.")
        Event._declared[cls.name] = cls


def _origin(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


E = TypeVar("E", bound=Event)
Handler = Callable[[Any], None]

_subscribers: dict[tuple[type[Event], Phase], list[Handler]] = {}


def subscribe(event_type: type[E], handler: Callable[[E], None], *, phase: Phase = Phase.IN_TRANSACTION) -> None:
    """Call ``handler(event)`` for every published ``event_type`` (subscribing the same handler twice is a no-op)."""
    handlers = _subscribers.setdefault((event_type, phase), [])
    if handler not in handlers:
        handlers.append(handler)


def subscribers(event_type: type[Event], phase: Phase) -> list[Handler]:
    return list(_subscribers.get((event_type, phase), ()))


def publish(event: Event) -> None:
    """Run the event's in-transaction subscribers now and queue its after-commit ones. Call it inside the
    publishing service's transaction: an in-transaction subscriber's refusal must roll the change back."""
    if not connection.in_atomic_block:
        raise RuntimeError(f"{type(event).__name__} was published outside a transaction.")
    for handler in tuple(_subscribers.get((type(event), Phase.IN_TRANSACTION), ())):
        handler(event)
    for handler in tuple(_subscribers.get((type(event), Phase.AFTER_COMMIT), ())):
        transaction.on_commit(partial(_after_commit, handler, event))


def _after_commit(handler: Handler, event: Event) -> None:
    try:
        handler(event)
    except Exception:
        logger.exception("after-commit subscriber failed", extra={"event": event.name, "handler": repr(handler)})


def catalogue() -> dict[str, type[Event]]:
    """Every declared event by name (the apps' ``events`` modules are imported when Django starts)."""
    return dict(sorted(Event._declared.items()))
