"""The alerts' background work: the evaluation pass (beat, every 15 minutes) and telling the recipients of the
alerts a pass fired (an outbox effect per organisation, done once)."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from tradeloom.alerts.evaluation import NOTIFY_TASK, alerts_evaluate
from tradeloom.alerts.notifying import alerts_notify
from tradeloom.core.effects import effect_task
from tradeloom.tenancy.models import Organization


@shared_task(name="alerts.evaluate", ignore_result=True)
def evaluate() -> dict[str, Any]:
    """One evaluation pass over every organisation; safe to run twice or to overlap (an advisory lock)."""
    result = alerts_evaluate()
    return {"ran": result.ran, "fired": result.fired, "resolved": result.resolved, "seconds": result.seconds}


@effect_task(NOTIFY_TASK)
def notify(*, organization_id: str) -> int:
    """Tell the recipients of an organisation's new alerts (in its tenant context, in the entry's transaction)."""
    organization = Organization.objects.get(pk=organization_id)
    return alerts_notify(organization=organization)
