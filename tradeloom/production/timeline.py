"""How production's records are named in sentences about audit events (``audit.labels``), and which belong to an
order's Timeline (``sales.extensions.ORDER_TIMELINE``: the work orders made for it): registered in
``ProductionConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from tradeloom.audit.labels import RecordLabel
from tradeloom.production.models import WorkOrder
from tradeloom.sales.extensions import TimelineSource

LABELS: dict[str, RecordLabel] = {
    "production.workorder": RecordLabel(WorkOrder, text=F("number")),
}


def work_orders_of(order: Any) -> QuerySet[WorkOrder]:
    return WorkOrder.objects.filter(order=order)


SOURCES = [TimelineSource("production.workorder", work_orders_of)]
