"""How purchasing's records are named in sentences about audit events (``audit.labels``), and which belong to an
order's Timeline (``sales.extensions.ORDER_TIMELINE``: the POs raised from it or buying for its lines): registered in
``PurchasingConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q, QuerySet

from tradeloom.audit.labels import RecordLabel
from tradeloom.purchasing.models import PurchaseOrder, PurchaseOrderLine
from tradeloom.sales.extensions import TimelineSource

LABELS: dict[str, RecordLabel] = {
    "purchasing.purchaseorder": RecordLabel(PurchaseOrder, text=F("number")),
}


def purchase_orders_of(order: Any) -> QuerySet[PurchaseOrder]:
    linked = PurchaseOrderLine.objects.filter(sales_line__order=order).values("purchase_order_id")
    return PurchaseOrder.objects.filter(Q(order=order) | Q(pk__in=linked))


SOURCES = [TimelineSource("purchasing.purchaseorder", purchase_orders_of)]
