"""What production gives outbound webhooks (``core.webhook_events``): the work-order actions integrators may subscribe
to, and how a work order reads in their payloads — as ``GET work-orders/{id}/`` returns it. Registered from
``ProductionConfig.ready()``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tradeloom.core.webhook_events import (
    WEBHOOK_EVENT_TYPES,
    WEBHOOK_REPRESENTATIONS,
    WebhookEventType,
    WebhookRepresentation,
)
from tradeloom.production.events import WorkOrderAction

AREA = "Production"
EVENT_TYPES = [
    (WorkOrderAction.CREATED, "Work order drafted"),
    ("production_work_order.updated", "Work order changed"),
    (WorkOrderAction.RELEASED, "Work order released"),
    (WorkOrderAction.STARTED, "Work order started"),
    (WorkOrderAction.COMPLETED, "Work order completed"),
    (WorkOrderAction.CANCELLED, "Work order cancelled"),
    (WorkOrderAction.REOPENED, "Work order reopened"),
    (WorkOrderAction.PRODUCTION_REPORTED, "Daily production reported on a work order"),
    (WorkOrderAction.PRODUCTION_CORRECTED, "Production entry corrected"),
    (WorkOrderAction.MATERIAL_ISSUED, "Materials issued to a work order"),
    (WorkOrderAction.FINISHED_RECEIVED, "Finished goods received from a work order"),
]


def work_orders_represent(organization: Any, ids: Iterable[str]) -> dict[str, Any]:
    """Work orders as ``GET work-orders/{id}/`` returns them: five statements whatever the number of ids (the work
    orders, their lines, requirements, entries and stock moves)."""
    from tradeloom.production.api.serializers import detail_data
    from tradeloom.production.selectors import work_order_details, work_orders_visible

    wanted = list(ids)
    work_orders = list(
        work_orders_visible(organization=organization)
        .filter(pk__in=wanted)
        .select_related("item", "unit", "supplier", "order")
        .order_by("pk")
    )
    details = work_order_details(organization=organization, work_orders=work_orders)
    return {str(wo.pk): detail_data(details[wo.pk]) for wo in work_orders}


def register() -> None:
    for code, label in EVENT_TYPES:
        WEBHOOK_EVENT_TYPES.register(str(code), WebhookEventType(str(code), label, area=AREA))
    WEBHOOK_REPRESENTATIONS.register(
        "production.workorder", WebhookRepresentation(work_orders_represent, "work-orders/{id}/")
    )
