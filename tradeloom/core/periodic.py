"""Periodic work for Celery beat, registered by the apps that own it.

An app registers ``PERIODIC_TASKS.register(key, Periodic(task="alerts.evaluate", every=timedelta(minutes=5)))`` (or
``at=crontab(hour=7, minute=0)``) in its ``AppConfig.ready()``; ``config/celery.py`` gives beat the whole registry
when the Celery app is finalised. Periodic tasks take no arguments and must be safe to run twice (beat may fire
again after a restart) and to overlap with themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tradeloom.core.registry import Registry

__all__ = ["PERIODIC_TASKS", "Periodic", "beat_schedule"]


@dataclass(frozen=True)
class Periodic:
    task: str
    every: timedelta | None = None
    at: Any = None  # a celery.schedules.crontab
    expires: float | None = None  # seconds: a run that waited this long in the queue is dropped

    def __post_init__(self) -> None:
        if (self.every is None) == (self.at is None):
            raise ValueError(f"{self.task}: give exactly one of every= or at=.")


PERIODIC_TASKS: Registry[Periodic] = Registry("periodic tasks")


def beat_schedule() -> dict[str, dict[str, Any]]:
    """The registry as Celery's ``beat_schedule``."""
    schedule: dict[str, dict[str, Any]] = {}
    for key, periodic in PERIODIC_TASKS.items():
        entry: dict[str, Any] = {"task": periodic.task, "schedule": periodic.every or periodic.at}
        expires = periodic.expires or (periodic.every.total_seconds() if periodic.every else None)
        if expires:
            entry["options"] = {"expires": expires}
        schedule[key] = entry
    return schedule
