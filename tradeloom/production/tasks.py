"""Production's background work: each morning, the open work orders' estimates and late flags move with the
calendar (the rate window ends today). Registered in ``ProductionConfig.ready()`` (``core.periodic``)."""

from __future__ import annotations

from celery import shared_task

from tradeloom.production.services import work_orders_refresh

REFRESH_TASK = "production.work_orders_refresh"


@shared_task(name=REFRESH_TASK, ignore_result=True)
def refresh() -> int:
    """Re-estimate every organisation's open work orders; safe to run twice (the second run changes nothing)."""
    return work_orders_refresh()
